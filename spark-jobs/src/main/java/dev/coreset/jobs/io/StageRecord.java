package dev.coreset.jobs.io;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.coreset.schemas.Json;
import dev.coreset.schemas.PublishedOutput;
import dev.coreset.schemas.SoftwareVersion;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * {@value #FILE_NAME}, written into every stage output (samples, scores, manifest, dynamics, flags, train run)
 * next to its other side files: which command made it, with which parameters, from which inputs (path and
 * {@link InputStamp}). {@link ResumeGuard} compares it with a new run's to skip, refuse or recompute.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"formatVersion", "stage", "parameters", "inputs", "outputs", "createdAt", "softwareVersion"})
public class StageRecord {
    public static final String FILE_NAME = "_coreset_stage.json";
    public static final int FORMAT_VERSION = 1;

    public int formatVersion = FORMAT_VERSION;
    /** The command, e.g. "select". */
    public String stage;
    /** CLI option name (without --) to its value, for every option that can change the output. */
    public Map<String, Object> parameters = new TreeMap<>();
    /** CLI option name of each input to its qualified path and stamp. */
    public Map<String, Input> inputs = new TreeMap<>();
    /** Qualified paths of what the stage writes; the first is --out. */
    public List<String> outputs = new ArrayList<>();
    public String createdAt = Instant.now().toString();
    public String softwareVersion = SoftwareVersion.get();

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class Input {
        public String path;
        public String stamp;

        public Input() {
        }

        public Input(String path, String stamp) {
            this.path = path;
            this.stamp = stamp;
        }
    }

    /** The record in an output directory, or null when it has none. */
    public static StageRecord read(Path output, Configuration conf) throws IOException {
        Path file = new Path(PublishedOutput.resolve(output, conf), FILE_NAME);
        if (!file.getFileSystem(conf).exists(file)) {
            return null;
        }
        return Json.read(file, StageRecord.class, conf);
    }

    public void write(Path dir, Configuration conf) throws IOException {
        Json.write(new Path(dir, FILE_NAME), this, conf);
    }
}
