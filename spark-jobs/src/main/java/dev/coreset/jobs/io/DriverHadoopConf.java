package dev.coreset.jobs.io;

import org.apache.hadoop.conf.Configuration;

/**
 * Hadoop settings for the commands that run on the driver without a SparkSession (train, manifest): the class
 * path's (core-site.xml from HADOOP_CONF_DIR) plus every {@code spark.hadoop.KEY} that spark-submit handed this JVM
 * as a system property, as Spark's own Hadoop configuration has them. Without the second part,
 * {@code --conf spark.hadoop.fs.defaultFS=hdfs://...} would reach the Spark stages of a run but not train, which
 * would then write a plain path to the driver's local disk.
 */
public final class DriverHadoopConf {
    private static final String PREFIX = "spark.hadoop.";

    private DriverHadoopConf() {
    }

    public static Configuration create() {
        Configuration conf = new Configuration();
        for (String key : System.getProperties().stringPropertyNames()) {
            if (key.startsWith(PREFIX) && key.length() > PREFIX.length()) {
                conf.set(key.substring(PREFIX.length()), System.getProperty(key));
            }
        }
        return conf;
    }
}
