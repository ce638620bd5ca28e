package dev.coreset.jobs.bench;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.PipelineFixture;
import dev.coreset.jobs.SparkTestSession;
import dev.coreset.schemas.Tables;
import dev.coreset.selection.kernel.PointSet;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The bench's real points: the right rows, in id order, the right checkpoint; the projection seeded and linear. */
class RealPointsTest {
    private final SparkSession spark = SparkTestSession.get();
    private final PipelineFixture fixture = PipelineFixture.get();

    @Test
    void scoresGiveTheFirstTrainEmbeddingsByIdAtTheLastCheckpoint() {
        RealPoints.Loaded loaded = RealPoints.fromScores(spark, fixture.scores.toString(), null, 50);
        List<Row> expected = spark.read().parquet(fixture.scores.toString())
                .filter(col(Tables.SPLIT).equalTo("train").and(col(Tables.CHECKPOINT).equalTo(2)))
                .orderBy(Tables.SAMPLE_ID).limit(50).select(Tables.EMBEDDING).collectAsList();
        PointSet pts = loaded.points();
        assertEquals(50, pts.size());
        assertEquals(expected.get(0).getList(0).size(), pts.dim());
        for (int i = 0; i < 50; i++) {
            List<Object> e = expected.get(i).getList(0);
            for (int c = 0; c < pts.dim(); c++) {
                assertEquals(((Number) e.get(c)).floatValue(), pts.rows()[i * pts.dim() + c], "row " + i + " dim " + c);
            }
        }
        assertTrue(loaded.description().endsWith("checkpoint 2"), loaded.description());
        float[] first = Arrays.copyOf(RealPoints.fromScores(spark, fixture.scores.toString(), 0, 50).points().rows(), 10);
        assertTrue(!Arrays.equals(first, Arrays.copyOf(pts.rows(), 10)), "checkpoint 0 has other embeddings");
    }

    @Test
    void projectionIsSeededAndKeepsDistancesOnAverage() {
        PointSet a = RealPoints.fromSamples(spark, fixture.samples.toString(), 64, 30, 7).points();
        PointSet b = RealPoints.fromSamples(spark, fixture.samples.toString(), 64, 30, 7).points();
        PointSet c = RealPoints.fromSamples(spark, fixture.samples.toString(), 64, 30, 8).points();
        assertEquals(30, a.size());
        assertEquals(64, a.dim());
        assertArrayEquals(a.rows(), b.rows());
        assertTrue(!Arrays.equals(a.rows(), c.rows()));
        // A Gaussian projection scaled by 1/sqrt(dim) keeps squared distances in expectation (Johnson-Lindenstrauss).
        List<Row> raw = spark.read().parquet(fixture.samples.toString()).filter(col(Tables.SPLIT).equalTo("train"))
                .orderBy(Tables.SAMPLE_ID).limit(30).select(Tables.FEATURES).collectAsList();
        double ratio = 0;
        int pairs = 0;
        for (int i = 0; i < 30; i++) {
            for (int j = i + 1; j < 30; j++) {
                double original = 0;
                List<Object> x = raw.get(i).getList(0), y = raw.get(j).getList(0);
                for (int t = 0; t < x.size(); t++) {
                    double diff = ((Number) x.get(t)).doubleValue() - ((Number) y.get(t)).doubleValue();
                    original += diff * diff;
                }
                ratio += a.sqDistance(i, j) / original;
                pairs++;
            }
        }
        ratio /= pairs;
        assertTrue(ratio > 0.85 && ratio < 1.15, "mean projected / original squared distance " + ratio);
    }

    @Test
    void benchSelectRunsOnRealScoresAndThenOnBlobs() {
        CliRun run = CliRun.of("bench", "select", "--scores", fixture.scores.toString(), "--n", "300", "--k", "20",
                "--warmups", "1", "--runs", "1", "--threads", "1", "--no-progress");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains(fixture.scores + " checkpoint 2: n=300 d=10 k=20"), run.out());
        assertTrue(run.out().contains("gaussian mixture: n=300 d=10 k=20"), run.out());
    }

    @Test
    void aScoresTablePassedAsSamplesIsOneLine() {
        CliRun run = CliRun.of("bench", "select", "--samples", fixture.scores.toString(), "--no-progress");
        assertEquals(2, run.exitCode(), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
    }
}
