package dev.coreset.jobs;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the one SparkSession a command uses. Under spark-submit the master and configs come from the
 * launcher; from the CLI we default to local mode with settings that suit one machine.
 */
public final class SparkSessions {
    private SparkSessions() {
    }

    public static SparkSession create(String master, Map<String, String> confs) {
        SparkConf conf = new SparkConf(true);
        if (!conf.contains("spark.master")) {
            conf.setMaster(master == null ? "local[*]" : master);
        } else if (master != null) {
            conf.setMaster(master);
        }
        conf.setIfMissing("spark.app.name", "coreset");
        boolean local = conf.get("spark.master").startsWith("local");
        if (local) {
            // One machine: no UI port to collide with, few shuffle partitions, loopback only.
            conf.setIfMissing("spark.ui.enabled", "false");
            conf.setIfMissing("spark.sql.shuffle.partitions", "8");
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        // Our publisher writes _SUCCESS itself, after the metadata, so Spark's marker would come too early.
        conf.setIfMissing("spark.hadoop.mapreduce.fileoutputcommitter.marksuccessfuljobs", "false");
        conf.setIfMissing("spark.sql.parquet.compression.codec", "snappy");
        confs.forEach(conf::set);
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        return spark;
    }
}
