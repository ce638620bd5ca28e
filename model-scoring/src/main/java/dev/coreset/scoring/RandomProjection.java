package dev.coreset.scoring;

import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Seeded Gaussian random projection R (outputDim x inputDim), entries N(0, 1) / sqrt(outputDim) drawn row by
 * row from {@code java.util.Random(seed).nextGaussian()} (an algorithm fixed by the Java specification), so
 * every executor builds the same matrix for the same (seed, inputDim, outputDim). Preserves squared distances
 * in expectation (Johnson-Lindenstrauss). Matrices are cached per JVM (a few entries; each costs
 * outputDim x inputDim x 4 bytes).
 */
public final class RandomProjection {
    private static final int MAX_CACHED = 8;
    private static final Map<String, RandomProjection> CACHE = new ConcurrentHashMap<>();

    private final int inputDim;
    private final int outputDim;
    private final float[] matrix;

    private RandomProjection(long seed, int inputDim, int outputDim) {
        this.inputDim = inputDim;
        this.outputDim = outputDim;
        this.matrix = new float[Math.multiplyExact(inputDim, outputDim)];
        Random random = new Random(seed);
        double scale = 1.0 / Math.sqrt(outputDim);
        for (int i = 0; i < matrix.length; i++) {
            matrix[i] = (float) (random.nextGaussian() * scale);
        }
    }

    public static RandomProjection of(long seed, int inputDim, int outputDim) {
        if (inputDim < 1 || outputDim < 1) {
            throw new IllegalArgumentException("projection dims must be >= 1, got " + inputDim + " -> " + outputDim);
        }
        String key = seed + ":" + inputDim + ":" + outputDim;
        RandomProjection p = CACHE.get(key);
        if (p == null) {
            p = new RandomProjection(seed, inputDim, outputDim);
            if (CACHE.size() >= MAX_CACHED) {
                CACHE.clear();
            }
            RandomProjection prev = CACHE.putIfAbsent(key, p);
            if (prev != null) {
                p = prev;
            }
        }
        return p;
    }

    public int inputDim() {
        return inputDim;
    }

    public int outputDim() {
        return outputDim;
    }

    /** R v for v = in[inOffset .. inOffset + inputDim), written to out[outOffset .. outOffset + outputDim). */
    public void project(float[] in, int inOffset, float[] out, int outOffset) {
        for (int d = 0; d < outputDim; d++) {
            int rOff = d * inputDim;
            double s = 0;
            for (int j = 0; j < inputDim; j++) {
                s += (double) matrix[rOff + j] * in[inOffset + j];
            }
            out[outOffset + d] = (float) s;
        }
    }

    public float[] project(float[] v) {
        if (v.length != inputDim) {
            throw new IllegalArgumentException("vector has " + v.length + " values, projection expects " + inputDim);
        }
        float[] out = new float[outputDim];
        project(v, 0, out, 0);
        return out;
    }
}
