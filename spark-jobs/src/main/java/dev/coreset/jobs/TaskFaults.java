package dev.coreset.jobs;

import java.io.Serializable;
import java.util.Arrays;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.SparkSession;

/**
 * Test-only fault injection for Spark tasks: off unless a test sets the runtime conf {@value #CONF} to a
 * comma-separated list of sites ({@value #SCORE}, {@value #SELECT}). Then the first attempt of every task with
 * an even partition id at those sites throws after doing its work, and Spark's retry must give the same output
 * as a clean run. Needs a master that retries (local[N,F] with F >= 2, or a cluster). Never set in production.
 */
public final class TaskFaults implements Serializable {
    public static final String CONF = "spark.coreset.test.failFirstAttempt";
    /** ScoreJob's scoring tasks, after their last row. */
    public static final String SCORE = "score";
    /** SelectJob's GreeDi tasks: greedy per part, merge per class, assignment pass. */
    public static final String SELECT = "select";

    /** Never fails: for callers outside the hooked jobs (benchmarks). */
    public static final TaskFaults NONE = new TaskFaults("none", false);

    private final String site;
    private final boolean on;

    private TaskFaults(String site, boolean on) {
        this.site = site;
        this.on = on;
    }

    /** Read on the driver (the conf lives there); the result travels to the tasks in the closure. */
    public static TaskFaults at(SparkSession spark, String site) {
        String sites = spark.conf().get(CONF, "");
        return new TaskFaults(site, Arrays.asList(sites.split(",")).contains(site));
    }

    /** Throws in the first attempt of even-numbered tasks when this site is on; nothing otherwise. */
    public void maybeFail() {
        if (!on) {
            return;
        }
        TaskContext ctx = TaskContext.get();
        if (ctx != null && ctx.attemptNumber() == 0 && ctx.partitionId() % 2 == 0) {
            throw new InjectedFailure("test-only injected failure at " + site + ", stage " + ctx.stageId()
                    + " partition " + ctx.partitionId() + " attempt 0 (" + CONF + ")");
        }
    }

    /** What {@link #maybeFail} throws, so a listener can tell injected failures from real ones. */
    public static final class InjectedFailure extends RuntimeException {
        public InjectedFailure(String message) {
            super(message);
        }
    }
}
