package dev.coreset.scoring.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.training.Trainer;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.scoring.TestData;
import dev.coreset.scoring.model.Checkpoints;
import dev.coreset.scoring.model.ModelSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Step budgets ({@link TrainOptions#withSteps}) and {@link CheckpointPolicy#LAST} on 300 blob rows in batches of
 * 32: 10 steps per epoch (nine of 32 rows, one of 12).
 */
class StepBudgetTest {
    static final ModelSpec SPEC = ProxyTrainerTest.SPEC;
    static final List<LabeledRow> ROWS = TestData.blobs(300, 21);
    static final RowSource TRAIN = RowSource.of(ROWS);
    static final RowSource VAL = RowSource.of(TestData.blobs(150, 22));
    static final RowSource TEST = RowSource.of(TestData.blobs(120, 23));
    static final TrainOptions OPTS = TrainOptions.defaults().withBatchSize(32).withLearningRate(0.02f).withSeed(9)
            .withShuffleBuffer(100);
    static final int STEPS_PER_EPOCH = 10;
    static final float SLOW_LR = 0.003f;

    @TempDir
    Path tmp;

    private TrainingResult train(TrainOptions o, String dir) {
        return ProxyTrainer.train(SPEC, TRAIN, VAL, TEST, o, tmp.resolve(dir));
    }

    private static List<String> names(List<Path> dirs) {
        return dirs.stream().map(p -> p.getFileName().toString()).toList();
    }

    @Test
    void aStepBudgetTrainsExactlyThatManyStepsAndStopsMidEpoch() {
        TrainingResult r = train(OPTS.withSteps(25), "steps-25");
        List<EpochMetrics> m = r.metrics();
        assertEquals(List.of(0, 1, 2, 3), m.stream().map(EpochMetrics::epoch).toList());
        assertEquals(List.of(0L, 10L, 20L, 25L), m.stream().map(EpochMetrics::steps).toList());
        assertEquals((25 + STEPS_PER_EPOCH - 1) / STEPS_PER_EPOCH, m.get(m.size() - 1).epoch(), "ceil(N / steps per epoch)");
        // two full passes, then 5 full batches of the third
        assertEquals(List.of(0L, 300L, 300L, 160L), m.stream().map(EpochMetrics::trainRows).toList());
        for (EpochMetrics e : m) {
            assertNotNull(e.valAccuracy(), "val accuracy at step " + e.steps());
            assertNotNull(e.testAccuracy(), "test accuracy at step " + e.steps());
        }
        assertEquals(List.of("epoch-000", "epoch-001", "epoch-002", "epoch-003"), names(r.checkpoints()));

        ProxyTrainer.MetricsFile file = ProxyTrainer.readMetrics(tmp.resolve("steps-25"));
        assertEquals(25L, file.plannedSteps());
        assertNull(file.plannedEpochs());
        assertEquals("every-epoch", file.checkpoints());
        assertEquals(m, file.epochs());
    }

    @Test
    void theMidEpochEntryIsMeasuredAtTheFinalStep() throws Exception {
        // A small learning rate: the model is still learning at step 25, so each step moves the accuracies.
        TrainOptions slow = OPTS.withLearningRate(SLOW_LR);
        TrainingResult cut = train(slow.withSteps(25), "cut");
        TrainingResult full = train(slow.withEpochs(3), "full");
        // Same seed, same shuffles: the first two epochs are the same run.
        for (int i = 0; i <= 2; i++) {
            assertEquals(full.metrics().get(i).trainLoss(), cut.metrics().get(i).trainLoss());
            assertEquals(full.metrics().get(i).valAccuracy(), cut.metrics().get(i).valAccuracy());
            assertEquals(full.metrics().get(i).steps(), cut.metrics().get(i).steps());
        }
        assertEquals(30L, full.metrics().get(3).steps());
        assertFalse(java.util.Arrays.equals(params(cut.lastCheckpoint()), params(full.lastCheckpoint())),
                "the step-25 model is not the end of the third pass");
        // The last entry's accuracies are those of the model after step 25, the one in epoch-003.
        EpochMetrics last = cut.metrics().get(3);
        assertNotEquals(cut.metrics().get(2).valAccuracy(), last.valAccuracy(), "step 25 is not step 20");
        assertNotEquals(full.metrics().get(3).valAccuracy(), last.valAccuracy(), "step 25 is not step 30");
        assertEquals(last.valAccuracy(), accuracyOf(cut.lastCheckpoint(), VAL));
        assertEquals(last.testAccuracy(), accuracyOf(cut.lastCheckpoint(), TEST));
        assertNotEquals(last.trainLoss(), full.metrics().get(3).trainLoss());
    }

    @Test
    void aBudgetEndingWithAPassStartsNoFurtherEpoch() {
        TrainingResult r = train(OPTS.withSteps(20).withSaveInitial(false), "steps-20");
        assertEquals(List.of(10L, 20L), r.metrics().stream().map(EpochMetrics::steps).toList());
        assertEquals(List.of(300L, 300L), r.metrics().stream().map(EpochMetrics::trainRows).toList());
        assertEquals(List.of("epoch-001", "epoch-002"), names(r.checkpoints()));
    }

    @Test
    void aBudgetShorterThanOnePassIsOnePartialEpoch() {
        TrainingResult r = train(OPTS.withSteps(3).withSaveInitial(false), "steps-3");
        assertEquals(1, r.metrics().size());
        assertEquals(3L, r.metrics().get(0).steps());
        assertEquals(96L, r.metrics().get(0).trainRows());
    }

    @Test
    void lastKeepsOnlyTheFinalCheckpointAndTheInitialisation() throws Exception {
        TrainingResult every = train(OPTS.withSteps(25), "every");
        TrainingResult last = train(OPTS.withSteps(25).withCheckpoints(CheckpointPolicy.LAST), "last");
        assertEquals(List.of("epoch-000", "epoch-003"), names(last.checkpoints()));
        assertEquals(last.checkpoints(), Checkpoints.list(tmp.resolve("last")));
        assertEquals(tmp.resolve("last").resolve("epoch-003"), last.lastCheckpoint());
        assertEquals(java.util.Arrays.asList("epoch-000", null, null, "epoch-003"),
                last.metrics().stream().map(EpochMetrics::checkpoint).toList());
        assertEquals("last", ProxyTrainer.readMetrics(tmp.resolve("last")).checkpoints());
        // Keeping fewer folders changes nothing else.
        assertArrayEquals(params(every.lastCheckpoint()), params(last.lastCheckpoint()));
        assertEquals(every.metrics().stream().map(EpochMetrics::valAccuracy).toList(),
                last.metrics().stream().map(EpochMetrics::valAccuracy).toList());

        TrainingResult epochs = train(OPTS.withEpochs(3).withSaveInitial(false).withCheckpoints(CheckpointPolicy.LAST),
                "last-epochs");
        assertEquals(List.of("epoch-003"), names(epochs.checkpoints()));
        assertEquals(List.of("epoch-003"), names(Checkpoints.list(tmp.resolve("last-epochs"))));
    }

    @Test
    void theSameSeedGivesTheSameStepsTwice() throws Exception {
        TrainOptions o = OPTS.withSteps(25).withCheckpoints(CheckpointPolicy.LAST);
        TrainingResult a = train(o, "a");
        TrainingResult b = train(o, "b");
        TrainingResult c = train(o.withSeed(10), "c");
        assertArrayEquals(params(a.lastCheckpoint()), params(b.lastCheckpoint()));
        assertEquals(withoutSeconds(a.metrics()), withoutSeconds(b.metrics()));
        assertFalse(java.util.Arrays.equals(params(a.lastCheckpoint()), params(c.lastCheckpoint())), "another seed differs");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aBudgetThatNoStepCanReachIsRefused() {
        List<LabeledRow> zero = ROWS.stream().map(r -> new LabeledRow(r.id(), r.label(), r.features(), 0f)).toList();
        CoresetInputException e = assertThrows(CoresetInputException.class, () -> ProxyTrainer.train(SPEC,
                RowSource.of(zero), null, null, OPTS.withSteps(25), tmp.resolve("zero")));
        assertTrue(e.getMessage().contains("--steps 25 can never be reached"), e.getMessage());
    }

    @Test
    void optionsHoldEitherEpochsOrSteps() {
        TrainOptions steps = OPTS.withSteps(7);
        assertTrue(steps.hasStepBudget());
        assertEquals(0, steps.epochs());
        TrainOptions epochs = steps.withEpochs(4);
        assertFalse(epochs.hasStepBudget());
        assertEquals(4, epochs.epochs());
        assertEquals(0, epochs.steps());
        assertThrows(IllegalArgumentException.class, () -> OPTS.withSteps(0));
        assertThrows(IllegalArgumentException.class, () -> new TrainOptions(3, 32, 0.1f, 0, 0, true, true, null, 5, null));
        TrainOptions old = new TrainOptions(3, 32, 0.1f, 0, 0, true, true, null);
        assertEquals(0, old.steps());
        assertEquals(CheckpointPolicy.EVERY_EPOCH, old.checkpoints());
        assertEquals(Device.cpu(), old.device());
        assertEquals(CheckpointPolicy.LAST, CheckpointPolicy.parse(" Last "));
        assertEquals(CheckpointPolicy.EVERY_EPOCH, CheckpointPolicy.parse("every-epoch"));
        CoresetInputException e = assertThrows(CoresetInputException.class, () -> CheckpointPolicy.parse("best"));
        assertEquals("--checkpoints best is unknown; use every-epoch or last.", e.getMessage());
    }

    private static byte[] params(Path checkpoint) throws Exception {
        return Files.readAllBytes(checkpoint.resolve("model-0000.params"));
    }

    private static List<EpochMetrics> withoutSeconds(List<EpochMetrics> m) {
        return m.stream().map(e -> new EpochMetrics(e.epoch(), e.steps(), e.trainLoss(), e.trainRows(), e.valAccuracy(),
                e.testAccuracy(), 0, e.checkpoint())).toList();
    }

    /** Accuracy of a saved checkpoint, computed apart from the trainer that wrote it. */
    private static Double accuracyOf(Path checkpoint, RowSource rows) {
        try (Model model = Checkpoints.load(checkpoint, Device.cpu());
             Trainer trainer = model.newTrainer(ProxyTrainer.config(OPTS));
             EvaluationSet set = EvaluationSet.of(trainer, SPEC, rows)) {
            return set.accuracy(trainer);
        }
    }
}
