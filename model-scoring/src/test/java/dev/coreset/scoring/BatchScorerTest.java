package dev.coreset.scoring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.coreset.scoring.model.BodyHeadBlock;
import dev.coreset.scoring.model.Checkpoints;
import dev.coreset.scoring.model.ModelSpec;
import dev.coreset.scoring.train.LabeledRow;
import dev.coreset.scoring.train.ProxyTrainer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BatchScorerTest {
    static final ModelSpec SPEC = ModelSpec.mlp(TestData.DIM, TestData.CLASSES, List.of(16, 8));
    static Model model;
    static ScoringModel scoring;
    static List<LabeledRow> rows;
    static float[] x;
    static int[] y;

    @BeforeAll
    static void setUp() {
        Engines.pytorch();
        model = Checkpoints.newInitializedModel(SPEC, Device.cpu(), 11);
        scoring = ScoringModel.of(model, SPEC);
        rows = TestData.blobs(40, 9);
        x = TestData.flat(rows);
        y = TestData.labels(rows);
    }

    @AfterAll
    static void tearDown() {
        model.close();
    }

    static ScoreBatch score(ScoreOptions o) {
        try (BatchScorer s = new BatchScorer(scoring, o)) {
            return s.score(x, y);
        }
    }

    @Test
    void lossMarginEl2nMatchAnIndependentComputationFromDjlLogits() {
        ScoreBatch b = score(ScoreOptions.defaults().withEmbedding(EmbeddingKind.LOGITS_GRAD));
        try (NDManager m = model.getNDManager().newSubManager()) {
            BodyHeadBlock block = (BodyHeadBlock) model.getBlock();
            NDArray logits = block.forward(new ParameterStore(m, false),
                    new NDList(m.create(x, Checkpoints.batchShape(SPEC, y.length))), false).get(0);
            float[] p = logits.softmax(1).toFloatArray();
            float[] logp = logits.logSoftmax(1).toFloatArray();
            int c = TestData.CLASSES;
            for (int i = 0; i < y.length; i++) {
                float loss = -logp[i * c + y[i]];
                float other = -1;
                double sq = 0;
                int arg = 0;
                for (int k = 0; k < c; k++) {
                    if (k != y[i]) {
                        other = Math.max(other, p[i * c + k]);
                    }
                    double d = p[i * c + k] - (k == y[i] ? 1 : 0);
                    sq += d * d;
                    if (p[i * c + k] > p[i * c + arg]) {
                        arg = k;
                    }
                    assertEquals(d, b.embedding()[i * c + k], 1e-5, "logits-grad");
                }
                assertEquals(loss, b.loss()[i], 1e-5, "loss row " + i);
                assertEquals(p[i * c + y[i]] - other, b.margin()[i], 1e-5, "margin row " + i);
                assertEquals(Math.sqrt(sq), b.el2n()[i], 1e-5, "el2n row " + i);
                assertEquals(arg, b.predicted()[i]);
                assertEquals(arg == y[i], b.correct()[i]);
            }
        }
        assertEquals(TestData.CLASSES, b.embeddingDim());
        assertEquals(1, b.draws());
        assertNull(score(ScoreOptions.defaults()).embedding());
    }

    @Test
    void lastLayerGradientEqualsAutograd() {
        ScoreBatch b = score(ScoreOptions.defaults().withEmbedding(EmbeddingKind.LAST_LAYER_GRAD).withBiasGrad(true));
        int c = TestData.CLASSES;
        int h = SPEC.embeddingDim();
        assertEquals(c * h + c, b.embeddingDim());
        int nonZero = 0;
        for (int i = 0; i < 5; i++) {
            // a fresh copy per sample: PyTorch accumulates gradients
            try (Model m2 = Checkpoints.newInitializedModel(SPEC, Device.cpu(), 11);
                 NDManager m = m2.getNDManager().newSubManager()) {
                BodyHeadBlock block = (BodyHeadBlock) m2.getBlock();
                for (Parameter p : block.getParameters().values()) {
                    p.getArray().setRequiresGradient(true);
                }
                NDArray xi = m.create(Arrays.copyOfRange(x, i * TestData.DIM, (i + 1) * TestData.DIM),
                        Checkpoints.batchShape(SPEC, 1));
                try (GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                    NDArray logits = block.forward(new ParameterStore(m, false), new NDList(xi), true).get(0);
                    NDArray loss = ProxyTrainer.weightedLoss(logits, m.create(new int[] {y[i]}), m.create(new float[] {1f}));
                    gc.backward(loss);
                }
                float[] gw = block.head().getParameters().get("weight").getArray().getGradient().toFloatArray();
                float[] gb = block.head().getParameters().get("bias").getArray().getGradient().toFloatArray();
                float[] emb = b.embeddingRow(i);
                for (int k = 0; k < c * h; k++) {
                    assertEquals(gw[k], emb[k], 1e-5, "weight grad row " + i + " entry " + k);
                    if (Math.abs(gw[k]) > 1e-4) {
                        nonZero++;
                    }
                }
                for (int k = 0; k < c; k++) {
                    assertEquals(gb[k], emb[c * h + k], 1e-5, "bias grad row " + i);
                }
            }
        }
        assertTrue(nonZero > 10, "gradients are not trivially zero");
    }

    @Test
    void sigmaZeroEqualsNoPosteriorExactly() {
        ScoreOptions base = ScoreOptions.defaults().withEmbedding(EmbeddingKind.LAST_LAYER_GRAD);
        ScoreBatch plain = score(base);
        ScoreBatch zero = score(base.withPosterior(5, 0.0, 3));
        assertArrayEquals(plain.loss(), zero.loss());
        assertArrayEquals(plain.margin(), zero.margin());
        assertArrayEquals(plain.el2n(), zero.el2n());
        assertArrayEquals(plain.embedding(), zero.embedding());
        assertEquals(1, zero.draws());
    }

    @Test
    void posteriorIsSeededChangesValuesAndIgnoresBatching() {
        ScoreOptions post = ScoreOptions.defaults().withEmbedding(EmbeddingKind.LAST_LAYER_GRAD).withPosterior(4, 0.3, 5);
        ScoreBatch plain = score(post.withPosterior(1, 0, 0));
        ScoreBatch a = score(post);
        ScoreBatch b = score(post);
        ScoreBatch other = score(post.withPosterior(4, 0.3, 6));
        ScoreBatch chunked = score(post.withMaxBatchRows(7));
        assertEquals(4, a.draws());
        assertArrayEquals(a.loss(), b.loss());
        assertArrayEquals(a.embedding(), b.embedding());
        assertArrayEquals(a.loss(), chunked.loss());
        assertArrayEquals(a.embedding(), chunked.embedding());
        assertFalse(Arrays.equals(a.loss(), plain.loss()));
        assertFalse(Arrays.equals(a.el2n(), plain.el2n()));
        assertFalse(Arrays.equals(a.embedding(), plain.embedding()));
        assertFalse(Arrays.equals(a.loss(), other.loss()));
        assertArrayEquals(plain.predicted(), a.predicted(), "predictions come from the unperturbed model");
        // perturbation is exactly what the doc says: draw m perturbs from Random(mix(seed, m))
        float[][] d0 = BatchScorer.perturbation(scoring.head(), 0.3, 5, 0);
        float[][] d0again = BatchScorer.perturbation(scoring.head(), 0.3, 5, 0);
        assertArrayEquals(d0[0], d0again[0]);
        assertFalse(Arrays.equals(d0[0], BatchScorer.perturbation(scoring.head(), 0.3, 5, 1)[0]));
    }

    @Test
    void randomProjectionIsDeterministicWithTheRightShape() {
        ScoreOptions o = ScoreOptions.defaults().withEmbedding(EmbeddingKind.LAST_LAYER_GRAD).withProjection(6, 42);
        ScoreBatch a = score(o);
        ScoreBatch b = score(o);
        ScoreBatch other = score(o.withProjection(6, 43));
        assertEquals(6, a.embeddingDim());
        assertEquals(y.length * 6, a.embedding().length);
        assertArrayEquals(a.embedding(), b.embedding());
        assertFalse(Arrays.equals(a.embedding(), other.embedding()));

        // projection of the raw embedding, computed by hand from the documented matrix
        ScoreBatch raw = score(o.withProjection(0, 0));
        int in = raw.embeddingDim();
        java.util.Random r = new java.util.Random(42);
        double[][] mat = new double[6][in];
        for (int d = 0; d < 6; d++) {
            for (int j = 0; j < in; j++) {
                mat[d][j] = r.nextGaussian() / Math.sqrt(6);
            }
        }
        for (int i = 0; i < 3; i++) {
            float[] e = raw.embeddingRow(i);
            for (int d = 0; d < 6; d++) {
                double s = 0;
                for (int j = 0; j < in; j++) {
                    s += mat[d][j] * e[j];
                }
                assertEquals(s, a.embedding()[i * 6 + d], 1e-5);
            }
        }
        // grouping of rows (chunks of 7 vs one chunk) does not change a single bit
        assertArrayEquals(a.embedding(), score(o.withMaxBatchRows(7)).embedding());
        RandomProjection p = RandomProjection.of(1, 100, 10);
        float[] many = new float[7 * 100];
        for (int i = 0; i < many.length; i++) {
            many[i] = (float) Math.sin(i);
        }
        float[] together = new float[7 * 10];
        p.projectRows(many, 0, 7, together, 0);
        float[] scalar = new float[7 * 10];
        p.projectRowsScalar(many, 0, 7, scalar, 0);
        assertTrue(RandomProjection.VECTOR_API, "tests run with --add-modules jdk.incubator.vector");
        assertArrayEquals(together, scalar, "vector kernel and scalar fallback agree bit for bit");
        for (int i = 0; i < 7; i++) {
            float[] one = p.project(Arrays.copyOfRange(many, i * 100, (i + 1) * 100));
            assertArrayEquals(one, Arrays.copyOfRange(together, i * 10, (i + 1) * 10));
        }
        assertEquals(10, p.project(new float[100]).length);
        assertArrayEquals(p.project(rowOf(100)), RandomProjection.of(1, 100, 10).project(rowOf(100)));
    }

    static float[] rowOf(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i * 0.01f;
        }
        return v;
    }

    @Test
    void floatMatrixInputEqualsFlatInput() {
        float[][] m = new float[y.length][];
        for (int i = 0; i < y.length; i++) {
            m[i] = rows.get(i).features();
        }
        try (BatchScorer s = new BatchScorer(scoring, ScoreOptions.defaults())) {
            assertArrayEquals(s.score(x, y).loss(), s.score(m, y).loss());
            assertEquals(0, s.score(new float[0], new int[0]).rows());
        }
    }
}
