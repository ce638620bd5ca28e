package dev.coreset.jobs.io;

import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * Hadoop settings for work that runs on the driver without Spark jobs (train): those of the running SparkSession when
 * there is one (`coreset run`, tests), else core-site.xml plus every {@code spark.hadoop.*} setting that spark-submit
 * passed as a system property, applied as Spark applies them. So {@code --conf spark.hadoop.coreset.publish=pointer}
 * reaches train as it reaches the Spark stages.
 */
public final class DriverHadoopConf {
    private static final String PREFIX = "spark.hadoop.";

    private DriverHadoopConf() {
    }

    public static Configuration get() {
        var session = SparkSession.getActiveSession();
        if (session.isEmpty()) {
            session = SparkSession.getDefaultSession();
        }
        if (session.isDefined()) {
            return new Configuration(session.get().sparkContext().hadoopConfiguration());
        }
        return fromSystemProperties();
    }

    /** core-site.xml and the like, plus spark-submit's {@code spark.hadoop.*} system properties. */
    static Configuration fromSystemProperties() {
        Configuration conf = new Configuration();
        for (Map.Entry<Object, Object> e : System.getProperties().entrySet()) {
            String key = String.valueOf(e.getKey());
            if (key.startsWith(PREFIX)) {
                conf.set(key.substring(PREFIX.length()), String.valueOf(e.getValue()));
            }
        }
        return conf;
    }
}
