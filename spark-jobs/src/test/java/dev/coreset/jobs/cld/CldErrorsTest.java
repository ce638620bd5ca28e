package dev.coreset.jobs.cld;

import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.Damage;
import dev.coreset.jobs.PipelineFixture;
import dev.coreset.jobs.Refusals;
import dev.coreset.jobs.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad input to cld and noise ({@link Refusals}): exit 2, one line naming the file/option/value and the fix,
 * no output created, an existing manifest at --out untouched.
 */
class CldErrorsTest {
    @TempDir
    Path tmp;

    private Path good;

    @BeforeEach
    void setUp() {
        SparkTestSession.get();
        ScoresBuilder b = new ScoresBuilder();
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < 4; i++) {
                b.train(c * 10 + i, c, 2f, 1.5f - 0.1f * i, 1f, 0.8f);
            }
            b.val(100 + c, c, 2f, 1.4f, 1f, 0.7f);
        }
        good = b.write(tmp, "good");
    }

    private int cases;

    /** The cld command line with a fresh --out and --dynamics-out. */
    private List<String> cld(Path scores, String... extra) {
        int n = cases++;
        List<String> args = new ArrayList<>(List.of("cld", "--scores", scores.toString(), "--out",
                tmp.resolve("out-" + n).toString(), "--dynamics-out", tmp.resolve("dyn-" + n).toString(), "--no-progress"));
        if (Arrays.stream(extra).noneMatch(a -> a.equals("--fraction") || a.equals("--per-class"))) {
            args.addAll(List.of("--per-class", "2"));
        }
        args.addAll(List.of(extra));
        return args;
    }

    /**
     * The shared contract ({@link Refusals}) with the digits manifest planted at --out, plus: no dynamics table
     * is created either. For noise the planted directory stands for any earlier output at --out.
     */
    private void assertRefused(List<String> args, String... fragments) {
        Path out = Path.of(args.get(args.indexOf("--out") + 1));
        Refusals.assertRefused(out, PipelineFixture.get().manifest, args, fragments);
        int dyn = args.indexOf("--dynamics-out");
        if (dyn >= 0) {
            assertFalse(Files.exists(Path.of(args.get(dyn + 1))), "no dynamics table is created");
        }
    }

    @Test
    void missingScoresPath() {
        Path nope = tmp.resolve("nope");
        assertRefused(cld(nope), nope.toString(), "no such scores table", "--scores");
    }

    @Test
    void scoresWithoutValRows() {
        ScoresBuilder b = new ScoresBuilder().train(1, 0, 2f, 1f, 0.5f).train(2, 0, 2f, 1.5f, 0.5f);
        Path p = b.write(tmp, "noval");
        assertRefused(cld(p), p.toString(), "CLD needs validation losses: ingest with --val-fraction > 0 and score the val split");
    }

    @Test
    void fewerThanThreeCheckpoints() {
        ScoresBuilder b = new ScoresBuilder().train(1, 0, 2f, 1f).val(2, 0, 2f, 1.5f);
        Path p = b.write(tmp, "two");
        assertRefused(cld(p), p.toString(), "2 checkpoint(s)", "at least 3");
        assertRefused(cld(good, "--checkpoints", "0,1"), "--checkpoints 0,1", "at least 3");
        assertRefused(cld(good, "--checkpoints", "first:2"), "first:2", "at least 3");
    }

    @Test
    void firstKLargerThanAvailable() {
        assertRefused(cld(good, "--checkpoints", "first:9"), "first:9", "has 4", "lower K");
    }

    @Test
    void listedCheckpointMissingOrMalformed() {
        assertRefused(cld(good, "--checkpoints", "0,1,7"), "checkpoint 7 is not in", good.toString());
        assertRefused(cld(good, "--checkpoints", "0,x,2"), "'x' is not a checkpoint number");
    }

    @Test
    void classWithoutValSamples() {
        ScoresBuilder b = new ScoresBuilder().train(1, 0, 2f, 1f, 0.5f).train(2, 1, 2f, 1.5f, 0.5f)
                .val(3, 0, 2f, 1.2f, 0.4f);
        Path p = b.write(tmp, "noval1");
        assertRefused(cld(p), p.toString(), "class 1 has 1 train samples but no val rows", "--val-fraction");
    }

    @Test
    void badBudgets() {
        assertRefused(cld(good, "--fraction", "0"), "--fraction 0.0", "(0, 1]");
        assertRefused(cld(good, "--fraction", "-0.5"), "--fraction -0.5");
        assertRefused(cld(good, "--fraction", "1.5"), "--fraction 1.5");
        assertRefused(cld(good, "--per-class", "0"), "--per-class 0", "at least 1");
        assertRefused(cld(good, "--per-class", "-3"), "--per-class -3");
        assertRefused(cld(good, "--fraction", "0.1", "--per-class", "3"), "exactly one of --fraction");
        assertRefused(cld(good, "--fraction", "0.1", "--budget-mode", "greedy"), "--budget-mode greedy");
    }

    @Test
    void sampleMissingACheckpoint() {
        ScoresBuilder b = new ScoresBuilder().train(1, 0, 2f, 1f, 0.5f, 0.4f).val(3, 0, 2f, 1.2f, 0.4f, 0.3f)
                .add(7, 0, "train", new int[] {0, 1, 3}, new float[] {2f, 1f, 0.5f}, new boolean[3], new float[3])
                .add(8, 0, "train", new int[] {0, 1, 1, 3}, new float[] {2f, 1f, 1f, 0.5f}, new boolean[4], new float[4]);
        Path p = b.write(tmp, "ragged");
        assertRefused(cld(p), "train sample_id 7 has 3 rows at the 4 checkpoints [0, 1, 2, 3] but needs exactly one per checkpoint", "first of 2 samples");
    }

    @Test
    void labelChangesBetweenCheckpoints() {
        ScoresBuilder b = new ScoresBuilder().train(1, 0, 2f, 1f, 0.5f).val(3, 0, 2f, 1.2f, 0.4f).val(4, 1, 2f, 1.2f, 0.4f)
                .add(6, 0, "train", new int[] {0, 1}, new float[] {2f, 1f}, new boolean[2], new float[2])
                .add(6, 1, "train", new int[] {2}, new float[] {0.5f}, new boolean[1], new float[1]);
        Path p = b.write(tmp, "relabel");
        assertRefused(cld(p), "train sample_id 6 has different labels");
    }

    @Test
    void nanLoss() {
        ScoresBuilder b = new ScoresBuilder().train(1, 0, 2f, 1f, 0.5f).train(5, 0, 2f, Float.NaN, 0.5f)
                .val(3, 0, 2f, 1.2f, 0.4f);
        Path p = b.write(tmp, "nan");
        assertRefused(cld(p), "'loss' is null, NaN or infinite for train sample_id 5");
    }

    @Test
    void notAScoresTable() {
        Path p = tmp.resolve("samples-like");
        SparkTestSession.get().sql("SELECT id AS sample_id, 0 AS label FROM range(3)").write().parquet(p.toString());
        assertRefused(cld(p), p.toString(), "missing column 'split'");
    }

    @Test
    void notParquet() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("text"));
        Files.writeString(dir.resolve("part-00000.parquet"), "sample_id,label\n1,0\n");
        assertRefused(cld(dir), dir.toString(), "cannot read", "coreset score");
    }

    @Test
    void truncatedParquetFile() throws Exception {
        Path part = Damage.truncate(good, 0.9);
        assertRefused(cld(good), part.getFileName().toString(), "truncated or corrupt", "re-create it");
    }

    @Test
    void nullOrNegativeLabel() {
        ScoresBuilder b = new ScoresBuilder().train(1, 0, 2f, 1f, 0.5f).train(2, -1, 2f, 1.5f, 0.5f)
                .val(3, 0, 2f, 1.2f, 0.4f);
        Path p = b.write(tmp, "negative");
        assertRefused(cld(p), p.toString(), "column 'label' is null or negative at sample_id 2", "0..C-1");
        Path nulls = tmp.resolve("null-label");
        SparkTestSession.get().read().parquet(good.toString())
                .selectExpr("sample_id", "IF(sample_id = 11, CAST(NULL AS INT), label) AS label", "split", "checkpoint",
                        "loss", "correct", "margin", "el2n", "draws")
                .write().parquet(nulls.toString());
        assertRefused(cld(nulls), "column 'label' is null or negative at sample_id 11");
    }

    @Test
    void existingOutputIsKept() throws Exception {
        List<String> args = cld(good);
        Path out = Files.createDirectories(Path.of(args.get(args.indexOf("--out") + 1)));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.errorLine().contains("already exists"), run.errorLine());
        assertFalse(Files.exists(Path.of(args.get(args.indexOf("--dynamics-out") + 1))));
        assertTrue(Files.exists(out));
    }

    @Test
    void noiseBadInputs() {
        Path nope = tmp.resolve("nope");
        assertRefused(List.of("noise", "--dynamics", nope.toString(), "--out", tmp.resolve("noise-1").toString(),
                "--no-progress"), nope.toString(), "no such dynamics table", "--dynamics-out");
        assertRefused(List.of("noise", "--dynamics", good.toString(), "--out", tmp.resolve("noise-2").toString(),
                "--no-progress"), good.toString(), "missing column 'cld'");
        Path exclude = tmp.resolve("no-flags");
        assertRefused(cld(good, "--exclude", exclude.toString()), exclude.toString(), "--exclude");
    }
}
