package dev.coreset.jobs.io;

import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.PipelineFixture;
import dev.coreset.jobs.SparkTestSession;
import dev.coreset.jobs.TableDigest;
import dev.coreset.jobs.TaskFaults;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.ExceptionFailure;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With the test-only {@link TaskFaults} hook, the first attempt of half the tasks of score and select throws
 * after doing its work; the shared session (master local[2,2]) retries them, and the outputs must equal a clean
 * run's exactly.
 */
class TaskRetryTest {
    @TempDir
    Path tmp;

    private final SparkSession spark = SparkTestSession.get();
    private final PipelineFixture fixture = PipelineFixture.get();

    /** Counts task attempts that ended with the injected failure. */
    static final class InjectedFailures extends SparkListener {
        final AtomicInteger count = new AtomicInteger();

        @Override
        public void onTaskEnd(SparkListenerTaskEnd end) {
            if (end.reason() instanceof ExceptionFailure f && f.className().endsWith("InjectedFailure")) {
                count.incrementAndGet();
            }
        }
    }

    private void ok(String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(0, r.exitCode(), r.err());
    }

    private void score(Path out) {
        ok("score", "--samples", fixture.samples.toString(), "--checkpoints", fixture.run.toString(), "--embedding",
                "logits-grad", "--batch-size", "100", "--out", out.toString(), "--no-progress");
    }

    /** Random parts always merge, so all three GreeDi rounds run as tasks (without a merge round 2 is the driver's). */
    private void select(Path out) {
        ok("select", "--scores", fixture.scores.toString(), "--method", "facility-location", "--fraction", "0.1",
                "--partition-size", "60", "--parts", "random", "--seed", "2", "--out", out.toString(), "--no-progress");
    }

    @Test
    void retriedTasksGiveTheCleanRunsOutputs() {
        score(tmp.resolve("scores-clean"));
        select(tmp.resolve("manifest-clean"));

        InjectedFailures failures = new InjectedFailures();
        spark.sparkContext().addSparkListener(failures);
        spark.conf().set(TaskFaults.CONF, TaskFaults.SCORE + "," + TaskFaults.SELECT);
        int afterScore;
        try {
            score(tmp.resolve("scores-retried"));
            afterScore = failures.count.get();
            select(tmp.resolve("manifest-retried"));
        } finally {
            spark.conf().unset(TaskFaults.CONF);
            spark.sparkContext().removeSparkListener(failures);
        }
        assertTrue(afterScore > 0, "score tasks failed once and were retried");
        assertTrue(failures.count.get() - afterScore >= 3, "select tasks of every GreeDi round failed once: "
                + (failures.count.get() - afterScore));

        assertEquals(TableDigest.table(spark, tmp.resolve("scores-clean"), "sample_id", "checkpoint"),
                TableDigest.table(spark, tmp.resolve("scores-retried"), "sample_id", "checkpoint"));
        assertEquals(TableDigest.manifest(tmp.resolve("manifest-clean")),
                TableDigest.manifest(tmp.resolve("manifest-retried")));
    }
}
