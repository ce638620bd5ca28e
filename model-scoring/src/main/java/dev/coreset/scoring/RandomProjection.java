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
    /** True when the JVM runs with {@code --add-modules jdk.incubator.vector}. */
    public static final boolean VECTOR_API = vectorApiPresent();

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

    private static boolean vectorApiPresent() {
        try {
            Class.forName("jdk.incubator.vector.FloatVector");
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    public int inputDim() {
        return inputDim;
    }

    public int outputDim() {
        return outputDim;
    }

    /** R v for v = in[inOffset .. inOffset + inputDim), written to out[outOffset .. outOffset + outputDim). */
    public void project(float[] in, int inOffset, float[] out, int outOffset) {
        projectRows(in, inOffset, 1, out, outOffset);
    }

    /**
     * Projects {@code rows} consecutive vectors of {@code in} (row-major, starting at {@code inOffset}) into
     * {@code out} (rows x outputDim, starting at {@code outOffset}). Each dot product accumulates in 8 float
     * lanes with fused multiply-add (lane l takes entries j = l mod 8), then adds the lanes in order and the
     * tail in double. That fixed order makes every result bit-identical whatever the CPU, the grouping of rows,
     * and whether the JDK Vector API is enabled ({@code --add-modules jdk.incubator.vector}: about 5x faster)
     * or the scalar fallback runs.
     */
    public void projectRows(float[] in, int inOffset, int rows, float[] out, int outOffset) {
        if (VECTOR_API) {
            VectorProjection.projectRows(matrix, inputDim, outputDim, in, inOffset, rows, out, outOffset);
        } else {
            projectRowsScalar(in, inOffset, rows, out, outOffset);
        }
    }

    /** The same arithmetic as the vector kernel, lane by lane with {@link Math#fma(float, float, float)}. */
    void projectRowsScalar(float[] in, int inOffset, int rows, float[] out, int outOffset) {
        int lanesN = VectorProjection.LANES;
        int bound = inputDim - inputDim % lanesN;
        float[] lanes = new float[lanesN];
        for (int r = 0; r < rows; r++) {
            int a = inOffset + r * inputDim;
            for (int d = 0; d < outputDim; d++) {
                int m = d * inputDim;
                java.util.Arrays.fill(lanes, 0f);
                for (int j = 0; j < bound; j += lanesN) {
                    for (int l = 0; l < lanesN; l++) {
                        lanes[l] = Math.fma(in[a + j + l], matrix[m + j + l], lanes[l]);
                    }
                }
                double s = 0;
                for (int l = 0; l < lanesN; l++) {
                    s += lanes[l];
                }
                for (int j = bound; j < inputDim; j++) {
                    s += (double) matrix[m + j] * in[a + j];
                }
                out[outOffset + r * outputDim + d] = (float) s;
            }
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
