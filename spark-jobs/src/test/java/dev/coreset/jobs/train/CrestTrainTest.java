package dev.coreset.jobs.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.Fixtures;
import dev.coreset.scoring.train.ProxyTrainer;
import dev.coreset.scoring.train.crest.CrestSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `coreset train --crest` on the digits fixture (1,797 rows, 10 classes): learns, writes its counts, refuses misuse. */
class CrestTrainTest {
    @TempDir
    static Path tmp;
    private static Path samples;

    @BeforeAll
    static void ingest() throws Exception {
        samples = tmp.resolve("samples");
        CliRun run = CliRun.of("ingest", "--format", "csv", "--input", Fixtures.digitsCsv(tmp).toString(),
                "--label-column", "-1", "--test-fraction", "0.2", "--seed", "5", "--out", samples.toString());
        assertEquals(0, run.exitCode(), run.err());
    }

    @Test
    void crestTrainingOnDigitsReachesAnAccuracyFarAboveChance() throws Exception {
        Path out = tmp.resolve("crest");
        CliRun run = CliRun.of("train", "--samples", samples.toString(), "--crest", "--model", "mlp", "--hidden", "32",
                "--epochs", "3", "--batch-size", "32", "--lr", "0.01", "--seed", "1", "--crest-subset", "128",
                "--crest-coresets", "2", "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        TrainingRun info = TrainingRun.read(out);
        CrestSummary crest = info.crest();
        assertNotNull(crest, "training.json carries CREST's counts");
        assertEquals(32, crest.coresetSize());
        assertEquals(3 * crest.stepsPerEpoch() * 32, info.samplesSeen(), "3 epoch-equivalents of full coresets");
        assertEquals(crest.trainRows(), info.samplesSeen());
        assertTrue(crest.selections() >= 2 && crest.checks() >= 1, crest.toString());
        assertEquals(3, info.testAccuracy().size());
        // Seen: 0.836, 0.905, 0.955 after the three epoch-equivalents (seed 1); chance is 0.10.
        double acc = info.testAccuracy().get(2);
        assertTrue(acc > 0.75, "test accuracy " + acc + " (chance 0.10)");
        List<Integer> epochs = ProxyTrainer.readMetrics(out).epochs().stream().map(e -> e.epoch()).toList();
        assertEquals(List.of(0, 1, 2, 3), epochs);
        assertTrue(run.out().contains("CREST: " + crest.selections() + " selections"), run.out());
    }

    @Test
    void benchCrestRunsBothTrainingsAndPrintsTheComparison() {
        CliRun run = CliRun.of("bench", "crest", "--samples", samples.toString(), "--epochs", "1", "--hidden", "16",
                "--batch-size", "64", "--lr", "0.01", "--crest-subset", "128", "--crest-coresets", "2");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().lines().anyMatch(l -> l.startsWith("full ")), run.out());
        assertTrue(run.out().lines().anyMatch(l -> l.startsWith("crest ")), run.out());
        assertTrue(run.out().contains("target = full-data final test accuracy - 1 point"), run.out());
    }

    @Test
    void crestAndAManifestTogetherAreRefusedAndNothingIsWritten() throws Exception {
        Path manifest = tmp.resolve("not-read"); // refused before the manifest is opened
        Path out = tmp.resolve("both");
        CliRun run = CliRun.of("train", "--samples", samples.toString(), "--crest", "--manifest", manifest.toString(),
                "--epochs", "1", "--out", out.toString());
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.errorLine().contains("either --crest or --manifest"), run.errorLine());
        assertFalse(Files.exists(out));
    }

    @Test
    void aBadCrestSettingIsOneLineAndExitTwo() {
        CliRun run = CliRun.of("train", "--samples", samples.toString(), "--crest", "--crest-tau", "-1",
                "--epochs", "1", "--out", tmp.resolve("bad-tau").toString());
        assertEquals(2, run.exitCode(), run.err());
        assertEquals("error: --crest-tau must be >= 0, got -1.0.", run.errorLine());
        CliRun small = CliRun.of("train", "--samples", samples.toString(), "--crest", "--cache-mb", "0",
                "--epochs", "1", "--out", tmp.resolve("small-cache").toString());
        assertEquals(2, small.exitCode(), small.err());
        assertTrue(small.errorLine().contains("raise --cache-mb"), small.errorLine());
        assertFalse(Files.exists(tmp.resolve("small-cache")));
    }
}
