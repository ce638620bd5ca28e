package dev.coreset.schemas;

/** The coreset version recorded in every output, from the jar manifest when packaged. */
public final class SoftwareVersion {
    private SoftwareVersion() {
    }

    public static String get() {
        String v = SoftwareVersion.class.getPackage().getImplementationVersion();
        return "coreset " + (v == null ? "0.1.0-SNAPSHOT" : v);
    }
}
