package dev.coreset.scoring.train.crest;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.scoring.EmbeddingKind;

/**
 * CREST settings (Yang, Kang and Mirzasoleiman, ICML 2023; see {@link CrestTrainer} for the loop).
 *
 * @param subsetSize       r: rows of each random subset R drawn from the candidate pool
 * @param coresetSize      b: rows of each mini-batch coreset (one training step each); 0 = the training batch size
 * @param coresets         P: mini-batch coresets selected per selection, each from its own random subset; training
 *                         cycles through them until the quadratic model's error reaches tau
 * @param tau              relative error |L_R(w) - Q(w)| / L_R(w) at which the region ends and selection runs again
 *                         (0 = select before every step; a huge value = select once)
 * @param checkEvery       training steps between two checks of the quadratic model (each check is a forward pass
 *                         over the P random subsets)
 * @param learnedThreshold a sample whose loss is below this at {@code learnedChecks} consecutive measurements
 *                         (selections and checks that include it; low ones count once per epoch-equivalent) is
 *                         dropped from later selection; 0 = never drop
 * @param learnedChecks    h: consecutive low-loss measurements (in distinct epoch-equivalents) that make a sample
 *                         learned
 * @param embedding        gradient used for facility location: LAST_LAYER_GRAD ((softmax - onehot) outer h, with
 *                         the bias part) or LOGITS_GRAD (softmax - onehot)
 * @param projectionDim    0 = raw gradients; D &gt; 0 = seeded Gaussian projection to D dimensions first
 * @param optimizer        "lazy" (exact greedy) or "stochastic" (stochastic greedy with {@code epsilon})
 * @param epsilon          stochastic greedy's epsilon
 */
public record CrestOptions(@JsonProperty("subsetSize") int subsetSize,
                           @JsonProperty("coresetSize") int coresetSize,
                           @JsonProperty("coresets") int coresets,
                           @JsonProperty("tau") double tau,
                           @JsonProperty("checkEvery") int checkEvery,
                           @JsonProperty("learnedThreshold") double learnedThreshold,
                           @JsonProperty("learnedChecks") int learnedChecks,
                           @JsonProperty("embedding") EmbeddingKind embedding,
                           @JsonProperty("projectionDim") int projectionDim,
                           @JsonProperty("optimizer") String optimizer,
                           @JsonProperty("epsilon") double epsilon) {

    public CrestOptions {
        require(subsetSize >= 1, "--crest-subset must be >= 1, got " + subsetSize);
        require(coresetSize >= 0, "--crest-batch must be >= 1 (or 0 = --batch-size), got " + coresetSize);
        require(coresetSize <= subsetSize, "--crest-batch " + coresetSize + " is larger than --crest-subset "
                + subsetSize + "; a mini-batch coreset is selected from one random subset");
        require(coresets >= 1, "--crest-coresets must be >= 1, got " + coresets);
        require(tau >= 0 && !Double.isNaN(tau), "--crest-tau must be >= 0, got " + tau);
        require(checkEvery >= 1, "--crest-check-every must be >= 1, got " + checkEvery);
        require(learnedThreshold >= 0 && Double.isFinite(learnedThreshold),
                "--crest-learned-threshold must be finite and >= 0 (0 = keep every sample), got " + learnedThreshold);
        require(learnedChecks >= 1, "--crest-learned-checks must be >= 1, got " + learnedChecks);
        require(embedding == EmbeddingKind.LAST_LAYER_GRAD || embedding == EmbeddingKind.LOGITS_GRAD,
                "--crest-embedding must be last-layer-grad or logits-grad, got " + embedding);
        require(projectionDim >= 0, "--crest-dim must be >= 0 (0 = no projection), got " + projectionDim);
        require("lazy".equals(optimizer) || "stochastic".equals(optimizer),
                "--crest-optimizer must be lazy or stochastic, got " + optimizer);
        require(epsilon > 0 && epsilon < 1, "--crest-epsilon must be in (0, 1), got " + epsilon);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new CoresetInputException(message + ".");
        }
    }

    /**
     * The defaults: r = 512 (4 mini-batches of 128), b = the training batch size, P = 4, tau = 0.1, a check after
     * every pass through the P coresets, learned = loss under 0.1 at 3 consecutive measurements, last-layer
     * gradients projected to 64 dimensions, lazy greedy. Taken from the paper's setup (r a few mini-batches,
     * tau 0.1, drop threshold 0.1), not tuned on the benchmark.
     */
    public static CrestOptions defaults() {
        return new CrestOptions(512, 0, 4, 0.1, 4, 0.1, 3, EmbeddingKind.LAST_LAYER_GRAD, 64, "lazy", 0.01);
    }

    /** b with 0 resolved to the training batch size (clamped to r). */
    public int coresetSize(int trainBatchSize) {
        return coresetSize > 0 ? coresetSize : Math.min(trainBatchSize, subsetSize);
    }

    public CrestOptions withSubsetSize(int r) {
        return new CrestOptions(r, coresetSize, coresets, tau, checkEvery, learnedThreshold, learnedChecks, embedding,
                projectionDim, optimizer, epsilon);
    }

    public CrestOptions withCoresetSize(int b) {
        return new CrestOptions(subsetSize, b, coresets, tau, checkEvery, learnedThreshold, learnedChecks, embedding,
                projectionDim, optimizer, epsilon);
    }

    public CrestOptions withCoresets(int p) {
        return new CrestOptions(subsetSize, coresetSize, p, tau, checkEvery, learnedThreshold, learnedChecks, embedding,
                projectionDim, optimizer, epsilon);
    }

    public CrestOptions withTau(double t) {
        return new CrestOptions(subsetSize, coresetSize, coresets, t, checkEvery, learnedThreshold, learnedChecks,
                embedding, projectionDim, optimizer, epsilon);
    }

    public CrestOptions withCheckEvery(int steps) {
        return new CrestOptions(subsetSize, coresetSize, coresets, tau, steps, learnedThreshold, learnedChecks,
                embedding, projectionDim, optimizer, epsilon);
    }

    public CrestOptions withLearned(double threshold, int checks) {
        return new CrestOptions(subsetSize, coresetSize, coresets, tau, checkEvery, threshold, checks, embedding,
                projectionDim, optimizer, epsilon);
    }

    public CrestOptions withEmbedding(EmbeddingKind kind, int dim) {
        return new CrestOptions(subsetSize, coresetSize, coresets, tau, checkEvery, learnedThreshold, learnedChecks,
                kind, dim, optimizer, epsilon);
    }

    public CrestOptions withOptimizer(String name, double eps) {
        return new CrestOptions(subsetSize, coresetSize, coresets, tau, checkEvery, learnedThreshold, learnedChecks,
                embedding, projectionDim, name, eps);
    }
}
