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
        for (Throwable e = t; e != null; e = e.getCause()) {
            if (e instanceof SparkThrowable st && st.getCondition() != null
                    && st.getCondition().startsWith("FAILED_READ_FILE")) {
                Map<String, String> params = st.getMessageParameters();
                String path = params == null ? null : params.get("path");
                return new CoresetInputException((path == null ? "an input file" : path)
                        + ": cannot read it (" + deepest(e) + "); the file is truncated or corrupt, or not Parquet: "
                        + remedy + ".", t);
            }
        }
        // A file whose bytes no longer match its Hadoop .crc sidecar: Spark reports it without FAILED_READ_FILE.
        for (Throwable e = t; e != null; e = e.getCause()) {
            if (e instanceof org.apache.hadoop.fs.ChecksumException) {
                return new CoresetInputException(firstLine(e.getMessage()) + ": the file is corrupt (its bytes differ"
                        + " from its .crc checksum): " + remedy + ".", t);
            }
        }
        return null;
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
