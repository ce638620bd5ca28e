package dev.coreset.jobs.select;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.SparkTestSession;
import dev.coreset.schemas.ManifestReader;
import dev.coreset.selection.assign.Objectives;
import dev.coreset.selection.function.FacilityLocation;
import dev.coreset.selection.function.Similarity;
import dev.coreset.selection.kernel.PointSet;
import dev.coreset.selection.optimize.LazyGreedy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** coreset select on a synthetic scores table: 3 classes of Gaussian-mixture embeddings, 2 checkpoints. */
class SelectJobTest {
    @TempDir
    static Path tmp;
    static Path scores;
    static final int[] CLASS_SIZES = {900, 600, 300};
    static final int D = 8;
    static final Map<Long, float[]> EMB = new HashMap<>();
    static final Map<Long, Integer> LABEL = new HashMap<>();
    static final Map<Long, Float> LOSS = new HashMap<>();

    private final SparkSession spark = SparkTestSession.get();

    @BeforeAll
    static void writeScores() {
        SparkSession spark = SparkTestSession.get();
        Random rnd = new Random(5);
        List<Row> rows = new ArrayList<>();
        long id = 0;
        for (int c = 0; c < CLASS_SIZES.length; c++) {
            float[][] centres = new float[4][D];
            for (float[] m : centres) {
                for (int j = 0; j < D; j++) {
                    m[j] = (float) rnd.nextGaussian() * 5;
                }
            }
            for (int i = 0; i < CLASS_SIZES[c]; i++, id++) {
                float[] v = new float[D];
                float[] m = centres[rnd.nextInt(4)];
                for (int j = 0; j < D; j++) {
                    v[j] = m[j] + (float) rnd.nextGaussian();
                }
                float loss = rnd.nextFloat();
                EMB.put(id, v);
                LABEL.put(id, c);
                LOSS.put(id, loss);
                for (int ck = 0; ck < 2; ck++) {
                    rows.add(RowFactory.create(id, c, "train", ck, loss + ck, ck == 1 || i % 3 != 0,
                            1f - loss, loss / 2, v, 1));
                }
            }
        }
        rows.add(RowFactory.create(99_999L, 0, "val", 1, 0.5f, true, 0.5f, 0.5f, new float[D], 1));
        StructType schema = new StructType().add("sample_id", DataTypes.LongType).add("label", DataTypes.IntegerType)
                .add("split", DataTypes.StringType).add("checkpoint", DataTypes.IntegerType)
                .add("loss", DataTypes.FloatType).add("correct", DataTypes.BooleanType)
                .add("margin", DataTypes.FloatType).add("el2n", DataTypes.FloatType)
                .add("embedding", DataTypes.createArrayType(DataTypes.FloatType, false))
                .add("draws", DataTypes.IntegerType);
        scores = tmp.resolve("scores");
        spark.createDataFrame(rows, schema).repartition(3).write().parquet(scores.toString());
    }

    private CliRun select(String out, String... extra) {
        List<String> args = new ArrayList<>(List.of("select", "--scores", scores.toString(), "--out",
                tmp.resolve(out).toString()));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    private Dataset<Row> manifest(String out) {
        return spark.read().parquet(tmp.resolve(out).toString());
    }

    @Test
    void facilityLocationGreeDiMatchesCentralizedGreedyAndWeightsCoverEachClass() {
        CliRun run = select("fl", "--method", "facility-location", "--fraction", "0.1", "--partition-size", "200",
                "--seed", "3");
        assertEquals(0, run.exitCode(), run.err());
        ManifestReader reader = ManifestReader.open(tmp.resolve("fl").toString());
        assertEquals(180, reader.validate().rows());
        Dataset<Row> m = manifest("fl");
        for (int cc = 0; cc < CLASS_SIZES.length; cc++) {
            final int c = cc;
            Dataset<Row> cls = m.filter(col("label").equalTo(c));
            assertEquals(CLASS_SIZES[c] / 10, cls.count(), "proportional budget of class " + c);
            double weightSum = cls.agg(org.apache.spark.sql.functions.sum("weight")).first().getDouble(0);
            assertEquals(CLASS_SIZES[c], weightSum, 1e-9, "CRAIG weights sum to the class size");

            // Centralized lazy greedy on the whole class, compared by k-medoid cost.
            List<Long> ids = EMB.keySet().stream().filter(i -> LABEL.get(i) == c).sorted().toList();
            float[] rows = new float[ids.size() * D];
            Map<Long, Integer> index = new HashMap<>();
            for (int i = 0; i < ids.size(); i++) {
                System.arraycopy(EMB.get(ids.get(i)), 0, rows, i * D, D);
                index.put(ids.get(i), i);
            }
            PointSet pts = PointSet.of(rows, ids.size(), D);
            int k = CLASS_SIZES[c] / 10;
            int[] central = new LazyGreedy().maximize(new FacilityLocation(pts, Similarity.euclidean()), k).indices();
            int[] greedi = cls.select("sample_id").collectAsList().stream()
                    .mapToInt(r -> index.get(r.getLong(0))).toArray();
            double centralCost = Objectives.kMedoidCost(pts, central);
            double greediCost = Objectives.kMedoidCost(pts, greedi);
            // Parts of 200 for k = 30..90 are a hard case for GreeDi (the merge sees only the union); measured ~6%.
            assertTrue(greediCost <= 1.10 * centralCost, "class " + c + ": GreeDi " + greediCost + " vs " + centralCost);
        }
        // Same seed, same manifest.
        assertEquals(0, select("fl2", "--method", "facility-location", "--fraction", "0.1", "--partition-size", "200",
                "--seed", "3").exitCode());
        assertEquals(0, m.except(manifest("fl2")).count());
        assertEquals(0, manifest("fl2").except(m).count());
    }

    @Test
    void scoreBasedAndRandomPicksFollowTheirOrder() {
        CliRun loss = select("loss", "--method", "loss", "--per-class", "20", "--checkpoint", "0");
        assertEquals(0, loss.exitCode(), loss.err());
        Dataset<Row> m = manifest("loss");
        assertEquals(60, m.count());
        for (int c = 0; c < CLASS_SIZES.length; c++) {
            int label = c;
            List<Long> expected = LOSS.entrySet().stream().filter(e -> LABEL.get(e.getKey()) == label)
                    .sorted((a, b) -> Float.compare(b.getValue(), a.getValue())).limit(20).map(Map.Entry::getKey)
                    .sorted().toList();
            List<Long> got = m.filter(col("label").equalTo(c)).select("sample_id").orderBy("sample_id")
                    .as(org.apache.spark.sql.Encoders.LONG()).collectAsList();
            assertEquals(expected, got, "top-20 loss of class " + c);
        }
        CliRun margin = select("margin", "--method", "margin", "--fraction", "0.05");
        assertEquals(0, margin.exitCode(), margin.err());
        assertEquals(90, manifest("margin").count());
        CliRun random = select("random", "--method", "random", "--fraction", "0.2", "--budget-mode", "uniform", "--seed", "4");
        assertEquals(0, random.exitCode(), random.err());
        assertEquals(360, manifest("random").count());
        assertEquals(120, manifest("random").filter(col("label").equalTo(2)).count(), "uniform: 120 per class");
        CliRun forgetting = select("forget", "--method", "forgetting", "--per-class", "10");
        assertEquals(0, forgetting.exitCode(), forgetting.err());
        CliRun kcenter = select("kc", "--method", "kcenter", "--per-class", "5", "--partition-size", "250");
        assertEquals(0, kcenter.exitCode(), kcenter.err());
        assertEquals(15, manifest("kc").count());
    }

    @Test
    void badRequestsExitTwoWithoutOutput() {
        String[][] cases = {
                {"--method", "facility-location", "--fraction", "0"},
                {"--method", "loss", "--per-class", "400"},
                {"--method", "nope", "--fraction", "0.1"},
                {"--method", "loss", "--fraction", "0.1", "--checkpoint", "9"},
                {"--method", "loss"},
        };
        String[] fragments = {"--fraction 0.0", "larger than class 2", "--method nope", "no checkpoint 9",
                "exactly one of --fraction and --per-class"};
        for (int i = 0; i < cases.length; i++) {
            CliRun run = select("bad" + i, cases[i]);
            assertEquals(2, run.exitCode(), run.err());
            assertTrue(run.errorLine().contains(fragments[i]), run.errorLine());
            assertFalse(Files.exists(tmp.resolve("bad" + i)));
        }
    }
}
