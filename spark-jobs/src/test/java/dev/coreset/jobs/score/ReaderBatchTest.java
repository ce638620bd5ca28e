package dev.coreset.jobs.score;

import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.SparkTestSession;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The scoring job's reader batch: sized by the row width, leaves a user's setting alone, restores the session. */
class ReaderBatchTest {
    private final SparkSession spark = SparkTestSession.get();

    @Test
    void rowsFollowTheFeatureWidthWithinSparksRange() {
        assertEquals(334, ReaderBatch.rows(784), "2^18 floats of 784-feature rows");
        assertEquals(4096, ReaderBatch.rows(16), "narrow rows keep Spark's default");
        assertEquals(64, ReaderBatch.rows(100_000), "very wide rows: at least 64 per batch");
    }

    @Test
    void setsTheBatchOnlyWhileOpenAndOnlyWhenTheUserDidNot() {
        spark.conf().unset(ReaderBatch.KEY);
        try (ReaderBatch b = ReaderBatch.narrow(spark, 784)) {
            assertEquals("334", spark.conf().get(ReaderBatch.KEY));
        }
        assertFalse(spark.conf().contains(ReaderBatch.KEY), "the session's default is back");

        spark.conf().set(ReaderBatch.KEY, "1000");
        try {
            try (ReaderBatch b = ReaderBatch.narrow(spark, 784)) {
                assertEquals("1000", spark.conf().get(ReaderBatch.KEY));
            }
            assertEquals("1000", spark.conf().get(ReaderBatch.KEY), "a user's value is kept");
        } finally {
            spark.conf().unset(ReaderBatch.KEY);
        }
    }
}
