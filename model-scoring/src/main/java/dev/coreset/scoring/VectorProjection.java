package dev.coreset.scoring;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernel of {@link RandomProjection}; loaded only when jdk.incubator.vector is present. A fixed
 * 8-lane species keeps the summation order the same on every CPU (and equal to the scalar fallback).
 */
final class VectorProjection {
    static final int LANES = 8;

    private VectorProjection() {
    }

    private static final class Kernel {
        static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    }

    static void projectRows(float[] matrix, int inputDim, int outputDim, float[] in, int inOffset, int rows,
                            float[] out, int outOffset) {
        VectorSpecies<Float> s = Kernel.S;
        int bound = inputDim - inputDim % LANES;
        float[] lanes = new float[LANES];
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            int a0 = inOffset + r * inputDim;
            for (int d = 0; d < outputDim; d++) {
                int m = d * inputDim;
                FloatVector s0 = FloatVector.zero(s);
                FloatVector s1 = FloatVector.zero(s);
                FloatVector s2 = FloatVector.zero(s);
                FloatVector s3 = FloatVector.zero(s);
                for (int j = 0; j < bound; j += LANES) {
                    FloatVector w = FloatVector.fromArray(s, matrix, m + j);
                    s0 = FloatVector.fromArray(s, in, a0 + j).fma(w, s0);
                    s1 = FloatVector.fromArray(s, in, a0 + inputDim + j).fma(w, s1);
                    s2 = FloatVector.fromArray(s, in, a0 + 2 * inputDim + j).fma(w, s2);
                    s3 = FloatVector.fromArray(s, in, a0 + 3 * inputDim + j).fma(w, s3);
                }
                int o = outOffset + r * outputDim + d;
                out[o] = finish(s0, matrix, inputDim, bound, in, a0, m, lanes);
                out[o + outputDim] = finish(s1, matrix, inputDim, bound, in, a0 + inputDim, m, lanes);
                out[o + 2 * outputDim] = finish(s2, matrix, inputDim, bound, in, a0 + 2 * inputDim, m, lanes);
                out[o + 3 * outputDim] = finish(s3, matrix, inputDim, bound, in, a0 + 3 * inputDim, m, lanes);
            }
        }
        for (; r < rows; r++) {
            int a = inOffset + r * inputDim;
            for (int d = 0; d < outputDim; d++) {
                int m = d * inputDim;
                FloatVector acc = FloatVector.zero(s);
                for (int j = 0; j < bound; j += LANES) {
                    acc = FloatVector.fromArray(s, in, a + j).fma(FloatVector.fromArray(s, matrix, m + j), acc);
                }
                out[outOffset + r * outputDim + d] = finish(acc, matrix, inputDim, bound, in, a, m, lanes);
            }
        }
    }

    private static float finish(FloatVector acc, float[] matrix, int inputDim, int bound, float[] in, int a, int m,
                                float[] lanes) {
        acc.intoArray(lanes, 0);
        double s = 0;
        for (int l = 0; l < LANES; l++) {
            s += lanes[l];
        }
        for (int j = bound; j < inputDim; j++) {
            s += (double) matrix[m + j] * in[a + j];
        }
        return (float) s;
    }
}
