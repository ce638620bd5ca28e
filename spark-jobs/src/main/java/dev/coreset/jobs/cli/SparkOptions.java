package dev.coreset.jobs.cli;

import dev.coreset.jobs.SparkSessions;
import dev.coreset.jobs.progress.CommandProfile;
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

    @Option(names = "--verbose", description = "At the end, print where the time went on stderr: JVM and Spark"
            + " start, every Spark job, the driver's work between them.")
    boolean verbose;

    public SparkSession session() {
        CommandProfile profile = verbose ? CommandProfile.begin() : null;
        SparkSession spark = SparkSessions.create(master, confs);
        if (profile != null) {
            profile.attach(spark);
        }
        if (!noProgress) {
            ProgressListener.attach(spark);
        }
        return spark;
    }
}
