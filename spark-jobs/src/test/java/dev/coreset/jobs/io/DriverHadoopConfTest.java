package dev.coreset.jobs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** spark-submit passes --conf spark.hadoop.* as system properties: the driver-only commands must see them. */
class DriverHadoopConfTest {
    @Test
    void sparkHadoopPropertiesBecomeHadoopSettings() {
        System.setProperty("spark.hadoop.coreset.test.setting", "hdfs://nn:8020");
        System.setProperty("spark.coreset.test.other", "x");
        try {
            var conf = DriverHadoopConf.create();
            assertEquals("hdfs://nn:8020", conf.get("coreset.test.setting"));
            assertNull(conf.get("spark.coreset.test.other"));
            assertNull(conf.get("coreset.test.other"));
        } finally {
            System.clearProperty("spark.hadoop.coreset.test.setting");
            System.clearProperty("spark.coreset.test.other");
        }
    }
}
