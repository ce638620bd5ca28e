package dev.coreset.jobs.cli;

import dev.coreset.jobs.SparkSessions;
import dev.coreset.jobs.progress.ProgressListener;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/** Options every Spark command shares: where to run and extra Spark settings. */
public class SparkOptions {
    @Option(names = "--master", description = "Spark master (default: local[*], or what spark-submit set).")
    String master;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "A Spark setting, passed through; repeatable.")
    Map<String, String> confs = new LinkedHashMap<>();

    @Option(names = "--no-progress", description = "Do not print task progress on stderr.")
    boolean noProgress;

    public SparkSession session() {
        SparkSession spark = SparkSessions.create(master, confs);
        if (!noProgress) {
            ProgressListener.attach(spark);
        }
        return spark;
    }
}
