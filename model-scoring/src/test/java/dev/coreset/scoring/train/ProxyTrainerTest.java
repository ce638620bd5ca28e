package dev.coreset.scoring.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.scoring.Engines;
import dev.coreset.scoring.TestData;
import dev.coreset.scoring.model.BodyHeadBlock;
import dev.coreset.scoring.model.CheckpointInfo;
import dev.coreset.scoring.model.Checkpoints;
import dev.coreset.scoring.model.ModelSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProxyTrainerTest {
    static final ModelSpec SPEC = ModelSpec.mlp(TestData.DIM, TestData.CLASSES, List.of(16, 8));
    static final TrainOptions OPTS = TrainOptions.defaults().withEpochs(2).withBatchSize(32).withLearningRate(0.02f)
            .withSeed(7).withShuffleBuffer(100);

    @TempDir
    Path tmp;

    @Test
    void writesCheckpointsMetricsAndLearns() throws Exception {
        RowSource train = RowSource.of(TestData.blobs(300, 1));
        RowSource val = RowSource.of(TestData.blobs(150, 2));
        RowSource test = RowSource.of(TestData.blobs(150, 3));
        TrainingResult res = ProxyTrainer.train(SPEC, train, val, test, OPTS, tmp.resolve("run"));

        assertEquals(List.of("epoch-000", "epoch-001", "epoch-002"),
                res.checkpoints().stream().map(p -> p.getFileName().toString()).toList());
        for (Path cp : res.checkpoints()) {
            assertTrue(Files.isRegularFile(cp.resolve("checkpoint.json")), cp + " has checkpoint.json");
            assertTrue(Files.isRegularFile(cp.resolve("model-0000.params")), cp + " has parameters");
            CheckpointInfo info = Checkpoints.readInfo(cp);
            assertEquals(SPEC, info.spec());
            assertEquals(Checkpoints.epochOf(cp), info.epoch());
            assertEquals(TestData.CLASSES, info.numClasses());
            assertEquals(List.of(TestData.DIM), info.inputShape());
        }
        assertEquals(res.checkpoints(), Checkpoints.list(tmp.resolve("run")));

        ProxyTrainer.MetricsFile metrics = ProxyTrainer.readMetrics(tmp.resolve("run"));
        assertEquals(3, metrics.epochs().size());
        assertNull(metrics.epochs().get(0).trainLoss());
        EpochMetrics last = metrics.epochs().get(2);
        assertEquals(2, last.epoch());
        assertEquals(300, last.trainRows());
        assertEquals(List.of(0L, 10L, 20L), metrics.epochs().stream().map(EpochMetrics::steps).toList(),
                "cumulative Adam steps: ceil(300 / 32) per epoch");
        assertTrue(last.trainLoss() < metrics.epochs().get(1).trainLoss() || last.trainLoss() < 0.3,
                "loss falls: " + metrics.epochs());
        // chance is 1/3; blobs are easy
        assertTrue(last.valAccuracy() > 0.9, "val accuracy " + last.valAccuracy());
        assertTrue(last.testAccuracy() > 0.9, "test accuracy " + last.testAccuracy());
        assertTrue(metrics.epochs().get(0).valAccuracy() < last.valAccuracy());
    }

    @Test
    void sameSeedGivesIdenticalParameters() throws Exception {
        RowSource train = RowSource.of(TestData.blobs(200, 4));
        TrainOptions o = OPTS.withSaveInitial(false);
        TrainingResult a = ProxyTrainer.train(SPEC, train, null, null, o, tmp.resolve("a"));
        TrainingResult b = ProxyTrainer.train(SPEC, train, null, null, o, tmp.resolve("b"));
        TrainingResult c = ProxyTrainer.train(SPEC, train, null, null, o.withSeed(8), tmp.resolve("c"));
        assertEquals(2, a.checkpoints().size());
        for (int i = 0; i < a.checkpoints().size(); i++) {
            assertArrayEquals(Files.readAllBytes(a.checkpoints().get(i).resolve("model-0000.params")),
                    Files.readAllBytes(b.checkpoints().get(i).resolve("model-0000.params")));
            assertEquals(a.metrics().get(i).trainLoss(), b.metrics().get(i).trainLoss());
        }
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(a.lastCheckpoint().resolve("model-0000.params")),
                Files.readAllBytes(c.lastCheckpoint().resolve("model-0000.params"))), "another seed differs");
    }

    @Test
    void weightTwoEqualsDuplicatedRow() {
        Engines.pytorch();
        List<dev.coreset.scoring.train.LabeledRow> rows = TestData.blobs(4, 5);
        // batch A: row 0 with weight 2; batch B: row 0 twice with weight 1
        float[] xa = TestData.flat(rows);
        int[] ya = TestData.labels(rows);
        float[] wa = {2f, 1f, 1f, 1f};
        List<dev.coreset.scoring.train.LabeledRow> dup = new ArrayList<>(rows);
        dup.add(0, rows.get(0));
        float[] xb = TestData.flat(dup);
        int[] yb = TestData.labels(dup);
        float[] wb = {1f, 1f, 1f, 1f, 1f};
        float[][] a = lossAndHeadGrad(xa, ya, wa);
        float[][] b = lossAndHeadGrad(xb, yb, wb);
        assertEquals(a[0][0], b[0][0], 1e-6);
        assertArrayEquals(a[1], b[1], 1e-6f);
        // and differs from the unweighted batch
        float[][] plain = lossAndHeadGrad(xa, ya, new float[] {1f, 1f, 1f, 1f});
        assertTrue(Math.abs(plain[0][0] - a[0][0]) > 1e-6);
    }

    /** {loss}, d loss / d W_head for a seeded model. */
    static float[][] lossAndHeadGrad(float[] x, int[] y, float[] w) {
        try (Model model = Checkpoints.newInitializedModel(SPEC, Device.cpu(), 3);
             NDManager m = model.getNDManager().newSubManager()) {
            BodyHeadBlock block = (BodyHeadBlock) model.getBlock();
            for (Parameter p : block.getParameters().values()) {
                p.getArray().setRequiresGradient(true);
            }
            NDArray xs = m.create(x, Checkpoints.batchShape(SPEC, y.length));
            float loss;
            try (GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                NDArray logits = block.forward(new ParameterStore(m, false), new NDList(xs), true).get(0);
                NDArray l = ProxyTrainer.weightedLoss(logits, m.create(y), m.create(w));
                gc.backward(l);
                loss = l.getFloat();
            }
            float[] g = block.head().getParameters().get("weight").getArray().getGradient().toFloatArray();
            return new float[][] {{loss}, g};
        }
    }

    @Test
    void badTrainingRowsGiveClearErrors() {
        List<LabeledRow> rows = new ArrayList<>(TestData.blobs(10, 6));
        rows.add(new LabeledRow(99, 3, new float[TestData.DIM]));
        CoresetInputException e = assertThrows(CoresetInputException.class,
                () -> ProxyTrainer.train(SPEC, RowSource.of(rows), null, null, OPTS.withEpochs(1), tmp.resolve("x")));
        assertTrue(e.getMessage().contains("row id=99 has label 3 but the model has 3 classes"), e.getMessage());

        List<LabeledRow> rows2 = List.of(new LabeledRow(5, 0, new float[TestData.DIM - 1]));
        e = assertThrows(CoresetInputException.class,
                () -> ProxyTrainer.train(SPEC, RowSource.of(rows2), null, null, OPTS.withEpochs(1), tmp.resolve("y")));
        assertTrue(e.getMessage().contains("row id=5 has 7 features but the model expects 8"), e.getMessage());
    }

    @Test
    void aDivergingRunStopsWithOneLineInsteadOfTrainingOnNaN() {
        // Adam moves every weight by about the learning rate per step, so 1e30 overflows the logits at once.
        RowSource train = RowSource.of(TestData.blobs(300, 1));
        CoresetInputException e = assertThrows(CoresetInputException.class, () -> ProxyTrainer.train(SPEC, train,
                null, null, OPTS.withLearningRate(1e30f), tmp.resolve("diverged")));
        assertTrue(e.getMessage().startsWith("training diverged: the loss at step 2 (epoch 1) is NaN"), e.getMessage());
        assertTrue(e.getMessage().contains("learning rate 1.0E30, batch size 32); train with a lower --lr"),
                e.getMessage());
        assertFalse(Files.exists(tmp.resolve("diverged").resolve("epoch-001")), "no checkpoint of NaN weights");
    }

    @Test
    void trainsTheCnnToo() {
        ModelSpec cnn = ModelSpec.cnn(1, 8, 8, 2, List.of(4, 4), List.of(8));
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        List<LabeledRow> rows = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            int y = i % 2;
            float[] img = new float[64];
            for (int j = 0; j < 64; j++) {
                // class 1: bright left half
                img[j] = (float) (r.nextDouble() * 0.3 + ((y == 1 && j % 8 < 4) ? 0.7 : 0));
            }
            rows.add(new LabeledRow(i, y, img));
        }
        TrainingResult res = ProxyTrainer.train(cnn, RowSource.of(rows), RowSource.of(rows), null,
                OPTS.withEpochs(3).withBatchSize(16).withSaveInitial(false), tmp.resolve("cnn"));
        assertEquals(3, res.checkpoints().size());
        assertEquals(cnn, Checkpoints.readInfo(res.lastCheckpoint()).spec());
        assertTrue(res.metrics().get(2).valAccuracy() > 0.9, res.metrics().toString());
    }

    @Test
    void shuffleBufferIsSeededAndKeepsEveryRow() {
        List<Integer> in = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            in.add(i);
        }
        List<Integer> a = new ArrayList<>();
        new ShuffleBuffer<>(in.iterator(), 16, 1).forEachRemaining(a::add);
        List<Integer> b = new ArrayList<>();
        new ShuffleBuffer<>(in.iterator(), 16, 1).forEachRemaining(b::add);
        List<Integer> c = new ArrayList<>();
        new ShuffleBuffer<>(in.iterator(), 16, 2).forEachRemaining(c::add);
        assertEquals(a, b);
        assertFalse(a.equals(c));
        assertFalse(a.equals(in));
        assertEquals(in, a.stream().sorted().toList());
    }

    @Test
    void specRoundTripsThroughJson() throws Exception {
        ModelSpec cnn = ModelSpec.cnn(1, 28, 28, 10);
        String json = Checkpoints.JSON.writeValueAsString(cnn);
        assertEquals(cnn, ModelSpec.fromJson(json));
        assertEquals(cnn, ModelSpec.fromJson(cnn.toJson()));
        assertEquals(List.of(16, 32), cnn.convChannels());
        assertEquals(128, cnn.embeddingDim());
        assertEquals(List.of(256, 128), ModelSpec.mlp(784, 10).hidden());
        assertEquals(784, cnn.inputLength());
        CoresetInputException e = assertThrows(CoresetInputException.class,
                () -> ModelSpec.fromJson("{\"architecture\":\"rnn\",\"inputShape\":[4],\"numClasses\":2}"));
        assertTrue(String.valueOf(e.getMessage()).contains("unknown architecture 'rnn'"));
    }
}
