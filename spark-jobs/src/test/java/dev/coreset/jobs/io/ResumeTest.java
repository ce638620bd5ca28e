package dev.coreset.jobs.io;

import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.Fixtures;
import dev.coreset.jobs.OutputSnapshot;
import dev.coreset.jobs.Refusals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resume, the same for every stage command: a re-run with the same parameters and inputs is skipped (exit 0,
 * said in the summary, output untouched), one with a different parameter is refused naming it (exit 2, output
 * untouched), and with --overwrite it recomputes. A changed input (a republished or touched file) is refused.
 * On a 600-row slice of digits and a 2-epoch 8-unit proxy.
 */
class ResumeTest {
    @TempDir
    static Path tmp;
    static Path csv;
    static Path samples;
    static Path run;
    static Path scores;
    static Path dynamics;

    @BeforeAll
    static void pipeline() throws Exception {
        csv = Fixtures.digitsCsv(tmp);
        samples = tmp.resolve("samples");
        run = tmp.resolve("run");
        scores = tmp.resolve("scores");
        dynamics = tmp.resolve("dynamics");
        ok(ingest(samples));
        ok(train(run, "2"));
        ok(score(scores, "none"));
        ok(cli("cld", "--scores", scores.toString(), "--per-class", "5", "--out", tmp.resolve("cld-base").toString(),
                "--dynamics-out", dynamics.toString()));
    }

    private static List<String> ingest(Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("ingest", "--format", "csv", "--input", csv.toString(),
                "--label-column", "-1", "--limit", "600", "--out", out.toString()));
        a.addAll(List.of(extra));
        return a;
    }

    private static List<String> train(Path out, String epochs, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--samples", samples.toString(), "--hidden", "8",
                "--epochs", epochs, "--batch-size", "64", "--out", out.toString()));
        a.addAll(List.of(extra));
        return a;
    }

    private static List<String> score(Path out, String embedding, String... extra) {
        return score(samples, out, embedding, extra);
    }

    private static List<String> score(Path from, Path out, String embedding, String... extra) {
        List<String> a = new ArrayList<>(List.of("score", "--samples", from.toString(), "--checkpoints", run.toString(),
                "--embedding", embedding, "--out", out.toString()));
        a.addAll(List.of(extra));
        return a;
    }

    private static List<String> cli(String... args) {
        return new ArrayList<>(List.of(args));
    }

    /** The command line with --no-progress for the Spark commands (train runs without Spark and has none). */
    private static String[] argv(List<String> args) {
        List<String> a = new ArrayList<>(args);
        if (!a.get(0).equals("train")) {
            a.add("--no-progress");
        }
        return a.toArray(String[]::new);
    }

    private static CliRun ok(List<String> args) {
        CliRun r = CliRun.of(argv(args));
        assertEquals(0, r.exitCode(), String.join(" ", args) + "\n" + r.err());
        return r;
    }

    private static List<String> plus(List<String> args, String... more) {
        List<String> a = new ArrayList<>(args);
        a.addAll(List.of(more));
        return a;
    }

    /**
     * The three cases for one stage whose output {@code out} was just made by {@code same}: skip, refuse the
     * changed parameter, recompute with --overwrite.
     */
    private static void skipRefuseOverwrite(String stage, Path out, List<String> same, List<String> changed,
                                            String option, String before, String after) throws Exception {
        OutputSnapshot made = OutputSnapshot.of(out);
        CliRun skip = ok(same);
        assertTrue(skip.out().contains(stage + ": skipped: "), skip.out());
        assertTrue(skip.out().contains("is up to date (same parameters and inputs"), skip.out());
        made.assertUntouched();

        CliRun refused = CliRun.of(argv(changed));
        Refusals.assertOneLine(refused, out.toString(), "output already exists but was made with --" + option + " "
                + before + ", this run has --" + option + " " + after, "pass --overwrite");
        made.assertUntouched();

        CliRun again = ok(plus(changed, "--overwrite"));
        assertFalse(again.out().contains("skipped"), again.out());
        StageRecord r = StageRecord.read(new org.apache.hadoop.fs.Path(out.toString()), new Configuration());
        assertEquals(stage, r.stage);
        assertEquals(after, String.valueOf(r.parameters.get(option)));
        assertTrue(ok(changed).out().contains(stage + ": skipped: "), "the recomputed output is now the current one");
    }

    @Test
    void ingest() throws Exception {
        Path out = tmp.resolve("ingest-out");
        ok(ingest(out));
        skipRefuseOverwrite("ingest", out, ingest(out), ingest(out, "--val-fraction", "0.2"), "val-fraction", "0.1", "0.2");
    }

    @Test
    void train() throws Exception {
        Path out = tmp.resolve("train-out");
        ok(train(out, "1"));
        skipRefuseOverwrite("train", out, train(out, "1"), train(out, "2"), "epochs", "1", "2");
        assertTrue(Files.isDirectory(out.resolve("epoch-002")), "recomputed with 2 epochs");
    }

    @Test
    void score() throws Exception {
        Path out = tmp.resolve("score-out");
        ok(score(out, "none"));
        skipRefuseOverwrite("score", out, score(out, "none"), score(out, "logits-grad"), "embedding", "none",
                "logits-grad");
    }

    @Test
    void select() throws Exception {
        Path out = tmp.resolve("select-out");
        List<String> base = cli("select", "--scores", scores.toString(), "--method", "random", "--out", out.toString());
        ok(plus(base, "--fraction", "0.1"));
        skipRefuseOverwrite("select", out, plus(base, "--fraction", "0.1"), plus(base, "--fraction", "0.2"),
                "fraction", "0.1", "0.2");
    }

    @Test
    void cld() throws Exception {
        Path out = tmp.resolve("cld-out");
        List<String> base = cli("cld", "--scores", scores.toString(), "--out", out.toString());
        ok(plus(base, "--per-class", "5"));
        skipRefuseOverwrite("cld", out, plus(base, "--per-class", "5"), plus(base, "--per-class", "8"), "per-class",
                "5", "8");
        // Asking for the dynamics table too is a different run of the same command.
        CliRun more = CliRun.of(argv(plus(base, "--per-class", "8", "--dynamics-out", tmp.resolve("cld-dyn").toString())));
        Refusals.assertOneLine(more, "was made with --dynamics-out (not set), this run has --dynamics-out");

        // Both outputs of one run must be there to skip it.
        Path withDynamics = tmp.resolve("cld-out-2");
        Path dyn = tmp.resolve("cld-dyn-2");
        List<String> both = cli("cld", "--scores", scores.toString(), "--per-class", "5", "--out",
                withDynamics.toString(), "--dynamics-out", dyn.toString());
        ok(both);
        assertTrue(ok(both).out().contains("cld: skipped: "));
        try (var walk = Files.walk(dyn)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        Refusals.assertOneLine(CliRun.of(argv(both)), dyn.toString(), "missing while", "pass --overwrite");
        ok(plus(both, "--overwrite"));
        assertTrue(Files.exists(dyn.resolve("_SUCCESS")));
    }

    @Test
    void noise() throws Exception {
        Path out = tmp.resolve("noise-out");
        List<String> base = cli("noise", "--dynamics", dynamics.toString(), "--out", out.toString());
        ok(base);
        skipRefuseOverwrite("noise", out, base, plus(base, "--bins", "1024"), "bins", "512", "1024");
    }

    @Test
    void aChangedInputIsRefusedAndAnOutputWithoutRecordNeedsOverwrite() throws Exception {
        Path copy = tmp.resolve("samples-copy");
        OutputSnapshot.plantCopy(samples, copy);
        Path out = tmp.resolve("score-of-copy");
        ok(score(copy, out, "none"));
        OutputSnapshot made = OutputSnapshot.of(out);
        try (var files = Files.list(copy)) {
            Path part = files.filter(f -> f.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
            Files.setLastModifiedTime(part, FileTime.fromMillis(Files.getLastModifiedTime(part).toMillis() + 5_000));
        }
        CliRun refused = CliRun.of(argv(score(copy, out, "none")));
        Refusals.assertOneLine(refused, "output already exists but its input --samples", "changed since",
                "pass --overwrite");
        made.assertUntouched();

        Path byHand = Files.createDirectories(tmp.resolve("by-hand"));
        Files.writeString(byHand.resolve("notes.txt"), "not a coreset output");
        CliRun noRecord = CliRun.of(argv(score(byHand, "none")));
        Refusals.assertOneLine(noRecord, "output already exists and has no _coreset_stage.json", "pass --overwrite");
    }
}
