package dev.coreset.jobs.select;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.Refusals;
import dev.coreset.jobs.SparkTestSession;
import dev.coreset.schemas.Json;
import dev.coreset.schemas.ManifestMetadata;
import dev.coreset.schemas.SparkSchemas;
import dev.coreset.schemas.Tables;
import dev.coreset.selection.graph.GraphPruning;
import dev.coreset.selection.graph.NeighbourGraph;
import dev.coreset.selection.kernel.PointSet;
import dev.coreset.selection.kernel.Workers;
import dev.coreset.selection.sample.BetaSampling;
import dev.coreset.selection.sample.CoverageSampling;
import dev.coreset.selection.sample.HardCut;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * select --method ccs | dual | d2 through the CLI on a small scores table (3 classes of 40/30/30 train samples, 4
 * checkpoints, random losses, margins and 4-d embeddings): each manifest equals the plain-Java algorithm run in the
 * test on the trajectory scores computed here in double (AUM, mean p_y and DUAL over the window from:1), class by
 * class with the job's seeds; --exclude, determinism and the one-line refusals.
 */
class DynamicsMethodsTest {
    @TempDir
    static Path tmp;
    static Path scores;
    static Path flags;
    static final int[] SIZES = {40, 30, 30};
    static final int T = 4;
    static final int D = 4;
    static final Map<Long, Integer> LABEL = new TreeMap<>();
    static final Map<Long, float[]> LOSS = new HashMap<>();
    static final Map<Long, float[]> MARGIN = new HashMap<>();
    static final Map<Long, float[]> EMBEDDING = new HashMap<>();
    static final Set<Long> FLAGGED = new HashSet<>();

    private final SparkSession spark = SparkTestSession.get();

    @BeforeAll
    static void write() {
        SparkSession spark = SparkTestSession.get();
        Random rnd = new Random(5);
        List<Row> rows = new ArrayList<>();
        List<Row> flagRows = new ArrayList<>();
        long id = 0;
        for (int c = 0; c < SIZES.length; c++) {
            for (int i = 0; i < SIZES[c]; i++, id++) {
                LABEL.put(id, c);
                float[] loss = new float[T];
                float[] margin = new float[T];
                float[] e = new float[D];
                for (int j = 0; j < D; j++) {
                    e[j] = (float) rnd.nextGaussian();
                }
                for (int t = 0; t < T; t++) {
                    loss[t] = 0.05f + 2.5f * rnd.nextFloat();
                    margin[t] = 2 * rnd.nextFloat() - 1;
                    rows.add(RowFactory.create(id, c, "train", t, loss[t], loss[t] < 0.7f, margin[t], loss[t] / 2, e, 1));
                }
                LOSS.put(id, loss);
                MARGIN.put(id, margin);
                EMBEDDING.put(id, e);
                if (i % 5 == 0) {
                    FLAGGED.add(id);
                    flagRows.add(RowFactory.create(id, c, 1.0, "mixture", null));
                }
            }
            for (int t = 0; t < T; t++) { // a val sample per class, for --score cld
                rows.add(RowFactory.create(1000L + c, c, "val", t, 1.0f, true, 0.1f, 0.5f, new float[D], 1));
            }
        }
        scores = tmp.resolve("scores");
        spark.createDataFrame(rows, SparkSchemas.structType(Tables.SCORES, List.of(Tables.EMBEDDING))).repartition(3)
                .write().parquet(scores.toString());
        flags = tmp.resolve("flags");
        spark.createDataFrame(flagRows, SparkSchemas.structType(Tables.NOISE_FLAGS)).write().parquet(flags.toString());
    }

    private CliRun select(String out, String... extra) {
        return CliRun.of(args(out, extra).toArray(String[]::new));
    }

    /** The select command line: --window from:1 and --seed 7 unless {@code extra} sets them. */
    private static List<String> args(String out, String... extra) {
        List<String> given = List.of(extra);
        List<String> args = new ArrayList<>(List.of("select", "--scores", scores.toString(), "--out",
                tmp.resolve(out).toString(), "--no-progress"));
        if (!given.contains("--window")) {
            args.addAll(List.of("--window", "from:1"));
        }
        if (!given.contains("--seed")) {
            args.addAll(List.of("--seed", "7"));
        }
        args.addAll(given);
        return args;
    }

    /** Ids of each class in rank order. */
    private Map<Integer, List<Long>> picks(String out) {
        Map<Integer, List<Long>> m = new TreeMap<>();
        for (Row r : spark.read().parquet(tmp.resolve(out).toString()).orderBy("label", "rank").collectAsList()) {
            m.computeIfAbsent(r.getInt(r.fieldIndex("label")), k -> new ArrayList<>()).add(r.getLong(0));
        }
        return m;
    }

    private static List<Long> ids(int label) {
        return LABEL.keySet().stream().filter(i -> LABEL.get(i) == label).sorted().toList();
    }

    // Trajectory scores over the window from:1 (checkpoints 1..3), in double, written here independently.
    private static double aum(long id) {
        double s = 0;
        for (int t = 1; t < T; t++) {
            s += MARGIN.get(id)[t];
        }
        return s / (T - 1);
    }

    private static double meanPy(long id) {
        double s = 0;
        for (int t = 1; t < T; t++) {
            s += Math.exp(-(double) LOSS.get(id)[t]);
        }
        return s / (T - 1);
    }

    /** DUAL with J = 3 over checkpoints 1..3: one window. */
    private static double dual(long id) {
        double m = meanPy(id);
        double v = 0;
        for (int t = 1; t < T; t++) {
            double p = Math.exp(-(double) LOSS.get(id)[t]);
            v += (p - m) * (p - m);
        }
        return Math.sqrt(v / (T - 1)) * (1 - m);
    }

    private static final int[] BUDGET = {8, 6, 6}; // --fraction 0.2, proportional

    @Test
    void ccsPicksWhatCoverageSamplingPicksOnTheAumOfEachClass() {
        CliRun run = select("ccs", "--method", "ccs", "--fraction", "0.2", "--hard-cut", "0.2", "--strata", "5");
        assertEquals(0, run.exitCode(), run.err());
        Map<Integer, List<Long>> got = picks("ccs");
        for (int c = 0; c < SIZES.length; c++) {
            List<Long> ids = ids(c);
            double[] a = ids.stream().mapToDouble(DynamicsMethodsTest::aum).toArray();
            CoverageSampling.Result r = CoverageSampling.select(a, BUDGET[c], 0.2, 5, DynamicsSelection.classSeed(7, c));
            assertEquals(Arrays.stream(r.indices()).mapToObj(ids::get).toList(), got.get(c), "class " + c);
            assertEquals(SIZES[c] / 5, r.dropped(), "precondition: the cut drops floor(0.2 n)");
        }
    }

    @Test
    void theSparkMlStageSelectsWhatTheCommandSelects() {
        for (String method : List.of("ccs", "d2")) {
            assertEquals(0, select("cli-" + method, "--method", method, "--fraction", "0.2").exitCode());
            dev.coreset.jobs.ml.CoresetModel model = new dev.coreset.jobs.ml.CoresetSelector().setMethod(method)
                    .setFraction(0.2).setWindow("from:1").setSeed(7).fit(spark.read().parquet(scores.toString()));
            Map<Integer, List<Long>> fitted = new TreeMap<>();
            for (Row r : model.selection().orderBy("label", "rank").collectAsList()) {
                fitted.computeIfAbsent(r.getInt(r.fieldIndex("label")), k -> new ArrayList<>()).add(r.getLong(0));
            }
            assertEquals(picks("cli-" + method), fitted, method);
        }
    }

    @Test
    void dualPicksWhatBetaSamplingPicksOnEachClass() {
        CliRun run = select("dual", "--method", "dual", "--fraction", "0.2");
        assertEquals(0, run.exitCode(), run.err());
        Map<Integer, List<Long>> got = picks("dual");
        for (int c = 0; c < SIZES.length; c++) {
            List<Long> ids = ids(c);
            double[] s = ids.stream().mapToDouble(DynamicsMethodsTest::dual).toArray();
            double[] mu = ids.stream().mapToDouble(DynamicsMethodsTest::meanPy).toArray();
            BetaSampling.Result r = BetaSampling.select(s, mu, BUDGET[c], 1 - (double) BUDGET[c] / ids.size(), 4,
                    DynamicsSelection.classSeed(7, c));
            assertEquals(Arrays.stream(r.indices()).mapToObj(ids::get).toList(), got.get(c), "class " + c);
        }
        // The manifest's score is the sample's DUAL score.
        long first = got.get(0).get(0);
        double score = spark.read().parquet(tmp.resolve("dual").toString()).filter(col(Tables.SAMPLE_ID).equalTo(first))
                .select(Tables.SCORE).as(org.apache.spark.sql.Encoders.DOUBLE()).first();
        assertEquals(dual(first), score, 1e-6);
    }

    @Test
    void d2OverSeveralPartsEqualsEachPartsGraphMergedByValue() {
        CliRun run = select("d2", "--method", "d2", "--fraction", "0.2", "--hard-cut", "0.1", "--partition-size", "16",
                "--parts", "random", "--neighbours", "4");
        assertEquals(0, run.exitCode(), run.err());
        Map<Integer, List<Long>> got = picks("d2");
        // The parts the job used: GreeDi's random parts of the kept samples.
        Map<Integer, Long> kept = new TreeMap<>();
        List<Row> keptRows = new ArrayList<>();
        Map<Long, Double> difficulty = new HashMap<>();
        for (int c = 0; c < SIZES.length; c++) {
            List<Long> ids = ids(c);
            double[] a = ids.stream().mapToDouble(DynamicsMethodsTest::aum).toArray();
            double lo = Arrays.stream(a).map(x -> -x).min().orElseThrow();
            double hi = Arrays.stream(a).map(x -> -x).max().orElseThrow();
            for (int i : HardCut.kept(a, 0.1, BUDGET[c])) {
                keptRows.add(RowFactory.create(ids.get(i), c));
                difficulty.put(ids.get(i), (-a[i] - lo) / (hi - lo));
            }
            kept.put(c, (long) HardCut.kept(a, 0.1, BUDGET[c]).length);
        }
        Map<Integer, Integer> partsPerClass = new TreeMap<>();
        kept.forEach((c, n) -> partsPerClass.put(c, (int) ((n + 15) / 16)));
        assertTrue(partsPerClass.get(0) >= 3, "precondition: a class spans several parts");
        Dataset<Row> keptDf = spark.createDataFrame(keptRows, new org.apache.spark.sql.types.StructType()
                .add(Tables.SAMPLE_ID, "long").add(Tables.LABEL, "int"));
        Map<Integer, TreeMap<Integer, List<Long>>> parts = new TreeMap<>();
        for (Row r : GreeDiParts.random(keptDf, partsPerClass, 7).collectAsList()) {
            parts.computeIfAbsent(r.getInt(1), x -> new TreeMap<>()).computeIfAbsent(r.getInt(2), x -> new ArrayList<>())
                    .add(r.getLong(0));
        }
        for (int c = 0; c < SIZES.length; c++) {
            List<List<Long>> partIds = new ArrayList<>();
            List<double[]> values = new ArrayList<>();
            for (List<Long> part : parts.get(c).values()) {
                List<Long> sorted = part.stream().sorted().toList();
                float[] rows = new float[sorted.size() * D];
                double[] s = new double[sorted.size()];
                for (int i = 0; i < sorted.size(); i++) {
                    System.arraycopy(EMBEDDING.get(sorted.get(i)), 0, rows, i * D, D);
                    s[i] = difficulty.get(sorted.get(i));
                }
                NeighbourGraph g = NeighbourGraph.build(PointSet.of(rows, sorted.size(), D), 4, Workers.inline());
                GraphPruning.Picks p = GraphPruning.select(g, s, 1.0, 0.1, Math.min(BUDGET[c], sorted.size()));
                partIds.add(Arrays.stream(p.indices()).mapToObj(sorted::get).toList());
                values.add(p.values());
            }
            List<Long> expected = new ArrayList<>();
            for (int[] pick : GraphPruning.merge(values.toArray(double[][]::new), BUDGET[c])) {
                expected.add(partIds.get(pick[0]).get(pick[1]));
            }
            assertEquals(expected, got.get(c), "class " + c);
        }
    }

    @Test
    void autoHardCutIsTheShareOfNegativeAumAndTheSameSeedGivesTheSameManifest() throws Exception {
        assertEquals(0, select("auto-a", "--method", "ccs", "--fraction", "0.2").exitCode());
        assertEquals(0, select("auto-b", "--method", "ccs", "--fraction", "0.2").exitCode());
        assertEquals(picks("auto-a"), picks("auto-b"));
        CliRun other = select("auto-c", "--method", "ccs", "--fraction", "0.2", "--seed", "8");
        assertEquals(0, other.exitCode(), other.err());
        assertNotEquals(picks("auto-a"), picks("auto-c"), "another seed draws others");
        ManifestMetadata meta = Json.MAPPER.readValue(tmp.resolve("auto-a").resolve(ManifestMetadata.FILE_NAME).toFile(),
                ManifestMetadata.class);
        double negative = LABEL.keySet().stream().filter(i -> aum(i) < 0).count() / (double) LABEL.size();
        assertEquals(negative, ((Number) meta.parameters.get("hardCutUsed")).doubleValue(), 1e-12);
        assertEquals("auto", meta.parameters.get("hardCut"));
        assertEquals(List.of(1, 2, 3), meta.parameters.get("windowCheckpoints"));
    }

    @Test
    void excludeWorksWithEveryDynamicsMethod() {
        for (String method : List.of("ccs", "dual", "d2")) {
            CliRun run = select("ex-" + method, "--method", method, "--fraction", "0.2", "--exclude", flags.toString());
            assertEquals(0, run.exitCode(), run.err());
            Map<Integer, List<Long>> got = picks("ex-" + method);
            // 80 remain (32/24/24): 0.2 x 80 = 16, proportional 6/5/5 (largest remainder: 6.4, 4.8, 4.8).
            assertEquals(16, got.values().stream().mapToInt(List::size).sum(), method);
            got.values().forEach(ids -> ids.forEach(id -> assertFalse(FLAGGED.contains(id), method + ": flagged " + id)));
        }
    }

    @Test
    void badSettingsAreRefusedInOneLine() throws Exception {
        Path previous = tmp.resolve("previous");
        assertEquals(0, select("previous", "--method", "random", "--fraction", "0.2").exitCode());
        String[][] cases = {
            {"--method", "ccs", "--hard-cut", "1"},
            {"--method", "d2", "--hard-cut", "-0.1"},
            {"--method", "d2", "--neighbours", "0"},
            {"--method", "ccs", "--score", "loudness"},
            {"--method", "ccs", "--score", "dual", "--window", "last:2"},
            {"--method", "dual", "--dual-window", "9"},
            {"--method", "ccs", "--strata", "0"},
            {"--method", "dual", "--dual-exponent", "-1"},
        };
        String[] fragments = {"--hard-cut 1 is not a fraction in [0, 1) or auto", "--hard-cut -0.1 is not a fraction",
            "--neighbours 0 must be at least 1", "--score loudness is not a dynamics score",
            "--score dual needs at least --dual-window 3 checkpoints", "needs at least --dual-window 9 checkpoints",
            "--strata 0 must be at least 1", "--dual-exponent -1.0 must be positive"};
        for (int i = 0; i < cases.length; i++) {
            List<String> args = args("bad" + i, cases[i]);
            args.addAll(List.of("--fraction", "0.2"));
            Refusals.assertRefused(tmp.resolve("bad" + i), previous, args, fragments[i]);
        }
        // A score the table cannot give: CLD needs val rows.
        Path trainOnly = tmp.resolve("train-only");
        spark.read().parquet(scores.toString()).filter(col(Tables.SPLIT).equalTo(Tables.SPLIT_TRAIN)).write()
                .parquet(trainOnly.toString());
        List<String> args = new ArrayList<>(List.of("select", "--scores", trainOnly.toString(), "--method", "ccs",
                "--score", "cld", "--fraction", "0.2", "--no-progress", "--out", tmp.resolve("bad-cld").toString()));
        Refusals.assertRefused(tmp.resolve("bad-cld"), previous, args, "no rows with split 'val'",
                "CLD needs validation losses");
    }
}
