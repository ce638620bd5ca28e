package dev.coreset.jobs.io;

import dev.coreset.schemas.Fingerprint;
import dev.coreset.schemas.Json;
import dev.coreset.schemas.PublishedOutput;
import dev.coreset.schemas.TableInfo;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The {@value #INPUTS} parameter of a scores table or manifest: which tables a run read (path, rows and the
 * (sample_id, label) fingerprint) and, for a manifest, what its scores table was made from (samples, checkpoint
 * files, an incremental run's previous scores). A scheduled run can tell from it which data a coreset covers.
 */
public final class Lineage {
    public static final String INPUTS = "inputs";

    private Lineage() {
    }

    public static Map<String, Object> entry(String path, Fingerprint fp) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("path", path);
        e.put("rows", fp.rows());
        e.put("fingerprint", fp.hashHex());
        return e;
    }

    /** The embeddings table a selection read (select --embeddings): made outside coreset, so nothing upstream. */
    public static Map<String, Object> fromEmbeddings(String embeddings, Fingerprint used) {
        Map<String, Object> inputs = new TreeMap<>();
        inputs.put("embeddings", entry(embeddings, used));
        return inputs;
    }

    /** The scores table a selection read ({@code used}: the rows it selected from) and that table's own inputs. */
    public static Map<String, Object> fromScores(String scores, Fingerprint used, Configuration conf) {
        Map<String, Object> inputs = new TreeMap<>();
        inputs.put("scores", entry(scores, used));
        try {
            Path file = new Path(PublishedOutput.resolve(new Path(scores), conf), TableInfo.FILE_NAME);
            if (file.getFileSystem(conf).exists(file)) {
                TableInfo info = Json.read(file, TableInfo.class, conf);
                if (info.parameters.get(INPUTS) instanceof Map<?, ?> upstream) {
                    upstream.forEach((k, v) -> inputs.put(String.valueOf(k), v));
                }
                Map<String, Object> checkpoints = new LinkedHashMap<>();
                checkpoints.put("path", info.parameters.get("checkpoints"));
                checkpoints.put("epochs", info.parameters.get("epochs"));
                checkpoints.put("sha256", info.parameters.get("checkpointsSha256"));
                inputs.put("checkpoints", checkpoints);
            }
        } catch (IOException e) {
            // The side file is provenance only: a manifest without it is still correct.
            inputs.put("scoresInfo", "unreadable: " + e.getMessage());
        }
        return inputs;
    }
}
