package dev.coreset.schemas;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * {@value #FILE_NAME} in a pointer-mode output ({@link PublishMode#POINTER}): which directory under
 * {@value #VERSIONS} holds the current content, and which one held it before (kept for readers that opened it
 * before the pointer moved). Written with one create-and-close, a single PUT on an object store, so a reader sees
 * the old pointer or the new one, never a mix; versions never change once published.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"formatVersion", "version", "previous", "createdAt"})
public record OutputPointer(int formatVersion, String version, String previous, String createdAt) {
    public static final String FILE_NAME = "_coreset_pointer.json";
    /** Hidden from Spark and Hadoop's input formats (leading underscore), so a plain parquet read sees no rows. */
    public static final String VERSIONS = "_versions";
    public static final int FORMAT_VERSION = 1;

    public static OutputPointer to(String version, String previous) {
        return new OutputPointer(FORMAT_VERSION, version, previous, Instant.now().toString());
    }

    /** The pointer of {@code out}, or empty when it has none (a rename-mode output, or nothing yet). */
    public static Optional<OutputPointer> readFrom(Path out, Configuration conf) throws IOException {
        Path file = new Path(out, FILE_NAME);
        FileSystem fs = file.getFileSystem(conf);
        if (!fs.exists(file)) {
            return Optional.empty();
        }
        OutputPointer p;
        try (InputStream in = fs.open(file)) {
            p = Json.MAPPER.readValue(in, OutputPointer.class);
        }
        if (p.version == null || p.version.isEmpty() || p.version.contains("/")) {
            throw new IOException(file + " names no version directory");
        }
        return Optional.of(p);
    }

    public void writeTo(Path out, Configuration conf) throws IOException {
        Path file = new Path(out, FILE_NAME);
        // Serialized first, so the one write below is the whole object.
        byte[] bytes = Json.MAPPER.writeValueAsBytes(this);
        try (OutputStream o = file.getFileSystem(conf).create(file, true)) {
            o.write(bytes);
        }
    }

    public static Path versionsOf(Path out) {
        return new Path(out, VERSIONS);
    }

    public Path current(Path out) {
        return new Path(versionsOf(out), version);
    }

    /** True for a directory directly under some output's {@value #VERSIONS}. */
    public static boolean isVersion(Path dir) {
        return dir.getParent() != null && VERSIONS.equals(dir.getParent().getName());
    }

    /** The output a version directory belongs to. */
    public static Path outputOf(Path version) {
        return version.getParent().getParent();
    }
}
