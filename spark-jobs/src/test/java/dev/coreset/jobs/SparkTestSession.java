package dev.coreset.jobs;

import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** One local[2,2] SparkSession for every test in the JVM: a session per test would cost seconds each. */
public final class SparkTestSession {
    private static SparkSession spark;

    private SparkTestSession() {
    }

    public static synchronized SparkSession get() {
        if (spark == null) {
            // local[2,2]: two threads, and a failed task is tried once more (local[2] never retries), as a cluster
            // would; the task-retry test depends on it.
            spark = SparkSessions.create("local[2,2]", Map.of(
                    "spark.sql.shuffle.partitions", "4",
                    "spark.default.parallelism", "4",
                    "spark.ui.enabled", "false"));
        }
        return spark;
    }
}
