package dev.coreset.jobs.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding a task's OutOfMemoryError in the forms Spark reports it, and the line that says what to do. */
class FatalExitTest {
    @TempDir
    Path tmp;

    @Test
    void findsTheErrorAsACauseAsTextInAJobFailureAndInTheLog() throws Exception {
        assertEquals(Optional.of("java.lang.OutOfMemoryError: Java heap space"),
                FatalExit.outOfMemory(new RuntimeException("job", new OutOfMemoryError("Java heap space"))));
        // local mode: the task's error travels as text inside the job's failure, trace and all
        SparkException job = new SparkException("Job aborted due to stage failure: Task 3 in stage 5.0 failed 1 times,"
                + " most recent failure: Lost task 3.0 (TID 9) (host executor driver): java.lang.OutOfMemoryError:"
                + " Java heap space\n\tat java.base/java.nio.HeapByteBuffer.<init>(HeapByteBuffer.java:64)\n");
        assertEquals(Optional.of("java.lang.OutOfMemoryError: Java heap space"), FatalExit.outOfMemory(job));
        assertEquals(Optional.of("java.lang.OutOfMemoryError: GC overhead limit exceeded"), FatalExit.outOfMemory(
                "... (host executor 1): java.lang.OutOfMemoryError: GC overhead limit exceeded at x.y(Z.java:1)"));
        assertEquals(Optional.empty(), FatalExit.outOfMemory(new SparkException("Task failed: FileNotFoundException")));

        Path log = tmp.resolve("run.log");
        Files.write(log, List.of("2026-12-06 ERROR [worker] org.apache.spark.executor.Executor: Exception in task 1.0",
                "java.lang.OutOfMemoryError: Java heap space", "\tat java.base/java.nio.ByteBuffer.allocate(B.java:1)"));
        assertEquals(Optional.of("java.lang.OutOfMemoryError: Java heap space"), FatalExit.outOfMemoryLogged(log));
    }

    @Test
    void theHooksLineNamesTheErrorTheFixTheRemovedStagingAndTheLog() throws Exception {
        Path log = tmp.resolve("run.log");
        Files.write(log, List.of("java.lang.OutOfMemoryError: Java heap space"));
        String line = FatalExit.exitLine(Optional.of(log), List.of(new org.apache.hadoop.fs.Path("/d/.m.staging-1")));
        assertEquals("error: a Spark task ran out of memory (java.lang.OutOfMemoryError: Java heap space); give it more"
                + " heap (JAVA_OPTS=-Xmx8g bin/coreset ..., spark-submit --driver-memory 8g in local mode, --conf"
                + " spark.executor.memory=8g on a cluster) or make tasks smaller (--partition-size where the command"
                + " has it, or more input partitions). Removed the unfinished /d/.m.staging-1; the previous output, if"
                + " any, is unchanged. Full trace: " + log, line);

        Files.write(log, List.of("java.lang.StackOverflowError"));
        assertEquals("error: a fatal error in a Spark task ended the JVM. Full trace: " + log,
                FatalExit.exitLine(Optional.of(log), List.of()));
    }

    @Test
    void aJobCancelledByTheContextsShutdownIsTheFatalExitsFailure() {
        // What the command gets when Spark's shutdown hook stops the context before the task's error arrives.
        SparkException cancelled = new SparkException("Job 25 cancelled because SparkContext was shut down");
        assertTrue(FatalExit.contextShutDown(new RuntimeException("dedup failed", cancelled)));
        assertFalse(FatalExit.contextShutDown(new SparkException("Job 3 cancelled as part of cancellation of all jobs")));
        assertFalse(FatalExit.contextShutDown(new RuntimeException((String) null)));
    }
}
