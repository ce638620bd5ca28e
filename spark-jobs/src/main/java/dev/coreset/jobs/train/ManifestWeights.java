package dev.coreset.jobs.train;

import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.Fingerprint;
import dev.coreset.schemas.ManifestMetadata;
import dev.coreset.schemas.ManifestReader;
import java.util.HashMap;
import java.util.Map;

/**
 * The (sample_id -> label, weight) map of a validated manifest. Its size is the coreset's, not the
 * dataset's: a manifest of 1M rows takes ~60 MB here.
 */
public final class ManifestWeights {
    private final String path;
    private final ManifestMetadata metadata;
    private final Map<Long, Entry> entries;

    /** Label and weight of one selected sample. */
    public record Entry(int label, double weight) {
    }

    private ManifestWeights(String path, ManifestMetadata metadata, Map<Long, Entry> entries) {
        this.path = path;
        this.metadata = metadata;
        this.entries = entries;
    }

    /** Opens and validates the manifest (complete, known format, schema, budget, weights > 0), then loads it. */
    public static ManifestWeights read(String path) {
        ManifestReader reader = ManifestReader.open(path);
        reader.validate();
        Map<Long, Entry> entries = new HashMap<>();
        reader.forEach((id, label, weight) -> entries.put(id, new Entry(label, weight)));
        return new ManifestWeights(path, reader.metadata(), entries);
    }

    public Entry get(long id) {
        return entries.get(id);
    }

    public int size() {
        return entries.size();
    }

    public String path() {
        return path;
    }

    public ManifestMetadata metadata() {
        return metadata;
    }

    /**
     * Refuses a samples table whose train split is not the one the manifest was selected from: the
     * manifest records the fingerprint (row count and id/label hash) of its source's train rows.
     */
    public void checkSource(String samples, Fingerprint trainSplit) {
        ManifestMetadata.Source src = metadata.source;
        if (src == null || src.fingerprint == null) {
            throw new CoresetInputException(path + ": _coreset.json has no source fingerprint; re-run `coreset select`"
                    + " with this version to record it.");
        }
        Fingerprint expected = src.asFingerprint();
        if (!expected.equals(trainSplit)) {
            throw new CoresetInputException(path + ": manifest was selected from " + src.path + " (" + expected.rows()
                    + " train rows, fingerprint " + expected.hashHex() + ") but " + samples + " has " + trainSplit.rows()
                    + " train rows, fingerprint " + trainSplit.hashHex()
                    + "; pass the samples table the manifest's scores came from, or select again.");
        }
    }
}
