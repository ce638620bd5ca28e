package dev.coreset.jobs.select;

import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.SparkTestSession;
import dev.coreset.schemas.SparkSchemas;
import dev.coreset.schemas.Tables;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fixed cost of {@code coreset select} as a count of Spark jobs (not a timing), and the direct path for classes
 * that fit in one part ({@link OnePartClasses}) against the GreeDi rounds that take a one-part class along with a
 * larger one.
 */
class SelectJobCountTest {
    /**
     * Jobs of a facility-location select whose classes each fit in one part, on Spark: the checks' aggregate (two
     * query stages), the duplicate-id query (three), the greedy and the manifest's write (the schema comes from the
     * Parquet footers). Before issue 21's cuts a select of this shape took 25 (20k Fashion-MNIST scores); a change
     * that adds a job to every select has to raise this on purpose.
     */
    static final int ONE_PART_SELECT_JOBS = 7;

    /** The same select of a small table on the driver ({@link DriverGreedy}): one collect and the manifest's write. */
    static final int DRIVER_SELECT_JOBS = 2;

    @TempDir
    Path tmp;

    private final SparkSession spark = SparkTestSession.get();

    /** label -> that many points of 4 Gaussian blobs in d 6, ids from {@code firstId}, two checkpoints. */
    private void writeScores(Path dir, int[] labels, int[] sizes, long firstId, int seed) {
        Random rnd = new Random(seed);
        List<Row> rows = new ArrayList<>();
        long id = firstId;
        for (int c = 0; c < labels.length; c++) {
            float[][] centres = new float[4][6];
            for (float[] m : centres) {
                for (int j = 0; j < 6; j++) {
                    m[j] = (float) rnd.nextGaussian() * 4;
                }
            }
            for (int i = 0; i < sizes[c]; i++, id++) {
                float[] v = new float[6];
                for (int j = 0; j < 6; j++) {
                    v[j] = centres[i % 4][j] + (float) rnd.nextGaussian();
                }
                for (int ck = 0; ck < 2; ck++) {
                    rows.add(RowFactory.create(id, labels[c], "train", ck, 0.5f, true, 0.5f, 0.5f, v, 1));
                }
            }
        }
        StructType schema = SparkSchemas.structType(Tables.SCORES, List.of(Tables.EMBEDDING));
        spark.createDataFrame(rows, schema).repartition(3).write().parquet(dir.toString());
    }

    private int jobsOf(Runnable run) throws java.util.concurrent.TimeoutException {
        AtomicInteger jobs = new AtomicInteger();
        SparkListener counter = new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart job) {
                jobs.incrementAndGet();
            }
        };
        spark.sparkContext().listenerBus().waitUntilEmpty();
        spark.sparkContext().addSparkListener(counter);
        try {
            run.run();
            spark.sparkContext().listenerBus().waitUntilEmpty();
        } finally {
            spark.sparkContext().removeSparkListener(counter);
        }
        return jobs.get();
    }

    private List<Row> manifestRows(Path out, int label) {
        return spark.read().parquet(out.toString()).filter("label = " + label).orderBy("rank")
                .select("sample_id", "weight", "rank").collectAsList();
    }

    private int select(Path scores, Path out, String method) throws Exception {
        return jobsOf(() -> assertEquals(0, CliRun.of("select", "--scores", scores.toString(), "--method",
                method, "--fraction", "0.1", "--out", out.toString()).exitCode()));
    }

    @Test
    void aSelectWhoseClassesFitInOnePartRunsAFixedNumberOfJobs() throws Exception {
        Path scores = tmp.resolve("scores");
        writeScores(scores, new int[] {0, 1, 2}, new int[] {240, 160, 80}, 0, 1);
        for (String method : List.of("facility-location", "kcenter")) {
            Path onDriver = tmp.resolve(method + "-driver");
            int driverJobs = select(scores, onDriver, method);
            Path onSpark = tmp.resolve(method + "-spark");
            int sparkJobs;
            spark.conf().set(DriverGreedy.CONF, "0");
            try {
                sparkJobs = select(scores, onSpark, method);
            } finally {
                spark.conf().unset(DriverGreedy.CONF);
            }
            assertEquals(48, spark.read().parquet(onDriver.toString()).count());
            assertTrue(driverJobs <= DRIVER_SELECT_JOBS, driverJobs + " Spark jobs for a small select on the driver"
                    + " (at most " + DRIVER_SELECT_JOBS + ")");
            assertTrue(sparkJobs <= ONE_PART_SELECT_JOBS, sparkJobs + " Spark jobs for a one-part select (at most "
                    + ONE_PART_SELECT_JOBS + ")");
            assertTrue(sparkJobs > driverJobs, "driverBytes 0 turns the driver path off");
            for (int label = 0; label < 3; label++) {
                assertEquals(manifestRows(onSpark, label), manifestRows(onDriver, label), method + " class " + label);
            }
        }
    }

    @Test
    void aOnePartClassSelectsWhatTheGreeDiRoundsSelectForIt() {
        // Run 1: class 0 needs three parts, so every class goes through the GreeDi rounds, class 1 as one part.
        Path both = tmp.resolve("both");
        writeScores(both, new int[] {0, 1}, new int[] {500, 150}, 0, 2);
        Path outBoth = tmp.resolve("fl-both");
        assertEquals(0, CliRun.of("select", "--scores", both.toString(), "--method", "facility-location",
                "--per-class", "15", "--partition-size", "200", "--out", outBoth.toString()).exitCode());
        // Run 2: the same points of class 1 alone, as class 0 (lazy greedy does not use the seed): the direct path.
        Path alone = tmp.resolve("alone");
        spark.read().parquet(both.toString()).filter("label = 1")
                .withColumn("label", org.apache.spark.sql.functions.lit(0))
                .write().parquet(alone.toString());
        Path outAlone = tmp.resolve("fl-alone");
        assertEquals(0, CliRun.of("select", "--scores", alone.toString(), "--method", "facility-location",
                "--per-class", "15", "--partition-size", "200", "--out", outAlone.toString()).exitCode());
        List<Row> direct = manifestRows(outAlone, 0);
        assertEquals(15, direct.size());
        assertEquals(manifestRows(outBoth, 1), direct, "ids, weights and order of the one-part class");
    }
}
