package dev.coreset.scoring.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.Trainer;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.scoring.TestData;
import dev.coreset.scoring.model.Checkpoints;
import dev.coreset.scoring.model.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-epoch accuracy: packed in batches, streamed, and counted by hand agree, and evaluations leak nothing. */
class EvaluationSetTest {
    static final ModelSpec SPEC = ProxyTrainerTest.SPEC;
    static final List<LabeledRow> ROWS = TestData.blobs(150, 31);

    /** An untrained model (about a third right), so the count is not all or nothing. */
    private static Model model() {
        return Checkpoints.newInitializedModel(SPEC, Device.cpu(), 4);
    }

    private static Trainer trainer(Model model) {
        Trainer t = model.newTrainer(ProxyTrainer.config(TrainOptions.defaults()));
        t.initialize(Checkpoints.batchShape(SPEC, 1));
        return t;
    }

    @Test
    void packedStreamedAndHandCountedAccuraciesAgree() {
        try (Model model = model(); Trainer trainer = trainer(model);
             EvaluationSet packed = EvaluationSet.of(trainer, SPEC, RowSource.of(ROWS), 1L << 20, 64);
             EvaluationSet streamed = EvaluationSet.of(trainer, SPEC, RowSource.of(ROWS), 0, 64);
             EvaluationSet oneBatch = EvaluationSet.of(trainer, SPEC, RowSource.of(ROWS))) {
            assertTrue(packed.packed());
            assertFalse(streamed.packed());
            double expected = handCounted(trainer);
            assertTrue(expected > 0.05 && expected < 0.95, "a count that can be wrong: " + expected);
            assertEquals(expected, packed.accuracy(trainer));
            assertEquals(expected, streamed.accuracy(trainer));
            assertEquals(expected, oneBatch.accuracy(trainer));
        }
    }

    @Test
    void evaluationsLeaveNoArraysBehind() {
        try (Model model = model(); Trainer trainer = trainer(model);
             EvaluationSet set = EvaluationSet.of(trainer, SPEC, RowSource.of(ROWS), 1L << 20, 64)) {
            assertEquals(6, set.heldArrays(), "features and labels of 3 batches (64, 64, 22 rows)");
            set.accuracy(trainer);
            int trainerArrays = trainer.getManager().getManagedArrays().size();
            for (int i = 0; i < 5; i++) {
                set.accuracy(trainer);
            }
            assertEquals(6, set.heldArrays());
            assertEquals(trainerArrays, trainer.getManager().getManagedArrays().size());
        }
    }

    @Test
    void noRowsNoSplitAndBadRows() {
        try (Model model = model(); Trainer trainer = trainer(model);
             EvaluationSet empty = EvaluationSet.of(trainer, SPEC, RowSource.of(List.of()))) {
            assertNull(empty.accuracy(trainer));
            assertNull(EvaluationSet.of(trainer, SPEC, null));
            List<LabeledRow> bad = new ArrayList<>(ROWS);
            bad.add(new LabeledRow(77, 5, new float[TestData.DIM]));
            CoresetInputException e = assertThrows(CoresetInputException.class,
                    () -> EvaluationSet.of(trainer, SPEC, RowSource.of(bad)));
            assertTrue(e.getMessage().contains("evaluation row id=77 has label 5"), e.getMessage());
        }
    }

    @Test
    void batchesHoldAboutAMillionFloats() {
        assertEquals(1024, EvaluationSet.batchRows(784));
        assertEquals(4096, EvaluationSet.batchRows(8));
        assertEquals(1, EvaluationSet.batchRows(3 << 20));
    }

    /** All rows in one forward pass, the argmax taken in Java. */
    private static double handCounted(Trainer trainer) {
        try (NDManager m = trainer.getManager().newSubManager()) {
            NDArray x = m.create(TestData.flat(ROWS), Checkpoints.batchShape(SPEC, ROWS.size()));
            float[] logits = trainer.evaluate(new NDList(x)).get(0).toFloatArray();
            int correct = 0;
            for (int i = 0; i < ROWS.size(); i++) {
                int best = 0;
                for (int k = 1; k < TestData.CLASSES; k++) {
                    if (logits[i * TestData.CLASSES + k] > logits[i * TestData.CLASSES + best]) {
                        best = k;
                    }
                }
                correct += best == ROWS.get(i).label() ? 1 : 0;
            }
            return (double) correct / ROWS.size();
        }
    }
}
