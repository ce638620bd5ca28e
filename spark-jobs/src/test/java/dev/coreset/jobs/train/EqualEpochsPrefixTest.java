package dev.coreset.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.PipelineFixture;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the demo's equal-epochs figures rest on: a coreset trained for many steps has, at the end of epoch E, exactly
 * the model (and so the accuracy) of a separate E-epoch run with the same seed and recipe, because the learning
 * rate is fixed and each epoch's shuffle depends only on the seed and the epoch. So the demo trains each coreset once,
 * for the full run's steps, and reads its equal-epochs accuracy at epoch E.
 */
class EqualEpochsPrefixTest {
    @TempDir
    Path tmp;

    private final PipelineFixture fixture = PipelineFixture.get();

    private TrainingRun train(Path out, String... budget) {
        List<String> a = new java.util.ArrayList<>(List.of("train", "--samples", fixture.samples.toString(), "--manifest",
                fixture.manifest.toString(), "--hidden", "16", "--batch-size", "16", "--lr", "0.01", "--seed", "3",
                "--checkpoints", "last", "--out", out.toString()));
        a.addAll(List.of(budget));
        CliRun r = CliRun.of(a.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
        return TrainingRun.read(out);
    }

    @Test
    void theFirstEpochsOfALongRunAreTheShortRun() {
        TrainingRun shortRun = train(tmp.resolve("e3"), "--epochs", "3");
        long perEpoch = shortRun.steps().get(0);
        TrainingRun longRun = train(tmp.resolve("long"), "--steps", String.valueOf(7 * perEpoch + 1));
        assertEquals(8, longRun.testAccuracy().size());
        assertEquals(shortRun.steps(), longRun.steps().subList(0, 3));
        assertEquals(shortRun.testAccuracy(), longRun.testAccuracy().subList(0, 3), "test accuracy, epoch by epoch");
        assertEquals(shortRun.valAccuracy(), longRun.valAccuracy().subList(0, 3));
    }
}
