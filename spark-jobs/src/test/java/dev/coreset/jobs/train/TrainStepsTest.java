package dev.coreset.jobs.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.OutputSnapshot;
import dev.coreset.jobs.PipelineFixture;
import dev.coreset.jobs.Refusals;
import dev.coreset.schemas.ManifestReader;
import dev.coreset.scoring.train.EpochMetrics;
import dev.coreset.scoring.train.ProxyTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `coreset train --steps N` and `--checkpoints last` on the digits fixture (its random 10% manifest and its whole
 * train split): exactly N steps, accuracy at the final step, a short table, refusals, resume, same seed same bits.
 */
class TrainStepsTest {
    @TempDir
    Path tmp;

    private final PipelineFixture fixture = PipelineFixture.get();

    private List<String> train(Path out, String... extra) {
        return train(out, 32, extra);
    }

    private List<String> train(Path out, int batch, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--samples", fixture.samples.toString(), "--hidden", "16",
                "--batch-size", String.valueOf(batch), "--lr", "0.01", "--seed", "2", "--out", out.toString()));
        a.addAll(List.of(extra));
        return a;
    }

    private static CliRun ok(List<String> args) {
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), String.join(" ", args) + "\n" + r.err());
        return r;
    }

    private int manifestRows() {
        int[] rows = {0};
        ManifestReader.open(fixture.manifest.toString()).forEach((id, label, w) -> rows[0]++);
        return rows[0];
    }

    @Test
    void stepsOnAManifestTrainExactlyNStepsAndEvaluateAtTheLastOne() {
        int rows = manifestRows();
        int perEpoch = (rows + 31) / 32;
        long n = 3L * perEpoch + 2; // ends two batches into the fourth pass
        Path out = tmp.resolve("steps");
        CliRun run = ok(train(out, "--manifest", fixture.manifest.toString(), "--steps", String.valueOf(n)));

        List<EpochMetrics> epochs = ProxyTrainer.readMetrics(out).epochs();
        assertEquals(n, epochs.get(epochs.size() - 1).steps());
        assertEquals(4, epochs.size(), "ceil(N / ceil(rows / batch)) epochs, no epoch 0 on a manifest");
        TrainingRun info = TrainingRun.read(out);
        assertEquals(List.of((long) perEpoch, 2L * perEpoch, 3L * perEpoch, n), info.steps());
        assertEquals(3L * rows + 2 * 32, info.samplesSeen(), "three passes and two full batches");
        assertEquals(rows, info.rowsPerEpoch());
        assertEquals(4, info.valAccuracy().size());
        info.valAccuracy().forEach(a -> assertNotNull(a, "val accuracy at every entry: " + info.valAccuracy()));
        assertEquals(4, info.epochSeconds().size());
        assertTrue(run.out().contains(": " + n + " steps in 4 epochs (" + info.samplesSeen() + " samples seen)"), run.out());
        assertTrue(run.out().lines().anyMatch(l -> l.matches("epoch\\s+steps\\s+train loss.*")), run.out());
        assertTrue(run.out().lines().anyMatch(l -> l.matches("4\\s+" + n + "\\s+.*")), run.out());
    }

    @Test
    void lastKeepsOneCheckpointThatScoreReads() {
        Path out = tmp.resolve("last");
        ok(train(out, "--steps", "60", "--checkpoints", "last"));
        List<EpochMetrics> epochs = ProxyTrainer.readMetrics(out).epochs();
        EpochMetrics last = epochs.get(epochs.size() - 1);
        assertEquals(60, last.steps());
        assertTrue(last.epoch() >= 2, "60 steps of 32 rows are more than one pass: " + epochs);
        assertEquals(List.of("epoch-000", String.format("epoch-%03d", last.epoch())), checkpointFolders(out));
        assertEquals(String.format("epoch-%03d", last.epoch()), last.checkpoint());
        assertNull(epochs.get(1).checkpoint());
        CliRun score = ok(List.of("score", "--samples", fixture.samples.toString(), "--checkpoints", out.toString(),
                "--out", tmp.resolve("scores").toString(), "--no-progress"));
        assertTrue(score.out().contains("(2 checkpoints"), score.out());
    }

    @Test
    void aRunOfManyEpochsPrintsAShortTable() {
        Path out = tmp.resolve("many");
        CliRun run = ok(train(out, 64, "--manifest", fixture.manifest.toString(), "--steps", "100",
                "--checkpoints", "last"));
        List<EpochMetrics> epochs = ProxyTrainer.readMetrics(out).epochs();
        assertTrue(epochs.size() > 20, "many short epochs: " + epochs.size());
        List<String> tableRows = run.out().lines().filter(l -> l.matches("\\d+\\s+\\d+\\s+.*")).toList();
        assertEquals(12, tableRows.size(), run.out());
        assertTrue(tableRows.get(0).startsWith("1 "), run.out());
        assertTrue(tableRows.get(11).matches(epochs.size() + "\\s+100\\s+.*"), run.out());
        assertTrue(run.out().contains("(12 of " + epochs.size() + " rows shown; metrics.json holds every epoch)"), run.out());
        assertEquals(List.of("epoch-" + String.format("%03d", epochs.size())), checkpointFolders(out));
    }

    @Test
    void theSameSeedGivesTheSameBitsTwice() throws Exception {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        ok(train(a, "--manifest", fixture.manifest.toString(), "--steps", "17"));
        ok(train(b, "--manifest", fixture.manifest.toString(), "--steps", "17"));
        for (String cp : checkpointFolders(a)) {
            assertArrayEquals(Files.readAllBytes(a.resolve(cp).resolve("model-0000.params")),
                    Files.readAllBytes(b.resolve(cp).resolve("model-0000.params")), cp);
        }
        TrainingRun ra = TrainingRun.read(a);
        TrainingRun rb = TrainingRun.read(b);
        assertEquals(ra.valAccuracy(), rb.valAccuracy());
        assertEquals(ra.steps(), rb.steps());
        assertEquals(ProxyTrainer.readMetrics(a).epochs().stream().map(EpochMetrics::trainLoss).toList(),
                ProxyTrainer.readMetrics(b).epochs().stream().map(EpochMetrics::trainLoss).toList());
    }

    @Test
    void badBudgetsAreRefusedInOneLineAndNothingIsWritten() {
        Refusals.assertRefused(tmp.resolve("both"), fixture.run, train(tmp.resolve("both"), "--steps", "10",
                "--epochs", "2"), "--steps 10 and --epochs 2", "give only one of them");
        Refusals.assertRefused(tmp.resolve("zero"), fixture.run, train(tmp.resolve("zero"), "--steps", "0"),
                "--steps 0 must be >= 1");
        Refusals.assertRefused(tmp.resolve("crest"), fixture.run, train(tmp.resolve("crest"), "--crest", "--steps", "10"),
                "--steps 10 does not apply to --crest", "epoch-equivalents", "give --epochs instead");
        Refusals.assertRefused(tmp.resolve("policy"), fixture.run, train(tmp.resolve("policy"), "--checkpoints", "best"),
                "--checkpoints best is unknown; use every-epoch or last.");
    }

    @Test
    void aChangedBudgetIsNotCurrent() throws Exception {
        Path out = tmp.resolve("resume");
        List<String> ten = train(out, "--manifest", fixture.manifest.toString(), "--steps", "10");
        ok(ten);
        OutputSnapshot made = OutputSnapshot.of(out);
        assertTrue(ok(ten).out().contains("train: skipped: "), "the same --steps is current");
        made.assertUntouched();

        CliRun twelve = CliRun.of(train(out, "--manifest", fixture.manifest.toString(), "--steps", "12")
                .toArray(String[]::new));
        Refusals.assertOneLine(twelve, "was made with --steps 10, this run has --steps 12", "pass --overwrite");
        CliRun epochs = CliRun.of(train(out, "--manifest", fixture.manifest.toString(), "--epochs", "2")
                .toArray(String[]::new));
        Refusals.assertOneLine(epochs, "was made with --epochs (not set), this run has --epochs 2");
        CliRun last = CliRun.of(train(out, "--manifest", fixture.manifest.toString(), "--steps", "10",
                "--checkpoints", "last").toArray(String[]::new));
        Refusals.assertOneLine(last, "was made with --checkpoints every-epoch, this run has --checkpoints last");
        made.assertUntouched();

        List<String> twelveOverwrite = train(out, "--manifest", fixture.manifest.toString(), "--steps", "12",
                "--overwrite");
        assertFalse(ok(twelveOverwrite).out().contains("skipped"));
        List<EpochMetrics> m = ProxyTrainer.readMetrics(out).epochs();
        assertEquals(12, m.get(m.size() - 1).steps());
    }

    private static List<String> checkpointFolders(Path run) {
        try (Stream<Path> s = Files.list(run)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("epoch-\\d+")).sorted().toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
