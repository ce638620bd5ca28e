package dev.coreset.jobs.progress;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;

/**
 * Wall time of Spark jobs summed by job description (the names {@link ProgressListener#stage} sets), for
 * benchmark profiles: which stage of a command takes the time. Jobs run one after another in our commands, so
 * the sums add up to the time spent in jobs; driver work between jobs is not counted.
 */
public final class StageTimes extends SparkListener {
    private final Map<Integer, Long> started = new ConcurrentHashMap<>();
    private final Map<Integer, String> names = new ConcurrentHashMap<>();
    private final Map<String, Long> millis = new LinkedHashMap<>();
    private final SparkSession spark;

    private StageTimes(SparkSession spark) {
        this.spark = spark;
    }

    /** Starts recording; call {@link #stop} to detach and read the sums. */
    public static StageTimes start(SparkSession spark) {
        StageTimes t = new StageTimes(spark);
        spark.sparkContext().addSparkListener(t);
        return t;
    }

    @Override
    public void onJobStart(SparkListenerJobStart job) {
        String name = job.properties() == null ? null : job.properties().getProperty("spark.job.description");
        started.put(job.jobId(), job.time());
        names.put(job.jobId(), name == null ? "(unnamed)" : name);
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd job) {
        Long t0 = started.remove(job.jobId());
        String name = names.remove(job.jobId());
        if (t0 != null) {
            synchronized (millis) {
                millis.merge(name, job.time() - t0, Long::sum);
            }
        }
    }

    /** Detaches the listener; seconds per job description, in the order the descriptions first finished. */
    public Map<String, Double> stop() {
        try {
            // Job-end events arrive asynchronously: let the bus deliver the last ones first.
            spark.sparkContext().listenerBus().waitUntilEmpty(10_000);
        } catch (java.util.concurrent.TimeoutException e) {
            // the sums then miss the last job
        }
        spark.sparkContext().removeSparkListener(this);
        Map<String, Double> out = new LinkedHashMap<>();
        synchronized (millis) {
            millis.forEach((k, v) -> out.put(k, v / 1000.0));
        }
        return out;
    }
}
