package dev.coreset.jobs.io;

import dev.coreset.schemas.PublishedOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * What an input looked like when a stage read it, without reading its data: a hash of every visible file's
 * relative path, length and modification time (hidden files such as Hadoop's .crc are skipped). A re-ingested,
 * re-scored or re-trained input is republished with new files, so its stamp changes; an untouched one keeps it.
 * Cheap at any size (one listing), unlike a content fingerprint, and it works for raw files (IDX, CSV) too.
 */
public final class InputStamp {
    /** The stamp of a path that does not exist (the stage itself will report it). */
    public static final String MISSING = "missing";

    private InputStamp() {
    }

    public static String of(Path path, Configuration conf) {
        try {
            FileSystem fs = path.getFileSystem(conf);
            if (!fs.exists(path)) {
                return MISSING;
            }
            // A pointer-mode output: its current version, whose name changes with every publish.
            Path root = fs.makeQualified(PublishedOutput.resolve(path, conf));
            List<String> entries = new ArrayList<>();
            if (fs.getFileStatus(root).isFile()) {
                var s = fs.getFileStatus(root);
                entries.add(". " + s.getLen() + " " + s.getModificationTime());
            } else {
                String prefix = root.toUri().getPath();
                for (FileStatus s : FileTree.files(fs, root)) {
                    String rel = s.getPath().toUri().getPath().substring(prefix.length());
                    if (!hidden(rel)) {
                        entries.add(rel + " " + s.getLen() + " " + s.getModificationTime());
                    }
                }
            }
            entries.sort(null);
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String e : entries) {
                sha.update(e.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) '\n');
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean hidden(String relative) {
        for (String part : relative.split("/")) {
            if (part.startsWith(".")) {
                return true;
            }
        }
        return false;
    }
}
