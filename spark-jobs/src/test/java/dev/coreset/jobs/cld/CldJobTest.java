package dev.coreset.jobs.cld;

import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.SparkTestSession;
import dev.coreset.schemas.Json;
import dev.coreset.schemas.ManifestMetadata;
import dev.coreset.schemas.ManifestReader;
import dev.coreset.schemas.TableInfo;
import dev.coreset.schemas.Tables;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cld command end to end on small tables built in the test, against references computed here. */
class CldJobTest {
    @TempDir
    Path tmp;

    private final SparkSession spark = SparkTestSession.get();

    private CliRun cli(String... args) {
        CliRun run = CliRun.of(args);
        assertEquals(0, run.exitCode(), run.err());
        return run;
    }

    private Map<Long, Row> byId(Path table) {
        Map<Long, Row> out = new TreeMap<>();
        for (Row r : spark.read().parquet(table.toString()).collectAsList()) {
            out.put(r.getLong(r.fieldIndex("sample_id")), r);
        }
        return out;
    }

    private static float[] randomLosses(Random rnd, int t) {
        float[] l = new float[t];
        for (int i = 0; i < t; i++) {
            l[i] = (float) (3 * rnd.nextDouble());
        }
        return l;
    }

    @Test
    void cldMatchesDoublePrecisionReference() throws Exception {
        Random rnd = new Random(7);
        int t = 7;
        ScoresBuilder b = new ScoresBuilder();
        long id = 0;
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 12; i++) {
                b.train(id++, c, randomLosses(rnd, t));
            }
            for (int i = 0; i < 4; i++) {
                b.val(1000 + id++, c, randomLosses(rnd, t));
            }
        }
        Path scores = b.write(tmp, "scores");
        Path m = tmp.resolve("m");
        Path d = tmp.resolve("d");
        cli("cld", "--scores", scores.toString(), "--per-class", "1000", "--out", m.toString(),
                "--dynamics-out", d.toString(), "--no-progress");
        Map<Long, Double> ref = b.referenceCld(new int[] {0, 1, 2, 3, 4, 5, 6});
        Map<Long, Row> dyn = byId(d);
        assertEquals(ref.keySet(), dyn.keySet(), "one dynamics row per train sample, no val rows");
        boolean sawNegative = false;
        for (var e : ref.entrySet()) {
            double got = dyn.get(e.getKey()).getAs(Tables.CLD);
            assertEquals(e.getValue(), got, 1e-12, "sample " + e.getKey());
            sawNegative |= got < 0;
        }
        assertTrue(sawNegative, "random trajectories give some negative CLD");
        // Manifest: every sample kept (budget above class size), score = CLD, rank by CLD within class.
        Map<Long, Row> man = byId(m);
        assertEquals(36, man.size());
        for (Row r : man.values()) {
            assertEquals(1.0, r.<Double>getAs("weight"));
            assertEquals(ref.get(r.<Long>getAs("sample_id")), r.<Double>getAs("score"), 1e-12);
        }
        ManifestReader.open(m.toString()).validate();
    }

    @Test
    void affineMapsScoreOneAndConstantsScoreZero() {
        float[] val0 = {2.3f, 1.7f, 1.1f, 0.9f, 0.4f, 0.35f};
        float[] val1 = {1f, 1f, 1f, 1f, 1f, 1f};
        ScoresBuilder b = new ScoresBuilder();
        b.val(100, 0, val0).val(101, 1, val1);
        float[] affine = new float[6];
        float[] negated = new float[6];
        for (int i = 0; i < 6; i++) {
            affine[i] = 0.5f * val0[i] + 0.25f;
            negated[i] = 3f - 2f * val0[i];
        }
        b.train(1, 0, affine);
        b.train(2, 0, 0.8f, 0.8f, 0.8f, 0.8f, 0.8f, 0.8f);
        b.train(3, 0, negated);
        b.train(4, 1, 2.3f, 1.7f, 1.1f, 0.9f, 0.4f, 0.35f);
        b.train(5, 1, 0.3f, 0.2f, 0.9f, 0.1f, 0.4f, 0.35f);
        Path scores = b.write(tmp, "scores");
        Path d = tmp.resolve("d");
        cli("cld", "--scores", scores.toString(), "--per-class", "1", "--out", tmp.resolve("m").toString(),
                "--dynamics-out", d.toString(), "--no-progress");
        Map<Long, Row> dyn = byId(d);
        assertEquals(1.0, dyn.get(1L).<Double>getAs("cld"), 1e-6, "a*val + b with a > 0");
        assertEquals(0.0, dyn.get(2L).<Double>getAs("cld"), 0.0, "constant train trajectory");
        assertEquals(-1.0, dyn.get(3L).<Double>getAs("cld"), 1e-6, "a < 0");
        assertEquals(0.0, dyn.get(4L).<Double>getAs("cld"), 0.0, "constant class validation trajectory");
        assertEquals(0.0, dyn.get(5L).<Double>getAs("cld"), 0.0);
        dyn.values().forEach(r -> assertFalse(Double.isNaN(r.<Double>getAs("cld"))));
        // Top-1 per class: sample 1 in class 0; class 1 ties at 0 -> the lower sample_id.
        assertEquals(List.of(1L, 4L), byId(tmp.resolve("m")).keySet().stream().toList());
    }

    /** Three unbalanced classes (20, 10, 3 train samples) with random trajectories. */
    private ScoresBuilder unbalanced(float class1Offset) {
        Random rnd = new Random(11);
        ScoresBuilder b = new ScoresBuilder();
        int[] sizes = {20, 10, 3};
        long id = 0;
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < sizes[c]; i++) {
                float[] l = randomLosses(rnd, 5);
                if (c == 1) {
                    for (int j = 0; j < l.length; j++) {
                        l[j] += class1Offset;
                    }
                }
                b.train(id++, c, l);
            }
            for (int i = 0; i < 3; i++) {
                b.val(500 + id++, c, randomLosses(rnd, 5));
            }
        }
        return b;
    }

    private Map<Integer, List<Long>> manifestIdsByClass(Path m) {
        Map<Integer, List<Long>> out = new TreeMap<>();
        for (Row r : spark.read().parquet(m.toString()).orderBy("label", "rank").collectAsList()) {
            out.computeIfAbsent(r.<Integer>getAs("label"), k -> new ArrayList<>()).add(r.getAs("sample_id"));
        }
        return out;
    }

    private static Map<Integer, Integer> counts(Map<Integer, List<Long>> ids) {
        Map<Integer, Integer> out = new TreeMap<>();
        ids.forEach((k, v) -> out.put(k, v.size()));
        return out;
    }

    @Test
    void classBudgetsAreHonouredAndTopKByCldIsSelected() throws Exception {
        ScoresBuilder b = unbalanced(0f);
        Path scores = b.write(tmp, "scores");
        Map<Long, Double> ref = b.referenceCld(new int[] {0, 1, 2, 3, 4});
        Map<Long, Integer> labels = new HashMap<>();
        b.samples.forEach(s -> labels.put(s.id(), s.label()));

        Path uni = tmp.resolve("uniform");
        cli("cld", "--scores", scores.toString(), "--fraction", "0.3", "--out", uni.toString(), "--no-progress");
        Map<Integer, List<Long>> got = manifestIdsByClass(uni);
        // k = round(0.3 * 33) = 10; 10/3 each, class 2 has only 3, the other 7 split 4 + 3 (tie to the lower class).
        assertEquals(Map.of(0, 4, 1, 3, 2, 3), counts(got));
        for (var e : got.entrySet()) {
            List<Long> expected = ref.keySet().stream().filter(id -> labels.get(id) == e.getKey())
                    .sorted(Comparator.comparing((Long id) -> -ref.get(id)).thenComparing(id -> id))
                    .limit(e.getValue().size()).collect(Collectors.toList());
            assertEquals(expected, e.getValue(), "top-k by CLD, in rank order, class " + e.getKey());
        }
        List<Integer> ranks = spark.read().parquet(uni.toString()).filter("label = 0").orderBy("rank")
                .select("rank").as(org.apache.spark.sql.Encoders.INT()).collectAsList();
        assertEquals(List.of(0, 1, 2, 3), ranks);
        ManifestMetadata meta = Json.MAPPER.readValue(uni.resolve(ManifestMetadata.FILE_NAME).toFile(),
                ManifestMetadata.class);
        assertEquals("cld", meta.method);
        assertEquals(List.of(0, 1, 2, 3, 4), meta.parameters.get("checkpoints"));
        assertEquals("uniform", meta.parameters.get("budgetMode"));
        assertEquals(0.3, meta.parameters.get("fraction"));
        assertEquals(42L, meta.seed);
        assertEquals(scores.toString(), meta.source.path);
        assertEquals(33, meta.source.rows);
        assertEquals(16, meta.source.fingerprint.length());
        assertEquals(10, meta.budget.total);

        Path prop = tmp.resolve("proportional");
        cli("cld", "--scores", scores.toString(), "--fraction", "0.3", "--budget-mode", "proportional",
                "--out", prop.toString(), "--no-progress");
        // 20/33*10 = 6.06, 10/33*10 = 3.03, 3/33*10 = 0.91: floors 6, 3, 0 and the leftover to class 2.
        assertEquals(Map.of(0, 6, 1, 3, 2, 1), counts(manifestIdsByClass(prop)));

        Path per = tmp.resolve("per-class");
        cli("cld", "--scores", scores.toString(), "--per-class", "5", "--out", per.toString(), "--no-progress");
        assertEquals(Map.of(0, 5, 1, 5, 2, 3), counts(manifestIdsByClass(per)));
    }

    @Test
    void difficultyBudgetGivesHarderClassesMore() {
        Path scores = unbalanced(4f).write(tmp, "scores");
        Path diff = tmp.resolve("d");
        cli("cld", "--scores", scores.toString(), "--fraction", "0.3", "--budget-mode", "difficulty",
                "--out", diff.toString(), "--no-progress");
        Map<Integer, Integer> d = counts(manifestIdsByClass(diff));
        assertEquals(10, d.values().stream().mapToInt(Integer::intValue).sum());
        // Proportional gives {6, 3, 1} for these sizes (see above); class 1 (mean loss ~5.5 vs ~1.5) gets more.
        assertTrue(d.get(1) > 3 && d.get(0) < 6, "difficulty budgets " + d);
    }

    @Test
    void firstKUsesOnlyTheEarlyCheckpoints() throws Exception {
        float[] val = {3f, 2f, 1.5f, 1.2f, 1.0f, 0.9f};
        ScoresBuilder b = new ScoresBuilder();
        b.val(100, 0, val);
        b.train(1, 0, 3f, 2f, 1.5f, 1.2f, 6f, 0f);          // follows val early, wild later
        b.train(2, 0, 2.5f, 2.1f, 1.75f, 1.6f, 1.5f, 1.45f); // roughly follows val throughout
        Map<Long, Double> early = b.referenceCld(new int[] {0, 1, 2, 3});
        Map<Long, Double> all = b.referenceCld(new int[] {0, 1, 2, 3, 4, 5});
        assertTrue(early.get(1L) > early.get(2L) && all.get(2L) > all.get(1L), "precondition: rankings differ");
        Path scores = b.write(tmp, "scores");

        Path mEarly = tmp.resolve("early");
        Path dEarly = tmp.resolve("dyn-early");
        cli("cld", "--scores", scores.toString(), "--checkpoints", "first:4", "--per-class", "1",
                "--out", mEarly.toString(), "--dynamics-out", dEarly.toString(), "--no-progress");
        assertEquals(List.of(1L), byId(mEarly).keySet().stream().toList());
        assertEquals(early.get(2L), byId(dEarly).get(2L).<Double>getAs("cld"), 1e-12);
        assertEquals((3 + 2 + 1.5 + 1.2) / 4, byId(dEarly).get(1L).<Double>getAs("mean_loss"), 1e-6,
                "mean loss over the chosen checkpoints only");
        assertEquals(1.2, byId(dEarly).get(1L).<Double>getAs("last_loss"), 1e-6, "the last chosen checkpoint: 3");
        ManifestMetadata meta = Json.MAPPER.readValue(mEarly.resolve(ManifestMetadata.FILE_NAME).toFile(),
                ManifestMetadata.class);
        assertEquals(List.of(0, 1, 2, 3), meta.parameters.get("checkpoints"));
        assertEquals("first:4", meta.parameters.get("checkpointSelection"));

        Path mAll = tmp.resolve("all");
        cli("cld", "--scores", scores.toString(), "--per-class", "1", "--out", mAll.toString(), "--no-progress");
        assertEquals(List.of(2L), byId(mAll).keySet().stream().toList());

        Path mList = tmp.resolve("list");
        Path dList = tmp.resolve("dyn-list");
        cli("cld", "--scores", scores.toString(), "--checkpoints", "0,2,4,5", "--per-class", "1",
                "--out", mList.toString(), "--dynamics-out", dList.toString(), "--no-progress");
        assertEquals(b.referenceCld(new int[] {0, 2, 4, 5}).get(1L), byId(dList).get(1L).<Double>getAs("cld"), 1e-12);
    }

    @Test
    void dynamicsColumnsMatchHandComputedValues() throws Exception {
        ScoresBuilder b = new ScoresBuilder();
        int[] cps = {0, 1, 2, 3, 4, 5};
        b.add(1, 0, "train", cps, new float[] {2f, 1f, 0.5f, 1.5f, 0.25f, 0.75f},
                new boolean[] {true, false, true, false, true, true}, new float[] {0.2f, 0.4f, 0.6f, 0.8f, 1.0f, 1.2f});
        b.add(2, 0, "train", cps, new float[] {1f, 1f, 1f, 1f, 1f, 1f},
                new boolean[] {false, false, true, true, true, false}, new float[] {1f, 0f, 0f, 0f, 0f, 0f});
        b.add(3, 0, "train", cps, new float[] {1f, 1f, 1f, 1f, 1f, 1f},
                new boolean[] {false, false, false, false, false, false}, new float[] {0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f});
        b.val(100, 0, 2f, 1.5f, 1.2f, 1f, 0.9f, 0.8f);
        Path scores = b.write(tmp, "scores");
        Path d = tmp.resolve("d");
        cli("cld", "--scores", scores.toString(), "--per-class", "1", "--out", tmp.resolve("m").toString(),
                "--dynamics-out", d.toString(), "--no-progress");
        Map<Long, Row> dyn = byId(d);
        assertEquals(2, dyn.get(1L).<Integer>getAs("forgetting"), "T->F at 0->1 and 2->3");
        assertEquals(1, dyn.get(2L).<Integer>getAs("forgetting"));
        assertEquals(0, dyn.get(3L).<Integer>getAs("forgetting"));
        assertEquals(0.4, dyn.get(1L).<Double>getAs("el2n_early"), 1e-6, "mean of the first 3 EL2N");
        assertEquals(1.0 / 3, dyn.get(2L).<Double>getAs("el2n_early"), 1e-6);
        assertEquals(6.0 / 6, dyn.get(1L).<Double>getAs("mean_loss"), 1e-9);
        assertEquals(1.0, dyn.get(3L).<Double>getAs("mean_loss"), 1e-9);
        assertEquals(0.75, dyn.get(1L).<Double>getAs("last_loss"), 1e-9, "loss at the last chosen checkpoint");
        assertEquals(List.of("sample_id", "label", "cld", "mean_loss", "last_loss", "el2n_early", "forgetting", "aum",
                "dual", "mean_py"),
                List.of(spark.read().parquet(d.toString()).schema().fieldNames()));
        TableInfo info = Json.MAPPER.readValue(d.resolve(TableInfo.FILE_NAME).toFile(), TableInfo.class);
        assertEquals("dynamics", info.table);
        assertEquals(3, info.rows);

        Path d2 = tmp.resolve("d2");
        cli("cld", "--scores", scores.toString(), "--per-class", "1", "--el2n-early", "2", "--out",
                tmp.resolve("m2").toString(), "--dynamics-out", d2.toString(), "--no-progress");
        assertEquals(0.3, byId(d2).get(1L).<Double>getAs("el2n_early"), 1e-6, "--el2n-early 2");
    }
}
