package dev.coreset.jobs.cli;

import dev.coreset.schemas.LiveStaging;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.util.ShutdownHookManager;
import sun.misc.Signal;

/**
 * SIGTERM (a scheduler's timeout) and SIGINT (Ctrl-C) stop a command cleanly: the JVM exits with 143 / 130 as it
 * would anyway, but first this run's unpublished staging directories are removed and one line says what was
 * stopped (once the SparkContext is stopped and this JVM's tasks have ended). Failures the stop causes in the command itself (jobs cancelled, a summary count after publication) are
 * not errors: {@link #signal} tells the CLI to stay quiet. A second signal ends the JVM at once. The same hook
 * reports a JVM that another thread ended while the command ran ({@link FatalExit}).
 */
final class SignalStop {
    /**
     * Hadoop's shutdown hooks run highest priority first: Spark stops its context at 40 (FileSystem's 10 + 30),
     * which ends the running tasks, and FileSystem closes its cached clients at 10. Staging is removed between.
     */
    private static final int REMOVE_STAGING_PRIORITY = FileSystem.SHUTDOWN_HOOK_PRIORITY + 20;
    /** Within Hadoop's 30 s per shutdown hook; a task still running then leaves litter for the next run. */
    private static final Duration TASKS_WAIT = Duration.ofSeconds(15);
    private static volatile String signal;

    private SignalStop() {
    }

    /** Installs the handlers; for main only (in-process callers keep their JVM's own handling). */
    static void install(PrintStream err) {
        handle("TERM", 143);
        handle("INT", 130);
        ShutdownHookManager.get().addShutdownHook(() -> {
            if (signal != null) {
                LocalTasks.awaitNone(TASKS_WAIT);
                err.println(message(signal, LiveStaging.removeAll()));
                err.flush();
            } else if (!CoresetCli.commandReturned() && FatalExit.claim()) {
                // No signal, the command never returned nor reported: another thread exited (Spark, on a fatal task
                // error). Spark's own hook has stopped the context by now, so its tasks no longer write.
                LiveStaging.stop();
                err.println(FatalExit.exitLine(FailureLog.file(), LiveStaging.removeAll()));
                err.flush();
            }
        }, REMOVE_STAGING_PRIORITY);
    }

    /** The signal that is stopping this JVM ("SIGTERM"), or null while none has come. */
    static String signal() {
        return signal;
    }

    static String message(String signal, List<Path> removed) {
        if (removed.isEmpty()) {
            return "stopped by " + signal + ": nothing unfinished was left (an output published before the signal is"
                    + " complete); run the command again to finish.";
        }
        return "stopped by " + signal + ": removed the unfinished " + String.join(", ",
                removed.stream().map(Path::toString).toList()) + "; the previous output, if any, is unchanged; run the"
                + " command again to redo it.";
    }

    private static void handle(String name, int exitCode) {
        try {
            Signal.handle(new Signal(name), s -> {
                if (signal != null) {
                    Runtime.getRuntime().halt(exitCode); // a second signal: the user does not want to wait
                }
                signal = "SIG" + name;
                LiveStaging.stop();
                // exit runs the shutdown hooks on another thread; this one is the JVM's signal dispatcher.
                new Thread(() -> System.exit(exitCode), "coreset-signal-exit").start();
            });
        } catch (IllegalArgumentException e) {
            // the platform has no such signal, or the JVM reserves it (-Xrs): keep the default handling
        }
    }
}
