package dev.coreset.schemas;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * How an output is published. {@link #RENAME}: a hidden staging directory renamed into place, atomic on HDFS and
 * local disks. {@link #POINTER}: an immutable version directory under the output plus one small pointer file
 * written in a single PUT ({@link OutputPointer}), for object stores, whose "rename" is a copy and a delete.
 *
 * <p>Chosen per output by the Hadoop setting {@value #KEY} ({@code --conf spark.hadoop.coreset.publish=...}):
 * {@code auto} (the default) picks pointer for the object-store schemes ({@link #OBJECT_STORE_SCHEMES}, plus any
 * listed in {@value #EXTRA_SCHEMES}) and rename for everything else; {@code rename} and {@code pointer} force one.
 * Readers need no setting: {@link PublishedOutput#resolve} follows a pointer wherever there is one.
 */
public enum PublishMode {
    RENAME, POINTER;

    public static final String KEY = "coreset.publish";
    public static final String EXTRA_SCHEMES = "coreset.publish.pointer-schemes";
    /** Hadoop connectors of stores without an atomic directory rename. */
    public static final Set<String> OBJECT_STORE_SCHEMES = Set.of("s3a", "s3", "s3n", "gs", "abfs", "abfss", "wasb",
            "wasbs", "oss", "cosn", "obs");

    public static PublishMode forTarget(Path target, Configuration conf) {
        String value = conf.getTrimmed(KEY, "auto").toLowerCase(Locale.ROOT);
        switch (value) {
            case "rename":
                return RENAME;
            case "pointer":
                return POINTER;
            case "auto":
                return pointerSchemes(conf).contains(scheme(target, conf)) ? POINTER : RENAME;
            default:
                throw new CoresetInputException(KEY + "=" + value + " is unknown; use auto, rename or pointer "
                        + "(e.g. --conf spark.hadoop." + KEY + "=pointer).");
        }
    }

    private static Set<String> pointerSchemes(Configuration conf) {
        Set<String> schemes = new TreeSet<>(OBJECT_STORE_SCHEMES);
        Arrays.stream(conf.getTrimmedStrings(EXTRA_SCHEMES)).map(s -> s.toLowerCase(Locale.ROOT)).forEach(schemes::add);
        return schemes;
    }

    /** The scheme the path resolves to: its own, else the default file system's. */
    private static String scheme(Path target, Configuration conf) {
        String s = target.toUri().getScheme();
        if (s == null) {
            s = org.apache.hadoop.fs.FileSystem.getDefaultUri(conf).getScheme();
        }
        return s == null ? "file" : s.toLowerCase(Locale.ROOT);
    }
}
