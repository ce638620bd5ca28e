package dev.coreset.scoring;

import dev.coreset.schemas.CoresetInputException;
import java.io.Serializable;

/**
 * What {@link BatchScorer} computes. Serializable so a Spark job can ship it to executors.
 *
 * @param embedding        which embedding to emit (see {@link EmbeddingKind})
 * @param includeBiasGrad  LAST_LAYER_GRAD only: append the bias gradient (C values) after the C*H weight part
 * @param projectionDim    0 = raw embedding; D > 0 = multiply by a seeded Gaussian matrix (D x raw dim, entries
 *                         N(0,1)/sqrt(D)), identical on every JVM for the same seed and raw dim
 * @param projectionSeed   seed of that matrix
 * @param posteriorDraws   M >= 1 draws of the last layer: W + N(0, sigma^2), b + N(0, sigma^2)
 * @param posteriorSigma   sigma; 0 (or M = 1 with sigma 0) = no posterior sampling
 * @param posteriorSeed    draw m uses perturbations from a generator seeded by (posteriorSeed, m): the same for
 *                         every sample, batch and executor, so results do not depend on partitioning
 * @param maxBatchRows     rows per forward pass; larger inputs are split (memory bound on the device)
 */
public record ScoreOptions(EmbeddingKind embedding, boolean includeBiasGrad, int projectionDim, long projectionSeed,
                           int posteriorDraws, double posteriorSigma, long posteriorSeed, int maxBatchRows)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public ScoreOptions {
        if (embedding == null) {
            embedding = EmbeddingKind.NONE;
        }
        if (projectionDim < 0) {
            throw new CoresetInputException("projection dimension must be >= 0 (0 = none), got " + projectionDim);
        }
        if (posteriorDraws < 1) {
            throw new CoresetInputException("posterior draws must be >= 1, got " + posteriorDraws);
        }
        if (!(posteriorSigma >= 0) || Double.isInfinite(posteriorSigma)) {
            throw new CoresetInputException("posterior sigma must be finite and >= 0, got " + posteriorSigma);
        }
        if (maxBatchRows < 1) {
            throw new CoresetInputException("batch size must be >= 1, got " + maxBatchRows);
        }
    }

    /** Loss, margin, EL2N, entropy; no embedding; no posterior; 512 rows per forward. */
    public static ScoreOptions defaults() {
        return new ScoreOptions(EmbeddingKind.NONE, false, 0, 0L, 1, 0.0, 0L, 512);
    }

    /** True when posterior sampling is on (sigma > 0); sigma 0 is exactly the plain model. */
    public boolean posterior() {
        return posteriorSigma > 0;
    }

    /** Number of draws actually averaged: M with sigma > 0, else 1. */
    public int effectiveDraws() {
        return posterior() ? posteriorDraws : 1;
    }

    public ScoreOptions withEmbedding(EmbeddingKind kind) {
        return new ScoreOptions(kind, includeBiasGrad, projectionDim, projectionSeed, posteriorDraws, posteriorSigma,
                posteriorSeed, maxBatchRows);
    }

    public ScoreOptions withBiasGrad(boolean bias) {
        return new ScoreOptions(embedding, bias, projectionDim, projectionSeed, posteriorDraws, posteriorSigma,
                posteriorSeed, maxBatchRows);
    }

    public ScoreOptions withProjection(int dim, long seed) {
        return new ScoreOptions(embedding, includeBiasGrad, dim, seed, posteriorDraws, posteriorSigma, posteriorSeed,
                maxBatchRows);
    }

    public ScoreOptions withPosterior(int draws, double sigma, long seed) {
        return new ScoreOptions(embedding, includeBiasGrad, projectionDim, projectionSeed, draws, sigma, seed,
                maxBatchRows);
    }

    public ScoreOptions withMaxBatchRows(int rows) {
        return new ScoreOptions(embedding, includeBiasGrad, projectionDim, projectionSeed, posteriorDraws,
                posteriorSigma, posteriorSeed, rows);
    }
}
