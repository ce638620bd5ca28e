package dev.coreset.scoring.train.crest;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.coreset.scoring.EmbeddingKind;
import dev.coreset.scoring.TestData;
import dev.coreset.scoring.model.BodyHeadBlock;
import dev.coreset.scoring.model.Checkpoints;
import dev.coreset.scoring.model.ModelSpec;
import dev.coreset.scoring.train.LabeledRow;
import dev.coreset.scoring.train.RowSource;
import dev.coreset.scoring.train.TrainOptions;
import dev.coreset.selection.function.FacilityLocation;
import dev.coreset.selection.function.Similarity;
import dev.coreset.selection.kernel.PointSet;
import dev.coreset.selection.optimize.NaiveGreedy;
import dev.coreset.selection.optimize.SelectionResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CREST on small Gaussian blobs: the real DJL engine, the real selection library, a few hundred rows. */
class CrestTrainerTest {
    static final ModelSpec SPEC = ModelSpec.mlp(TestData.DIM, TestData.CLASSES, List.of(16, 8));
    static final List<LabeledRow> ROWS = TestData.blobs(300, 11);
    static final TrainOptions RECIPE = TrainOptions.defaults().withEpochs(2).withBatchSize(16).withLearningRate(0.01f)
            .withSeed(5).withSaveInitial(false);
    static final CrestOptions CREST = CrestOptions.defaults().withSubsetSize(64).withCoresets(2).withCheckEvery(2)
            .withEmbedding(EmbeddingKind.LAST_LAYER_GRAD, 0);
    static final long STEPS = (300 + 15) / 16; // one epoch-equivalent

    @TempDir
    Path tmp;

    private CrestResult run(CrestOptions crest, TrainOptions recipe, String dir, CrestObserver observer) {
        return CrestTrainer.train(SPEC, RowSource.of(ROWS), RowSource.of(TestData.blobs(150, 12)), null, recipe, crest,
                1L << 30, tmp.resolve(dir), observer);
    }

    @Test
    void eachCoresetIsGreedyFacilityLocationOnItsSubsetsLastLayerGradients() {
        Map<Long, LabeledRow> byId = new HashMap<>();
        ROWS.forEach(r -> byId.put(r.id(), r));
        int[] compared = {0};
        CrestObserver observer = new CrestObserver() {
            @Override
            public void selected(long step, List<long[]> subsets, float[] losses, List<Coreset> coresets, long[] dropped,
                                 Model model) {
                // One forward pass over all subsets, like the trainer (matrix kernels may round differently for
                // another batch size), then each subset's gradients on their own.
                long[] all = subsets.stream().flatMapToLong(Arrays::stream).toArray();
                float[] allGradients = lastLayerGradients(model, all, byId);
                int dim = allGradients.length / all.length;
                for (int p = 0, offset = 0; p < subsets.size(); offset += subsets.get(p).length, p++) {
                    long[] ids = subsets.get(p);
                    float[] g = Arrays.copyOfRange(allGradients, offset * dim, (offset + ids.length) * dim);
                    SelectionResult greedy = new NaiveGreedy().maximize(
                            new FacilityLocation(PointSet.of(g, ids.length, dim), Similarity.euclidean()), 16);
                    long[] expected = Arrays.stream(greedy.indices()).mapToLong(i -> ids[i]).toArray();
                    assertArrayEquals(expected, coresets.get(p).ids(), "step " + step + " subset " + p);
                    assertArrayEquals(craigWeights(g, ids.length, dim, greedy.indices()), coresets.get(p).weights(),
                            "CRAIG weights at step " + step);
                    compared[0]++;
                }
            }
        };
        CrestResult r = run(CREST.withTau(0.05), RECIPE.withEpochs(1), "greedy", observer);
        assertTrue(compared[0] >= 2 && compared[0] == 2 * r.summary().selections(), "compared " + compared[0]);
    }

    /** (softmax(z) - onehot(y)) outer h, then the bias part, from the model's own forward pass (not BatchScorer). */
    static float[] lastLayerGradients(Model model, long[] ids, Map<Long, LabeledRow> byId) {
        BodyHeadBlock block = (BodyHeadBlock) model.getBlock();
        float[] w = block.head().getParameters().get("weight").getArray().toFloatArray();
        float[] b = block.head().getParameters().get("bias").getArray().toFloatArray();
        int c = TestData.CLASSES;
        int hd = SPEC.embeddingDim();
        float[] x = new float[ids.length * TestData.DIM];
        for (int i = 0; i < ids.length; i++) {
            System.arraycopy(byId.get(ids[i]).features(), 0, x, i * TestData.DIM, TestData.DIM);
        }
        float[] h;
        try (NDManager m = model.getNDManager().newSubManager()) {
            NDArray xs = m.create(x, Checkpoints.batchShape(SPEC, ids.length));
            h = block.forward(new ParameterStore(m, false), new NDList(xs), false).get(1).toFloatArray();
        }
        int dim = c * hd + c;
        float[] out = new float[ids.length * dim];
        for (int i = 0; i < ids.length; i++) {
            double[] z = new double[c];
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < c; k++) {
                double s = b[k];
                for (int j = 0; j < hd; j++) {
                    s += (double) w[k * hd + j] * h[i * hd + j];
                }
                z[k] = (float) s;
                max = Math.max(max, z[k]);
            }
            double sum = 0;
            for (int k = 0; k < c; k++) {
                sum += Math.exp(z[k] - max);
            }
            int y = byId.get(ids[i]).label();
            double logZ = max + Math.log(sum);
            for (int k = 0; k < c; k++) {
                double e = Math.exp(z[k] - logZ) - (k == y ? 1 : 0);
                for (int j = 0; j < hd; j++) {
                    out[i * dim + k * hd + j] = (float) (e * h[i * hd + j]);
                }
                out[i * dim + c * hd + k] = (float) e;
            }
        }
        return out;
    }

    /** Brute force: each row counts for its nearest selected row (exact distances, ties to the earlier pick). */
    static float[] craigWeights(float[] g, int n, int dim, int[] picked) {
        float[] w = new float[picked.length];
        for (int i = 0; i < n; i++) {
            int best = 0;
            double bestD = Double.POSITIVE_INFINITY;
            for (int j = 0; j < picked.length; j++) {
                double d = 0;
                for (int t = 0; t < dim; t++) {
                    double diff = (double) g[i * dim + t] - g[picked[j] * dim + t];
                    d += diff * diff;
                }
                if (d < bestD) {
                    bestD = d;
                    best = j;
                }
            }
            w[best]++;
        }
        return w;
    }

    @Test
    void tauZeroSelectsBeforeEveryStepAndAHugeTauOnlyOnce() {
        CrestSummary every = run(CREST.withTau(0).withCheckEvery(1), RECIPE.withEpochs(1), "tau0", CrestObserver.NONE)
                .summary();
        assertEquals(STEPS, every.selections());
        assertEquals(STEPS - 1, every.checks());
        List<Double> errors = new ArrayList<>();
        CrestObserver seeErrors = new CrestObserver() {
            @Override
            public void checked(long step, long[] rows, float[] losses, double trueLoss, double predicted,
                                double relativeError, boolean reselect, long[] dropped) {
                errors.add(relativeError);
                assertFalse(reselect);
            }
        };
        CrestSummary once = run(CREST.withTau(1e9).withCheckEvery(1), RECIPE.withEpochs(1), "tauHuge", seeErrors)
                .summary();
        assertEquals(1, once.selections());
        assertEquals(STEPS - 1, once.checks());
        assertTrue(errors.stream().anyMatch(e -> e > 0.01), "the model does drift from the quadratic: " + errors);
        assertEquals(STEPS * 16, once.trainRows(), "every step trains one full coreset of b rows");
    }

    @Test
    void learnedSamplesFollowTheRuleAndLeaveTheCandidatePool() {
        CrestOptions crest = CREST.withTau(0.02).withLearned(0.3, 2);
        Map<Long, Integer> streak = new HashMap<>();
        Map<Long, Long> counted = new HashMap<>(); // epoch-equivalent of the last counted low loss
        Set<Long> dropped = new HashSet<>();
        int[] selectionsAfterDrop = {0};
        CrestObserver observer = new CrestObserver() {
            @Override
            public void selected(long step, List<long[]> subsets, float[] losses, List<Coreset> coresets, long[] out,
                                 Model model) {
                for (long[] subset : subsets) {
                    for (long id : subset) {
                        assertFalse(dropped.contains(id), "dropped id " + id + " drawn again at step " + step);
                    }
                }
                if (!dropped.isEmpty()) {
                    selectionsAfterDrop[0]++;
                }
                replay(step, subsets.stream().flatMapToLong(Arrays::stream).toArray(), losses, out);
            }

            @Override
            public void checked(long step, long[] rows, float[] losses, double trueLoss, double predicted,
                                double relativeError, boolean reselect, long[] out) {
                replay(step, rows, losses, out);
            }

            /**
             * The rule, replayed: loss < 0.3 at 2 consecutive measurements, low ones counted once per
             * epoch-equivalent (19 steps), while the pool stays above r = 64 rows.
             */
            void replay(long step, long[] rows, float[] losses, long[] out) {
                long epoch = step / 19;
                Set<Long> expected = new HashSet<>();
                for (int i = 0; i < rows.length; i++) {
                    long id = rows[i];
                    if (dropped.contains(id) || expected.contains(id)) {
                        continue;
                    }
                    if (losses[i] >= 0.3) {
                        streak.put(id, 0);
                        counted.remove(id);
                        continue;
                    }
                    if (Long.valueOf(epoch).equals(counted.get(id))) {
                        continue;
                    }
                    counted.put(id, epoch);
                    int s = streak.getOrDefault(id, 0) + 1;
                    streak.put(id, s);
                    if (s >= 2 && 300 - dropped.size() - expected.size() > 64) {
                        expected.add(id);
                    }
                }
                assertEquals(expected, new HashSet<>(Arrays.stream(out).boxed().toList()));
                dropped.addAll(expected);
            }
        };
        CrestSummary s = run(crest, RECIPE, "learned", observer).summary();
        assertTrue(dropped.size() > 20, "blobs are easy: many samples are learned, got " + dropped.size());
        assertEquals(dropped.size(), s.samplesDropped());
        assertEquals(300 - dropped.size(), s.finalPool());
        assertTrue(selectionsAfterDrop[0] > 0, "selections ran after samples were dropped");
    }

    @Test
    void sameSeedGivesIdenticalParametersAndAnotherSeedDoesNot() throws Exception {
        CrestOptions crest = CREST.withTau(0.05).withEmbedding(EmbeddingKind.LAST_LAYER_GRAD, 8)
                .withOptimizer("stochastic", 0.1);
        TrainOptions recipe = RECIPE.withEpochs(1);
        CrestResult a = run(crest, recipe, "a", CrestObserver.NONE);
        CrestResult b = run(crest, recipe, "b", CrestObserver.NONE);
        CrestResult c = run(crest, recipe.withSeed(6), "c", CrestObserver.NONE);
        for (int i = 0; i < a.training().checkpoints().size(); i++) {
            assertArrayEquals(Files.readAllBytes(a.training().checkpoints().get(i).resolve("model-0000.params")),
                    Files.readAllBytes(b.training().checkpoints().get(i).resolve("model-0000.params")));
        }
        assertEquals(a.summary().selections(), b.summary().selections());
        assertTrue(a.summary().selections() > 1, "several selections, so draws and greedy runs repeat");
        assertFalse(Arrays.equals(Files.readAllBytes(a.training().lastCheckpoint().resolve("model-0000.params")),
                Files.readAllBytes(c.training().lastCheckpoint().resolve("model-0000.params"))));
    }

    @Test
    void learnsTheBlobsAndWritesMetricsPerEpochEquivalent() throws Exception {
        CrestResult r = run(CREST, RECIPE.withEpochs(3).withSaveInitial(true), "learns", CrestObserver.NONE);
        assertEquals(4, r.training().metrics().size(), "epoch-000 and three epoch-equivalents");
        assertTrue(Files.isRegularFile(tmp.resolve("learns").resolve("metrics.json")));
        double acc = r.training().metrics().get(3).valAccuracy();
        assertTrue(acc > 0.9, "val accuracy " + acc + " (chance 1/3)");
        assertEquals(3 * 19 * 16, r.summary().trainRows());
        assertEquals(19 * 16, r.training().metrics().get(1).trainRows());
        assertTrue(r.summary().selections() >= 1 && r.summary().checks() >= 1, r.summary().toString());
    }
}
