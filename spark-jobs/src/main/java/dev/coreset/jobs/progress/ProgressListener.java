package dev.coreset.jobs.progress;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

/**
 * Prints one progress line per Spark job on stderr (done/total tasks, elapsed, ETA), rewritten in place
 * on a terminal and throttled to every few seconds otherwise, so long stages show they are moving.
 */
public final class ProgressListener extends SparkListener {
    private static final long MIN_INTERVAL_MS = 2000;
    private final boolean terminal = System.console() != null;
    private final AtomicInteger totalTasks = new AtomicInteger();
    private final AtomicInteger doneTasks = new AtomicInteger();
    private volatile long jobStart;
    private volatile long lastPrint;
    private volatile String description = "";
    private static volatile String stage = "";
    private static org.apache.spark.SparkContext attachedTo;

    public static synchronized void attach(SparkSession spark) {
        // Once per SparkContext: the stages of `coreset run` (and tests) share one session.
        if (attachedTo != spark.sparkContext()) {
            spark.sparkContext().addSparkListener(new ProgressListener());
            attachedTo = spark.sparkContext();
        }
    }

    /** Names what the following jobs are doing, e.g. "ingest: split and write". */
    public static void stage(SparkSession spark, String name) {
        stage = name;
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
        this.jobStart = System.currentTimeMillis();
        this.description = stage;
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
        int done = doneTasks.incrementAndGet();
        long now = System.currentTimeMillis();
        if (now - lastPrint >= (terminal ? 200 : MIN_INTERVAL_MS) && now - jobStart > 1000) {
            lastPrint = now;
            print(done, false);
        }
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd jobEnd) {
        if (System.currentTimeMillis() - jobStart > 1000) {
            print(doneTasks.get(), true);
        }
    }

    private void print(int done, boolean end) {
        int total = Math.max(totalTasks.get(), done);
        double elapsed = (System.currentTimeMillis() - jobStart) / 1000.0;
        double eta = done == 0 ? Double.NaN : elapsed * (total - done) / done;
        String line = String.format(Locale.ROOT, "[%s] tasks %d/%d, elapsed %.1fs, ETA %s", description, done, total,
                elapsed, Double.isNaN(eta) ? "?" : String.format(Locale.ROOT, "%.1fs", eta));
        if (terminal) {
            System.err.print("\r" + line + (end ? "\n" : ""));
        } else if (end || done < total) {
            System.err.println(line);
        }
        System.err.flush();
    }
}
