package dev.coreset.jobs.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log file behind the one-line console: Spark's own warnings and errors (task failures with their stack
 * traces) and the full trace of every failure the CLI reports go there, not to the console (log4j2.properties
 * routes them). One file a run, made only when something is written to it: {@code coreset-<time>-<pid>.log} in
 * {@code $CORESET_LOG_DIR}, else in {@code <tmp>/coreset-<user>}; {@code -Dcoreset.log.file} names it outright.
 */
public final class FailureLog {
    /** The system property log4j2.properties takes the file name from. */
    public static final String FILE_PROPERTY = "coreset.log.file";

    private FailureLog() {
    }

    /** Picks this run's file; call first thing in main, before anything logs (log4j reads the property once). */
    public static void chooseFile() {
        if (System.getProperty(FILE_PROPERTY) != null) {
            return;
        }
        String dir = System.getenv("CORESET_LOG_DIR");
        Path folder = dir != null && !dir.isBlank() ? Path.of(dir)
                : Path.of(System.getProperty("java.io.tmpdir"), "coreset-" + System.getProperty("user.name"));
        String time = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        System.setProperty(FILE_PROPERTY, folder.resolve("coreset-" + time + "-" + ProcessHandle.current().pid()
                + ".log").toAbsolutePath().toString());
    }

    /**
     * Writes {@code failure}'s full trace to the log file; returns the file, or empty when no file received it
     * (another log4j configuration, as under spark-submit with the cluster's own): then the caller prints it.
     */
    public static Optional<Path> record(String what, Throwable failure) {
        // Not a static field: that would start log4j before chooseFile sets the file name.
        Logger log = LoggerFactory.getLogger(FailureLog.class);
        log.error(what, failure);
        return file();
    }

    /** This run's log file, when one was written. */
    public static Optional<Path> file() {
        String file = System.getProperty(FILE_PROPERTY);
        return file != null && Files.isRegularFile(Path.of(file)) ? Optional.of(Path.of(file)) : Optional.empty();
    }
}
