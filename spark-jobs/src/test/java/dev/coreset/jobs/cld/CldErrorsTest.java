package dev.coreset.jobs.cld;

import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bad input to cld and noise: exit 2, one line naming the file/option/value and the fix, no output. */
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

    private CliRun cld(Path scores, String... extra) {
        List<String> args = new ArrayList<>(List.of("cld", "--scores", scores.toString(), "--out",
                tmp.resolve("out").toString(), "--dynamics-out", tmp.resolve("dyn").toString(), "--no-progress"));
        if (Arrays.stream(extra).noneMatch(a -> a.equals("--fraction") || a.equals("--per-class"))) {
            args.addAll(List.of("--per-class", "2"));
        }
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(new String[0]));
    }

    private void assertRefused(CliRun run, String... fragments) {
        assertEquals(2, run.exitCode(), run.err());
        String line = run.errorLine();
        assertFalse(line.contains("\n"), "one line: " + line);
        for (String f : fragments) {
            assertTrue(line.contains(f), "'" + f + "' missing from: " + line);
        }
        assertFalse(Files.exists(tmp.resolve("out")), "no manifest is created");
        assertFalse(Files.exists(tmp.resolve("dyn")), "no dynamics table is created");
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
    void existingOutputIsKept() throws Exception {
        Files.createDirectories(tmp.resolve("out"));
        CliRun run = cld(good);
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.errorLine().contains("already exists"), run.errorLine());
        assertFalse(Files.exists(tmp.resolve("dyn")));
    }

    @Test
    void noiseBadInputs() {
        Path nope = tmp.resolve("nope");
        assertRefused(CliRun.of("noise", "--dynamics", nope.toString(), "--out", tmp.resolve("out").toString(),
                "--no-progress"), nope.toString(), "no such dynamics table", "--dynamics-out");
        assertRefused(CliRun.of("noise", "--dynamics", good.toString(), "--out", tmp.resolve("out").toString(),
                "--no-progress"), good.toString(), "missing column 'cld'");
        Path exclude = tmp.resolve("no-flags");
        assertRefused(cld(good, "--exclude", exclude.toString()), exclude.toString(), "--exclude");
    }
}
