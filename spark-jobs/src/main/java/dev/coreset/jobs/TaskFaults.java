package dev.coreset.jobs;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.SparkSession;

/**
 * Test-only fault injection for Spark tasks, off unless a test sets these runtime confs; never set in production.
 * <ul>
 * <li>{@value #CONF} = comma-separated sites ({@value #SCORE}, {@value #SELECT}): the first attempt of every task
 * with an even partition id at those sites throws after doing its work, and Spark's retry must give the same output
 * as a clean run. Needs a master that retries (local[N,F] with F >= 2, or a cluster).</li>
 * <li>{@value #HOLD} = sites, with {@value #HOLD_DIR} = a directory every executor can write (one machine): the
 * first task anywhere to reach one of those sites claims the file {@code HOLD_DIR/SITE} (written whole, naming its
 * executor's pid and id, stage and partition) and then sleeps for up to {@value #HOLD_SECONDS} s. A cluster test
 * waits for the file and kills that executor or the driver while the stage is certainly running. Only one task
 * per site and directory ever holds, so the retry (or a resubmitted stage) runs through.</li>
 * </ul>
 */
public final class TaskFaults implements Serializable {
    public static final String CONF = "spark.coreset.test.failFirstAttempt";
    public static final String HOLD = "spark.coreset.test.holdTask";
    public static final String HOLD_DIR = "spark.coreset.test.holdDir";
    /** How long a held task waits for the test to kill it before it goes on as normal. */
    public static final int HOLD_SECONDS = 120;
    /** ScoreJob's scoring tasks, after their last row. */
    public static final String SCORE = "score";
    /** SelectJob's GreeDi tasks: greedy per part, merge per class, assignment pass. */
    public static final String SELECT = "select";

    /** Never fails: for callers outside the hooked jobs (benchmarks). */
    public static final TaskFaults NONE = new TaskFaults("none", false, null);

    private final String site;
    private final boolean failFirst;
    private final String holdDir;

    private TaskFaults(String site, boolean failFirst, String holdDir) {
        this.site = site;
        this.failFirst = failFirst;
        this.holdDir = holdDir;
    }

    /** Read on the driver (the conf lives there); the result travels to the tasks in the closure. */
    public static TaskFaults at(SparkSession spark, String site) {
        boolean hold = names(spark.conf().get(HOLD, ""), site) && !spark.conf().get(HOLD_DIR, "").isEmpty();
        return new TaskFaults(site, names(spark.conf().get(CONF, ""), site), hold ? spark.conf().get(HOLD_DIR) : null);
    }

    private static boolean names(String sites, String site) {
        return Arrays.asList(sites.split(",")).contains(site);
    }

    /** Holds, then throws, as the confs say (see the class comment); does nothing when both are off. */
    public void maybeInject() {
        TaskContext ctx = TaskContext.get();
        if (ctx == null) {
            return;
        }
        if (holdDir != null && claimHold(ctx)) {
            hold();
        }
        if (failFirst && ctx.attemptNumber() == 0 && ctx.partitionId() % 2 == 0) {
            throw new InjectedFailure("test-only injected failure at " + site + ", stage " + ctx.stageId()
                    + " partition " + ctx.partitionId() + " attempt 0 (" + CONF + ")");
        }
    }

    /** True for the one task that made HOLD_DIR/SITE: a link to a complete file, so a reader never sees half of it. */
    private boolean claimHold(TaskContext ctx) {
        try {
            Path dir = Files.createDirectories(Path.of(holdDir));
            Path draft = Files.createTempFile(dir, "." + site, ".draft");
            Files.writeString(draft, String.format("pid=%d executor=%s stage=%d partition=%d attempt=%d%n",
                    ProcessHandle.current().pid(), SparkEnv.get().executorId(), ctx.stageId(), ctx.partitionId(),
                    ctx.attemptNumber()), StandardCharsets.UTF_8);
            try {
                Files.createLink(dir.resolve(site), draft);
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            } finally {
                Files.delete(draft);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void hold() {
        long end = System.nanoTime() + HOLD_SECONDS * 1_000_000_000L;
        try {
            while (System.nanoTime() < end) {
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the task was killed: end the hold
        }
    }

    /** What {@link #maybeInject} throws, so a listener can tell injected failures from real ones. */
    public static final class InjectedFailure extends RuntimeException {
        public InjectedFailure(String message) {
            super(message);
        }
    }
}
