package dev.coreset.jobs.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line for a task that ran out of memory, or another fatal task error. In local mode Spark's handler for such an
 * error calls System.exit(52) from the task's thread, racing the command's own report of the failed job: either the
 * command reports it (its failure names the OutOfMemoryError) or the JVM is already exiting and the shutdown hook
 * reports it (the error is then read back from the run's log file, where Spark logged it). {@link #claim} lets only
 * the first of the two print; without the hook the console says nothing at all.
 */
final class FatalExit {
    /** Spark's exit code for an OutOfMemoryError (SparkExitCode.OOM); the CLI uses it too. */
    static final int EXIT_OUT_OF_MEMORY = 52;
    private static final Pattern OUT_OF_MEMORY = Pattern.compile(
            "java\\.lang\\.OutOfMemoryError(: [^\\n]*?)?(?=\\s+at |\\R|$)");
    private static final AtomicBoolean REPORTED = new AtomicBoolean();

    private FatalExit() {
    }

    /** True for the first caller only: the one that prints the failure. */
    static boolean claim() {
        return REPORTED.compareAndSet(false, true);
    }

    /** The OutOfMemoryError named in a failure's messages (Spark carries a task's error as text), if any. */
    static Optional<String> outOfMemory(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return Optional.of(t.toString());
            }
            Optional<String> named = outOfMemory(String.valueOf(t.getMessage()));
            if (named.isPresent()) {
                return named;
            }
        }
        return Optional.empty();
    }

    static Optional<String> outOfMemory(String text) {
        Matcher m = OUT_OF_MEMORY.matcher(text);
        return m.find() ? Optional.of(m.group().strip()) : Optional.empty();
    }

    /**
     * Whether a failure is a job cancelled because the SparkContext was shut down while the command ran: with no
     * signal, Spark's handler for a fatal task error is ending the JVM, and its shutdown hook stopped the context
     * before the task's error reached the command (issue 21's CI saw this order under load).
     */
    static boolean contextShutDown(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (String.valueOf(t.getMessage()).contains("because SparkContext was shut down")) {
                return true;
            }
        }
        return false;
    }

    /** The first OutOfMemoryError Spark logged, if the log has one. */
    static Optional<String> outOfMemoryLogged(Path log) {
        try (BufferedReader in = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (!line.stripLeading().startsWith("at ")) {
                    Optional<String> named = outOfMemory(line);
                    if (named.isPresent()) {
                        return named;
                    }
                }
            }
        } catch (IOException e) {
            // no readable log: the line then names no cause
        }
        return Optional.empty();
    }

    static String outOfMemoryLine(String error, List<org.apache.hadoop.fs.Path> removed, Optional<Path> log) {
        return "error: a Spark task ran out of memory (" + error + "); give it more heap (JAVA_OPTS=-Xmx8g bin/coreset"
                + " ..., spark-submit --driver-memory 8g in local mode, --conf spark.executor.memory=8g on a cluster) or"
                + " make tasks smaller (--partition-size where the command has it, or more input partitions)."
                + removed(removed) + log.map(p -> " Full trace: " + p).orElse("");
    }

    /** The shutdown hook's line for a JVM another thread ended while the command ran. */
    static String exitLine(Optional<Path> log, List<org.apache.hadoop.fs.Path> removed) {
        Optional<String> error = log.flatMap(FatalExit::outOfMemoryLogged);
        if (error.isPresent()) {
            return outOfMemoryLine(error.get(), removed, log);
        }
        return "error: a fatal error in a Spark task ended the JVM." + removed(removed)
                + log.map(p -> " Full trace: " + p).orElse("");
    }

    private static String removed(List<org.apache.hadoop.fs.Path> removed) {
        return removed.isEmpty() ? "" : " Removed the unfinished " + String.join(", ",
                removed.stream().map(org.apache.hadoop.fs.Path::toString).toList()) + "; the previous output, if any, is"
                + " unchanged.";
    }
}
