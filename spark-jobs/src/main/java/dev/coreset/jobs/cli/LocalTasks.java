package dev.coreset.jobs.cli;

import java.time.Duration;

/**
 * The Spark tasks running in this JVM (local mode: the executor lives in the driver). Stopping the SparkContext
 * only asks them to stop; a task still writing recreates its part of a staging directory after it was removed, so
 * a stop waits for them before removing staging.
 */
final class LocalTasks {
    /** How Spark's Executor names its task threads (unchanged since Spark 1). */
    private static final String TASK_THREAD_PREFIX = "Executor task launch worker";

    private LocalTasks() {
    }

    /** Waits until no task thread runs, or {@code limit} has passed; returns true when none is left. */
    static boolean awaitNone(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (!t.getName().startsWith(TASK_THREAD_PREFIX)) {
                continue;
            }
            long left = deadline - System.nanoTime();
            try {
                if (left <= 0 || !joined(t, left)) {
                    return false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private static boolean joined(Thread t, long nanos) throws InterruptedException {
        t.join(Duration.ofNanos(nanos).toMillis() + 1);
        return !t.isAlive();
    }
}
