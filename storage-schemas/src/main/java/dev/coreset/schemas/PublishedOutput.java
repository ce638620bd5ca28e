package dev.coreset.schemas;

import java.io.IOException;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Where a reader finds an output's content, in either publication mode and with no setting: an output with an
 * {@link OutputPointer} is read from the version it names; any other path is read as it is. Every reader of a
 * coreset output goes through {@link #resolve} first.
 */
public final class PublishedOutput {
    private static final int POINTER_READS = 4;
    private static final long POINTER_RETRY_MS = 250;

    private PublishedOutput() {
    }

    /**
     * The directory holding {@code out}'s content: its current version when it has a pointer, else {@code out}.
     * @throws CoresetInputException when the pointer is unreadable or names a version that is gone
     */
    public static Path resolve(Path out, Configuration conf) {
        Optional<OutputPointer> pointer = readPointer(out, conf);
        if (pointer.isEmpty()) {
            return out;
        }
        Path current = pointer.get().current(out);
        try {
            if (!current.getFileSystem(conf).exists(current)) {
                throw new CoresetInputException(out + ": its pointer names " + current + ", which does not exist"
                        + " (removed by hand?); re-run the command that wrote " + out + ".");
            }
        } catch (IOException e) {
            throw new CoresetInputException(current + ": cannot open (" + ParquetRows.oneLine(e) + ")", e);
        }
        return current;
    }

    /**
     * The pointer, read again a few times when it does not parse: on some stores (ABFS) a file is listed, empty, from
     * its create until its writer closes it, so a reader can meet a pointer being replaced. S3 and GCS show whole
     * objects only.
     */
    private static Optional<OutputPointer> readPointer(Path out, Configuration conf) {
        for (int attempt = 1; ; attempt++) {
            try {
                return OutputPointer.readFrom(out, conf);
            } catch (IOException e) {
                if (attempt == POINTER_READS) {
                    throw new CoresetInputException(new Path(out, OutputPointer.FILE_NAME) + ": unreadable pointer ("
                            + ParquetRows.oneLine(e) + "); re-run the command that wrote " + out + ".", e);
                }
                try {
                    Thread.sleep(POINTER_RETRY_MS);
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    throw new CoresetInputException(out + ": interrupted while reading its pointer", stop);
                }
            }
        }
    }

    public static String resolve(String out, Configuration conf) {
        Path p = new Path(out);
        Path r = resolve(p, conf);
        return r == p ? out : r.toString();
    }

    /**
     * True when a published output is at {@code out}: a pointer, or (rename mode) the directory itself. A directory
     * holding nothing but unpublished versions is no output yet.
     */
    public static boolean exists(Path out, Configuration conf) throws IOException {
        FileSystem fs = out.getFileSystem(conf);
        if (!fs.exists(out)) {
            return false;
        }
        if (!fs.getFileStatus(out).isDirectory()) {
            return true;
        }
        FileStatus[] children = fs.listStatus(out);
        for (FileStatus c : children) {
            String name = c.getPath().getName();
            if (!name.equals(OutputPointer.VERSIONS) && !name.startsWith(".")) {
                return true; // the pointer, or a rename-mode output's files
            }
        }
        return children.length == 0;
    }
}
