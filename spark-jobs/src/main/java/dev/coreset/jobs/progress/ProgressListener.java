package dev.coreset.jobs.progress;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.Success$;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

/**
 * Prints one progress line per Spark job on stderr (done/total tasks, elapsed, ETA), rewritten in place
 * on a terminal and throttled to every few seconds otherwise, so long stages show they are moving. Where the
 * caller says what each task of a job's last stage costs ({@link #stage(SparkSession, String, double[])}), the
 * line also gives the share of that cost done, and the ETA follows it.
 */
public final class ProgressListener extends SparkListener {
    private static final long MIN_INTERVAL_MS = 2000;
    private static final long QUIET_START_MS = 1000;
    /** Below this share of a costed stage done, the ETA is "?": the first tasks also carry the JIT's warm-up. */
    static final double MIN_SHARE_FOR_ETA = 0.05;
    private final PrintStream out;
    private final boolean terminal;
    private final long minIntervalMs;
    private final long quietStartMs;
    private final AtomicInteger totalTasks = new AtomicInteger();
    private final AtomicInteger doneTasks = new AtomicInteger();
    private volatile long jobStart;
    private volatile long lastPrint;
    private volatile String description = "";
    private volatile TaskCosts costs;
    private volatile int costedStage = -1;
    private volatile long costedStageStart;
    private static volatile String stage = "";
    private static volatile double[] stageCosts;
    private static org.apache.spark.SparkContext attachedTo;

    private ProgressListener() {
        this(System.err, System.console() != null, MIN_INTERVAL_MS, QUIET_START_MS);
    }

    /** @param quietStartMs jobs shorter than this print nothing */
    ProgressListener(PrintStream out, boolean terminal, long minIntervalMs, long quietStartMs) {
        this.out = out;
        this.terminal = terminal;
        this.minIntervalMs = minIntervalMs;
        this.quietStartMs = quietStartMs;
    }

    public static synchronized void attach(SparkSession spark) {
        // Once per SparkContext: the stages of `coreset run` (and tests) share one session.
        if (attachedTo != spark.sparkContext()) {
            spark.sparkContext().addSparkListener(new ProgressListener());
            attachedTo = spark.sparkContext();
        }
    }

    /** Names what the following jobs are doing, e.g. "ingest: split and write". */
    public static void stage(SparkSession spark, String name) {
        stage(spark, name, null);
    }

    /**
     * As {@link #stage(SparkSession, String)}, with the relative cost of each task (by partition index) of the last
     * stage of the jobs that follow; a job whose last stage has another number of tasks counts tasks.
     */
    public static void stage(SparkSession spark, String name, double[] taskCosts) {
        stage = name;
        stageCosts = taskCosts == null ? null : taskCosts.clone();
        spark.sparkContext().setJobDescription(name);
    }

    @Override
    public void onJobStart(SparkListenerJobStart jobStart) {
        int tasks = 0;
        var infos = scala.jdk.javaapi.CollectionConverters.asJava(jobStart.stageInfos());
        for (var info : infos) {
            tasks += info.numTasks();
        }
        totalTasks.set(tasks);
        doneTasks.set(0);
        // The job's result stage is its last; only there do partition indices mean the caller's tasks.
        var last = infos.stream().max(java.util.Comparator.comparingInt(i -> i.stageId())).orElse(null);
        TaskCosts c = TaskCosts.of(stageCosts);
        boolean costed = c != null && last != null && last.numTasks() == c.tasks();
        this.costs = costed ? c : null;
        this.costedStage = costed ? last.stageId() : -1;
        this.jobStart = System.currentTimeMillis();
        this.costedStageStart = this.jobStart;
        this.description = stage;
    }

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted submitted) {
        if (submitted.stageInfo().stageId() == costedStage) {
            costedStageStart = System.currentTimeMillis();
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
        int done = doneTasks.incrementAndGet();
        TaskCosts c = costs;
        if (c != null && taskEnd.stageId() == costedStage && taskEnd.reason() == Success$.MODULE$) {
            c.finish(taskEnd.taskInfo().index());
        }
        long now = System.currentTimeMillis();
        if (now - lastPrint >= (terminal ? 200 : minIntervalMs) && now - jobStart >= quietStartMs) {
            lastPrint = now;
            print(done, false);
        }
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd jobEnd) {
        if (System.currentTimeMillis() - jobStart >= quietStartMs) {
            print(doneTasks.get(), true);
        }
    }

    private void print(int done, boolean end) {
        int total = Math.max(totalTasks.get(), done);
        double elapsed = (System.currentTimeMillis() - jobStart) / 1000.0;
        TaskCosts c = costs;
        double share = c != null ? c.doneShare() : total == 0 ? 0 : (double) done / total;
        // A costed stage's ETA counts from its own start: the job's shuffle-map stage before it is not its work.
        double eta = c == null ? (share <= 0 ? Double.NaN : elapsed * (1 - share) / share)
                : share < MIN_SHARE_FOR_ETA ? Double.NaN
                : (System.currentTimeMillis() - costedStageStart) / 1000.0 * (1 - share) / share;
        String line = String.format(Locale.ROOT, "[%s] tasks %d/%d%s, elapsed %.1fs, ETA %s", description, done, total,
                c == null ? "" : String.format(Locale.ROOT, " (%.0f%% of the work)", 100 * share), elapsed,
                Double.isNaN(eta) ? "?" : String.format(Locale.ROOT, "%.1fs", eta));
        if (terminal) {
            out.print("\r" + line + (end ? "\n" : ""));
        } else if (end || done < total) {
            out.println(line);
        }
        out.flush();
    }
}
