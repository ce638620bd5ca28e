package dev.coreset.jobs.io;

import dev.coreset.schemas.CoresetInputException;
import java.util.Map;
import org.apache.spark.SparkThrowable;

/**
 * Turns Spark's failure to read an input file (a truncated or corrupt Parquet file, found only when a task
 * reads it) into the one-line input error users see, naming the file. Spark reports every such case with the
 * FAILED_READ_FILE condition and the file in its "path" parameter; a file that fails its Hadoop .crc checksum comes
 * as a ChecksumException naming the file.
 */
public final class ReadFailures {
    private ReadFailures() {
    }

    /** The input error for {@code t}'s chain, or null when no read failure is in it. */
    public static CoresetInputException of(Throwable t) {
        return of(t, "re-create it by re-running the command that wrote it (or restore it from a copy)");
    }

    /** As {@link #of(Throwable)}, with the fix that fits where the file came from. */
    public static CoresetInputException of(Throwable t, String remedy) {
        // A file whose bytes no longer match its Hadoop .crc sidecar. Spark 4.2 wraps the ChecksumException in
        // FAILED_READ_FILE (naming the file in "path"); 4.1 reported it bare (naming the file in its message).
        Throwable checksum = null;
        for (Throwable e = t; e != null && checksum == null; e = e.getCause()) {
            if (e instanceof org.apache.hadoop.fs.ChecksumException) {
                checksum = e;
            }
        }
        for (Throwable e = t; e != null; e = e.getCause()) {
            if (e instanceof SparkThrowable st && st.getCondition() != null
                    && st.getCondition().startsWith("FAILED_READ_FILE")) {
                Map<String, String> params = st.getMessageParameters();
                String path = params == null || params.get("path") == null ? "an input file" : params.get("path");
                return checksum != null ? checksumError(path, remedy, t) : new CoresetInputException(path
                        + ": cannot read it (" + deepest(e) + "); the file is truncated or corrupt, or not Parquet: "
                        + remedy + ".", t);
            }
        }
        return checksum == null ? null : checksumError(firstLine(checksum.getMessage()), remedy, t);
    }

    private static CoresetInputException checksumError(String file, String remedy, Throwable t) {
        return new CoresetInputException(file + ": the file is corrupt (its bytes differ from its .crc checksum): "
                + remedy + ".", t);
    }

    private static String firstLine(String m) {
        return m == null ? "an input file" : m.lines().findFirst().orElse(m).trim();
    }

    private static String deepest(Throwable e) {
        Throwable d = e;
        while (d.getCause() != null && d.getCause() != d) {
            d = d.getCause();
        }
        String m = d.getMessage() == null ? d.getClass().getSimpleName() : d.getMessage();
        int nl = m.indexOf('\n');
        return (nl < 0 ? m : m.substring(0, nl)).trim();
    }
}
