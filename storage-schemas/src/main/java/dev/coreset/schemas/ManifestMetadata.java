package dev.coreset.schemas;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;
import java.util.TreeMap;

/**
 * The manifest's {@value #FILE_NAME}: how the coreset was made and from what. Written before
 * {@code _SUCCESS}; readers refuse a manifest without both.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"formatVersion", "table", "method", "parameters", "seed", "budget", "source",
        "createdAt", "softwareVersion"})
public class ManifestMetadata {
    public static final String FILE_NAME = "_coreset.json";

    public int formatVersion = Tables.MANIFEST.formatVersion();
    public String table = Tables.MANIFEST.name();
    public String method;
    /** Every parameter of the run, sorted by name so equal runs write equal files. */
    public Map<String, Object> parameters = new TreeMap<>();
    public long seed;
    public Budget budget = new Budget();
    public Source source = new Source();
    public String createdAt;
    public String softwareVersion = SoftwareVersion.get();

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonPropertyOrder({"total", "perClass"})
    public static class Budget {
        public long total;
        /** Class label (as a string, JSON keys are strings) to the number selected in that class. */
        public Map<String, Long> perClass = new TreeMap<>(java.util.Comparator.comparingInt(Integer::parseInt));
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonPropertyOrder({"path", "rows", "fingerprint"})
    public static class Source {
        public String path;
        public long rows;
        /** {@link Fingerprint#hashHex()} of the source's (sample_id, label) pairs. */
        public String fingerprint;

        public Fingerprint asFingerprint() {
            return Fingerprint.parse(rows, fingerprint);
        }
    }
}
