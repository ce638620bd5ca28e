package dev.coreset.scoring;

import dev.coreset.schemas.CoresetInputException;
import java.util.Arrays;
import java.util.Random;

/**
 * Per-sample scores for batches of rows: loss, probability margin, EL2N, entropy, prediction and an optional
 * gradient embedding (see {@link ScoreBatch}, {@link EmbeddingKind}, {@link ScoreOptions}).
 * <p>Holds one {@link ScoringModel.Session} (a DJL Predictor): create one BatchScorer per task thread /
 * partition ({@code try (BatchScorer s = new BatchScorer(ModelCache.get(ref, device), opts)) {...}}), never
 * share one between threads. The model itself is shared.
 * <p>Posterior sampling (checkpoints only, it needs the head in Java): for draw m = 1..M the head is
 * W + sigma N_W(m), b + sigma N_b(m) with N drawn from {@code java.util.Random(mix(posteriorSeed, m))}, the
 * same perturbations for every row, batch and executor; loss, margin, EL2N, entropy and the embedding are
 * averaged over the M draws (h is unchanged, only the last layer is perturbed). sigma = 0 is the plain
 * model exactly. Predictions / correctness come from the unperturbed model.
 * <p>All per-row arithmetic after the forward pass is plain Java in double precision, rounded to float.
 */
public final class BatchScorer implements AutoCloseable {
    private final ScoringModel model;
    private final ScoreOptions options;
    private final ScoringModel.Session session;
    private float[][] drawWeights;
    private float[][] drawBiases;

    public BatchScorer(ScoringModel model, ScoreOptions options) {
        this.model = model;
        this.options = options == null ? ScoreOptions.defaults() : options;
        if (this.options.posterior() && model.head() == null) {
            throw new CoresetInputException("posterior sampling (sigma " + this.options.posteriorSigma()
                    + ") needs the model's last layer in Java, which only coreset checkpoints provide; "
                    + model.kind() + " model " + model.ref().path() + " cannot be used with it (set sigma 0)");
        }
        this.session = model.newSession();
    }

    public ScoringModel model() {
        return model;
    }

    public ScoreOptions options() {
        return options;
    }

    /** Scores {@code labels.length} rows; row i is {@code features[i]}. */
    public ScoreBatch score(float[][] features, int[] labels) {
        if (features.length != labels.length) {
            throw new CoresetInputException("got " + features.length + " feature rows but " + labels.length + " labels");
        }
        int n = model.inputLength();
        float[] flat = new float[Math.multiplyExact(features.length, n)];
        for (int i = 0; i < features.length; i++) {
            float[] f = features[i];
            if (f == null || f.length != n) {
                throw new CoresetInputException("row " + i + " has " + (f == null ? 0 : f.length)
                        + " features but the model expects " + n + " (input shape " + Arrays.toString(model.inputShape()) + ")");
            }
            System.arraycopy(f, 0, flat, i * n, n);
        }
        return score(flat, labels);
    }

    /** Scores {@code labels.length} rows from {@code flat} (rows x inputLength, row-major). */
    public ScoreBatch score(float[] flat, int[] labels) {
        int rows = labels.length;
        int n = model.inputLength();
        if (flat.length != (long) rows * n) {
            throw new CoresetInputException("feature length mismatch: got " + flat.length + " floats for " + rows
                    + " rows (" + (rows == 0 ? flat.length : flat.length / (double) rows) + " per row) but the model expects "
                    + n + " per row (input shape " + Arrays.toString(model.inputShape()) + ")");
        }
        if (model.numClasses() > 0) {
            checkLabels(labels, 0, rows, model.numClasses());
        }
        ScoreBatch out = null;
        int step = options.maxBatchRows();
        float[] chunk = null;
        for (int start = 0; start < rows; start += step) {
            int r = Math.min(step, rows - start);
            float[] x;
            if (start == 0 && r == rows) {
                x = flat;
            } else {
                if (chunk == null || chunk.length != r * n) {
                    chunk = new float[r * n];
                }
                System.arraycopy(flat, start * n, chunk, 0, r * n);
                x = chunk;
            }
            ForwardOutput fo = session.forward(x, r);
            if (out == null) {
                out = allocate(rows, fo);
            }
            checkLabels(labels, start, r, fo.numClasses());
            compute(fo, labels, start, out);
        }
        if (out == null) {
            int c = Math.max(model.numClasses(), 0);
            out = new ScoreBatch(0, c, new float[0], new float[0], new float[0], new float[0], new int[0],
                    new boolean[0], options.embedding() == EmbeddingKind.NONE ? null : new float[0], 0, options.effectiveDraws());
        }
        return out;
    }

    /**
     * One forward pass of this scorer's session over {@code rows} rows (no chunking): for callers that need the
     * logits and h themselves as well as the scores (the CREST trainer's quadratic model); score it with
     * {@link #score(ForwardOutput, int[])}.
     */
    public ForwardOutput forward(float[] flat, int rows) {
        return session.forward(flat, rows);
    }

    /** Scores a forward pass the caller already ran ({@link #forward}); row i has label {@code labels[i]}. */
    public ScoreBatch score(ForwardOutput fo, int[] labels) {
        if (labels.length != fo.rows()) {
            throw new CoresetInputException("got " + fo.rows() + " forward rows but " + labels.length + " labels");
        }
        checkLabels(labels, 0, fo.rows(), fo.numClasses());
        ScoreBatch out = allocate(fo.rows(), fo);
        compute(fo, labels, 0, out);
        return out;
    }

    private void checkLabels(int[] labels, int start, int rows, int classes) {
        for (int i = start; i < start + rows; i++) {
            int y = labels[i];
            if (y < 0 || y >= classes) {
                throw new CoresetInputException("label " + y + " at row " + i + " is out of range: the model has "
                        + classes + " classes (labels 0.." + (classes - 1) + ")");
            }
        }
    }

    private int rawEmbeddingDim(ForwardOutput fo) {
        switch (options.embedding()) {
            case NONE:
                return 0;
            case LOGITS_GRAD:
                return fo.numClasses();
            case LAST_LAYER_GRAD:
                if (fo.embedding() == null) {
                    throw new CoresetInputException("last-layer-grad needs the penultimate embedding, but "
                            + model.kind() + " model " + model.ref().path() + " returned logits only; export it so"
                            + " forward returns (logits, embedding), or use logits-grad");
                }
                return fo.numClasses() * fo.embeddingDim() + (options.includeBiasGrad() ? fo.numClasses() : 0);
            default:
                throw new IllegalStateException();
        }
    }

    private ScoreBatch allocate(int rows, ForwardOutput fo) {
        int raw = rawEmbeddingDim(fo);
        int dim = raw == 0 ? 0 : (options.projectionDim() > 0 ? options.projectionDim() : raw);
        return new ScoreBatch(rows, fo.numClasses(), new float[rows], new float[rows], new float[rows], new float[rows],
                new int[rows], new boolean[rows], dim == 0 ? null : new float[Math.multiplyExact(rows, dim)], dim,
                options.effectiveDraws());
    }

    private void compute(ForwardOutput fo, int[] labels, int start, ScoreBatch out) {
        int rows = fo.rows();
        int c = fo.numClasses();
        int draws = options.effectiveDraws();
        float[][] logitsPerDraw = new float[draws][];
        if (!options.posterior()) {
            logitsPerDraw[0] = fo.logits();
        } else {
            LinearHead head = model.head();
            ensureDraws(head);
            for (int m = 0; m < draws; m++) {
                float[] z = new float[rows * c];
                head.logits(drawWeights[m], drawBiases[m], fo.embedding(), rows, z);
                logitsPerDraw[m] = z;
            }
        }
        int raw = rawEmbeddingDim(fo);
        RandomProjection proj = raw > 0 && options.projectionDim() > 0
                ? RandomProjection.of(options.projectionSeed(), raw, options.projectionDim()) : null;
        // raw embeddings of the whole chunk, projected together at the end when a projection is set
        float[] rawAll = raw > 0 && proj != null ? new float[Math.multiplyExact(rows, raw)] : null;
        float[] rawBuf = raw > 0 && proj == null ? new float[raw] : null;
        double[] p = new double[c];
        double[] pSum = new double[c];
        int hd = fo.embeddingDim();
        for (int r = 0; r < rows; r++) {
            int y = labels[start + r];
            int o = r * c;
            // prediction from the unperturbed logits
            float[] z0 = fo.logits();
            int best = 0;
            for (int k = 1; k < c; k++) {
                if (z0[o + k] > z0[o + best]) {
                    best = k;
                }
            }
            double loss = 0;
            double margin = 0;
            double el2n = 0;
            double entropy = 0;
            Arrays.fill(pSum, 0);
            for (int m = 0; m < draws; m++) {
                float[] z = logitsPerDraw[m];
                double logZ = LogSoftmax.logPartition(z, o, c);
                double maxOther = Double.NEGATIVE_INFINITY;
                double sq = 0;
                double ent = 0;
                for (int k = 0; k < c; k++) {
                    double lp = z[o + k] - logZ;
                    double pk = Math.exp(lp);
                    p[k] = pk;
                    pSum[k] += pk;
                    if (k != y) {
                        maxOther = Math.max(maxOther, pk);
                        sq += pk * pk;
                    } else {
                        sq += (pk - 1) * (pk - 1);
                    }
                    if (pk > 0) {
                        ent -= pk * lp;
                    }
                }
                loss += logZ - z[o + y];
                margin += p[y] - maxOther;
                el2n += Math.sqrt(sq);
                entropy += ent;
            }
            out.loss()[start + r] = (float) (loss / draws);
            out.margin()[start + r] = (float) (margin / draws);
            out.el2n()[start + r] = (float) (el2n / draws);
            out.entropy()[start + r] = (float) (entropy / draws);
            out.predicted()[start + r] = best;
            out.correct()[start + r] = best == y;
            if (raw > 0) {
                if (proj != null) {
                    fillEmbedding(pSum, draws, y, c, fo.embedding(), r * hd, hd, rawAll, r * raw);
                } else {
                    fillEmbedding(pSum, draws, y, c, fo.embedding(), r * hd, hd, rawBuf, 0);
                    System.arraycopy(rawBuf, 0, out.embedding(), (start + r) * raw, raw);
                }
            }
        }
        if (proj != null) {
            proj.projectRows(rawAll, 0, rows, out.embedding(), start * out.embeddingDim());
        }
    }

    private void fillEmbedding(double[] pSum, int draws, int y, int c, float[] h, int hOff, int hd, float[] buf, int bo) {
        switch (options.embedding()) {
            case LOGITS_GRAD:
                for (int k = 0; k < c; k++) {
                    buf[bo + k] = (float) (pSum[k] / draws - (k == y ? 1 : 0));
                }
                break;
            case LAST_LAYER_GRAD:
                for (int k = 0; k < c; k++) {
                    double e = pSum[k] / draws - (k == y ? 1 : 0);
                    int off = bo + k * hd;
                    for (int j = 0; j < hd; j++) {
                        buf[off + j] = (float) (e * h[hOff + j]);
                    }
                    if (options.includeBiasGrad()) {
                        buf[bo + c * hd + k] = (float) e;
                    }
                }
                break;
            default:
                throw new IllegalStateException();
        }
    }

    private void ensureDraws(LinearHead head) {
        if (drawWeights != null) {
            return;
        }
        int draws = options.posteriorDraws();
        drawWeights = new float[draws][];
        drawBiases = new float[draws][];
        for (int m = 0; m < draws; m++) {
            float[][] wb = perturbation(head, options.posteriorSigma(), options.posteriorSeed(), m);
            drawWeights[m] = wb[0];
            drawBiases[m] = wb[1];
        }
    }

    /**
     * The perturbed head of draw {@code m} (0-based): {W + sigma N, b + sigma N}, N ~ N(0, 1) from
     * {@code new Random(Seeds.mix(seed, m))}, W entries first (row-major), then b.
     */
    public static float[][] perturbation(LinearHead head, double sigma, long seed, int m) {
        Random random = new Random(Seeds.mix(seed, m));
        float[] w = head.weight().clone();
        float[] b = head.bias().clone();
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (w[i] + sigma * random.nextGaussian());
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) (b[i] + sigma * random.nextGaussian());
        }
        return new float[][] {w, b};
    }

    @Override
    public void close() {
        session.close();
    }
}
