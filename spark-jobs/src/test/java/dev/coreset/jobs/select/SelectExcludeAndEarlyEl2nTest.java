package dev.coreset.jobs.select;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.SparkTestSession;
import dev.coreset.schemas.Tables;
import dev.coreset.schemas.Json;
import dev.coreset.schemas.ManifestMetadata;
import dev.coreset.schemas.SparkSchemas;
import dev.coreset.schemas.Tables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * select --exclude (flagged samples never selected, budgets on what remains, fingerprint of all train rows) and
 * select --method el2n --el2n-checkpoints first:K (EL2N averaged over the K earliest checkpoints), on a small
 * synthetic scores table: 3 classes of 40/30/30 samples, 3 checkpoints, EL2N drawn afresh at each checkpoint.
 */
class SelectExcludeAndEarlyEl2nTest {
    @TempDir
    static Path tmp;
    static Path scores;
    static Path flags;
    static final int[] SIZES = {40, 30, 30};
    static final int T = 3;
    static final int D = 4;
    static final Map<Long, Integer> LABEL = new HashMap<>();
    static final Map<Long, float[]> EL2N = new HashMap<>();
    static final Set<Long> FLAGGED = new HashSet<>();

    private final SparkSession spark = SparkTestSession.get();

    @BeforeAll
    static void write() {
        SparkSession spark = SparkTestSession.get();
        Random rnd = new Random(11);
        List<Row> rows = new ArrayList<>();
        List<Row> flagRows = new ArrayList<>();
        long id = 0;
        for (int c = 0; c < SIZES.length; c++) {
            for (int i = 0; i < SIZES[c]; i++, id++) {
                LABEL.put(id, c);
                float[] e = new float[T];
                float[] v = new float[D];
                for (int j = 0; j < D; j++) {
                    v[j] = (float) rnd.nextGaussian();
                }
                for (int t = 0; t < T; t++) {
                    e[t] = rnd.nextFloat();
                    rows.add(RowFactory.create(id, c, "train", t, e[t], true, 0.5f, e[t], v, 1));
                }
                EL2N.put(id, e);
                // Class 0: every 4th sample flagged (10), class 1: none, class 2: every 2nd (15).
                if ((c == 0 && i % 4 == 0) || (c == 2 && i % 2 == 0)) {
                    FLAGGED.add(id);
                    flagRows.add(RowFactory.create(id, c, 1.0, "mixture", null));
                }
            }
        }
        scores = tmp.resolve("scores");
        spark.createDataFrame(rows, SparkSchemas.structType(Tables.SCORES, List.of(Tables.EMBEDDING))).repartition(2).write().parquet(scores.toString());
        flags = tmp.resolve("flags");
        spark.createDataFrame(flagRows, SparkSchemas.structType(Tables.NOISE_FLAGS))
                .write().parquet(flags.toString());
    }

    private CliRun select(String out, String... extra) {
        List<String> args = new ArrayList<>(List.of("select", "--scores", scores.toString(), "--out",
                tmp.resolve(out).toString(), "--no-progress"));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    private Map<Integer, List<Long>> idsByClass(String out) {
        Map<Integer, List<Long>> m = new TreeMap<>();
        for (Row r : spark.read().parquet(tmp.resolve(out).toString()).orderBy("label", "rank").collectAsList()) {
            m.computeIfAbsent(r.getInt(r.fieldIndex("label")), k -> new ArrayList<>()).add(r.getLong(0));
        }
        return m;
    }

    private static Map<Integer, Integer> counts(Map<Integer, List<Long>> m) {
        Map<Integer, Integer> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v.size()));
        return out;
    }

    @Test
    void excludedSamplesNeverAppearAndBudgetsCountOnlyWhatRemains() throws Exception {
        for (String method : List.of("random", "facility-location")) {
            CliRun run = select("ex-" + method, "--method", method, "--fraction", "0.2", "--exclude",
                    flags.toString());
            assertEquals(0, run.exitCode(), run.err());
            Map<Integer, List<Long>> got = idsByClass("ex-" + method);
            // 75 remain ({30, 30, 15}): 0.2 x 75 = 15, proportional 6/6/3. Counting the flagged too would give 20: 8/6/6.
            assertEquals(Map.of(0, 6, 1, 6, 2, 3), counts(got), method);
            got.values().forEach(ids -> ids.forEach(id -> assertFalse(FLAGGED.contains(id), method + ": flagged " + id)));
            ManifestMetadata meta = Json.MAPPER.readValue(tmp.resolve("ex-" + method).resolve(ManifestMetadata.FILE_NAME)
                    .toFile(), ManifestMetadata.class);
            assertEquals(100, meta.source.rows, "the source fingerprint covers every train row");
            assertEquals(25, ((Number) meta.parameters.get("excluded")).intValue());
            assertEquals(flags.toString(), meta.parameters.get("exclude"));
        }
        // The same source fingerprint as a run without --exclude, so train --manifest accepts the samples table.
        assertEquals(0, select("plain", "--method", "random", "--fraction", "0.2").exitCode());
        ManifestMetadata plain = Json.MAPPER.readValue(tmp.resolve("plain").resolve(ManifestMetadata.FILE_NAME).toFile(),
                ManifestMetadata.class);
        ManifestMetadata ex = Json.MAPPER.readValue(tmp.resolve("ex-random").resolve(ManifestMetadata.FILE_NAME).toFile(),
                ManifestMetadata.class);
        assertEquals(plain.source.fingerprint, ex.source.fingerprint);
        assertEquals(Map.of(0, 8, 1, 6, 2, 6), counts(idsByClass("plain")));
    }

    /** Top-k ids of a class by mean EL2N over the first k checkpoints, ties to the lower id. */
    private static List<Long> topByEarlyEl2n(int label, int firstK, int take) {
        return LABEL.keySet().stream().filter(id -> LABEL.get(id) == label)
                .sorted(Comparator.comparingDouble((Long id) -> -mean(EL2N.get(id), firstK)).thenComparing(id -> id))
                .limit(take).toList();
    }

    private static double mean(float[] e, int k) {
        double s = 0;
        for (int t = 0; t < k; t++) {
            s += e[t];
        }
        return s / k;
    }

    @Test
    void el2nAveragedOverTheEarliestCheckpoints() throws Exception {
        CliRun run = select("early", "--method", "el2n", "--per-class", "5", "--el2n-checkpoints", "first:2");
        assertEquals(0, run.exitCode(), run.err());
        Map<Integer, List<Long>> got = idsByClass("early");
        for (int c = 0; c < SIZES.length; c++) {
            assertEquals(topByEarlyEl2n(c, 2, 5), got.get(c), "class " + c + ", in rank order");
        }
        assertNotEquals(topByEarlyEl2n(0, 2, 5), topByEarlyEl2n(0, 3, 5), "precondition: the average matters");
        long first = got.get(0).get(0);
        double score = spark.read().parquet(tmp.resolve("early").toString()).filter(col("sample_id").equalTo(first))
                .select("score").as(Encoders.DOUBLE()).first();
        assertEquals(mean(EL2N.get(first), 2), score, 1e-6, "the manifest's score is the averaged EL2N");
        ManifestMetadata meta = Json.MAPPER.readValue(tmp.resolve("early").resolve(ManifestMetadata.FILE_NAME).toFile(),
                ManifestMetadata.class);
        assertEquals(List.of(0, 1), meta.parameters.get("el2nCheckpoints"));

        // Without the option: EL2N at the selected (last) checkpoint, a different pick.
        assertEquals(0, select("last", "--method", "el2n", "--per-class", "5").exitCode());
        List<Long> last = LABEL.keySet().stream().filter(id -> LABEL.get(id) == 0)
                .sorted(Comparator.comparingDouble((Long id) -> -EL2N.get(id)[T - 1]).thenComparing(id -> id))
                .limit(5).toList();
        assertEquals(last, idsByClass("last").get(0));
        assertNotEquals(last, got.get(0));
    }

    @Test
    void badEl2nCheckpointsAndExcludeAreRefused() {
        String[][] cases = {
                {"--method", "el2n", "--per-class", "5", "--el2n-checkpoints", "first:4"},
                {"--method", "el2n", "--per-class", "5", "--el2n-checkpoints", "last:2"},
                {"--method", "loss", "--per-class", "5", "--el2n-checkpoints", "first:2"},
                {"--method", "random", "--per-class", "5", "--exclude", tmp.resolve("no-such-flags").toString()},
        };
        String[] fragments = {"has 3 [0, 1, 2]; lower K", "is not first:K", "applies to --method el2n only",
                "no such flags table"};
        for (int i = 0; i < cases.length; i++) {
            CliRun run = select("bad" + i, cases[i]);
            assertEquals(2, run.exitCode(), run.err());
            assertTrue(run.errorLine().contains(fragments[i]), run.errorLine());
            assertFalse(Files.exists(tmp.resolve("bad" + i)));
        }
    }
}
