package dev.coreset.jobs.io;

import dev.coreset.schemas.AtomicPublisher;
import dev.coreset.schemas.Json;
import dev.coreset.schemas.TestHooks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Writes a DataFrame as a Parquet table directory that appears all at once: data and JSON side files
 * go to a hidden staging directory, then {@code _SUCCESS}, then one rename into place. A failure at
 * any point leaves the previous output untouched.
 */
public final class AtomicTableWriter {
    private final SparkSession spark;
    private final AtomicPublisher publisher;

    public AtomicTableWriter(SparkSession spark) {
        this.spark = spark;
        this.publisher = new AtomicPublisher(hadoopConf(spark));
    }

    public static Configuration hadoopConf(SparkSession spark) {
        return spark.sparkContext().hadoopConfiguration();
    }

    /** Fails before any work when the output exists and --overwrite was not given. */
    public void checkTarget(String out, boolean overwrite) {
        try {
            publisher.checkTarget(new Path(out), overwrite);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param sideFiles file name (e.g. "_coreset.json") to an object Jackson writes there
     */
    public void write(Dataset<Row> data, String out, boolean overwrite, Map<String, Object> sideFiles) {
        Path target = new Path(out);
        Path staging;
        try {
            staging = publisher.createStaging(target);
        } catch (IOException e) {
            throw WriteFailures.rethrow(e, target);
        }
        boolean published = false;
        try {
            // Append: the staging directory exists already, holding only its owner record.
            data.write().mode(SaveMode.Append).parquet(staging.toString());
            TestHooks.pauseAt(TestHooks.STAGED_DATA, staging);
            for (var e : new LinkedHashMap<>(sideFiles).entrySet()) {
                Json.write(new Path(staging, e.getKey()), e.getValue(), hadoopConf(spark));
            }
            publisher.markSuccess(staging);
            publisher.publish(staging, target, overwrite);
            published = true;
        } catch (Exception e) { // Spark throws its checked SparkException undeclared
            throw WriteFailures.rethrow(e, target);
        } finally {
            if (!published) {
                publisher.discard(staging);
            }
        }
    }
}
