package dev.coreset.selection.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Blocked similarity / distance rows: for q queries and all points of a {@link PointSet}, fills a
 * q x paddedSize matrix. Uses ||a||^2 + ||b||^2 - 2ab with 4 queries x 2 panels (2W points) of dot
 * products held in 8 vector registers, so each loaded panel vector feeds 4 FMAs and no lane reduction
 * is needed (lanes run over points).
 *
 * <p>Determinism: every output element is a fixed chain of FMAs over t = 0..d-1 followed by IEEE
 * sqrt / add / mul (and scalar {@link Math#exp} for RBF, which HotSpot keeps consistent between
 * interpreter and compiled code). It therefore does not depend on which other queries share the
 * block, on the thread split, or on JIT state: naive and lazy greedy see bit-identical similarities.
 */
public final class BlockKernel {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int LANES = S.length();
    private static final int QUERY_GROUP = 4;
    /** Points per parallel task (a multiple of 2W); about 256 KB of panels at d = 64. */
    private static final int COLUMN_CHUNK = 1024;

    /** What each output element holds. */
    public enum Output {
        /** squared Euclidean distance (clamped at 0) */
        SQ_DIST,
        /** Euclidean distance */
        DIST,
        /** param - distance (CRAIG's similarity with param = C) */
        EUCLID_SIM,
        /** cosine similarity (0 when either point is zero) */
        COSINE,
        /** exp(-param * squared distance) */
        RBF
    }

    private BlockKernel() {
    }

    /**
     * Fills out[j * outStride + i] for query j and point i in [0, paddedSize) (padding points give
     * meaningless values that callers ignore). outStride must be >= pts.paddedSize().
     */
    public static void compute(PointSet pts, Queries q, Output mode, float param,
                               float[] out, int outStride, Workers workers) {
        int nPad = pts.paddedSize();
        if (outStride < nPad) throw new IllegalArgumentException("outStride < paddedSize");
        int chunks = (nPad + COLUMN_CHUNK - 1) / COLUMN_CHUNK;
        // Few columns per task is not worth a thread hand-off for tiny inputs.
        long work = (long) q.count * nPad * pts.dim();
        Workers w = work < 200_000 ? Workers.inline() : workers;
        w.run(chunks, c -> {
            int from = c * COLUMN_CHUNK;
            int to = Math.min(nPad, from + COLUMN_CHUNK);
            computeColumns(pts, q, mode, param, out, 0, outStride, from, to);
        });
    }

    /**
     * Like {@link #compute} but only for points [from, to), rounded outward to the kernel's 2W-point blocks,
     * on the calling thread; elements outside the rounded range are not written.
     */
    public static void computeRange(PointSet pts, Queries q, Output mode, float param,
                                    float[] out, int outStride, int from, int to) {
        int step = 2 * LANES;
        int a = from / step * step;
        int b = Math.min(pts.paddedSize(), (to + step - 1) / step * step);
        if (a < b) computeColumns(pts, q, mode, param, out, 0, outStride, a, b);
    }

    /**
     * Like {@link #computeRange(PointSet, Queries, Output, float, float[], int, int, int)}, writing query j's
     * row at out[outBase + j * outStride], and never rounding outside [lo, hi) (which must be multiples of 2W
     * or the padded end), so that calls on disjoint [lo, hi) chunks write disjoint elements.
     */
    public static void computeRange(PointSet pts, Queries q, Output mode, float param, float[] out, int outBase,
                                    int outStride, int from, int to, int lo, int hi) {
        int step = 2 * LANES;
        int a = Math.max(lo, from / step * step);
        int b = Math.min(Math.min(pts.paddedSize(), hi == pts.size() ? pts.paddedSize() : hi),
                (to + step - 1) / step * step);
        if (a >= b) return;
        computeColumns(pts, q, mode, param, out, outBase, outStride, a, b);
    }

    /** Points [from, to) (multiples of 2W), all queries; single-threaded. */
    static void computeColumns(PointSet pts, Queries q, Output mode, float param,
                               float[] out, int outBase, int outStride, int from, int to) {
        final int d = pts.dim();
        final float[] panels = pts.panels();
        final float[] qd = q.data;
        final int count = q.count;
        if (count == 1) {
            computeSingle(pts, q, mode, param, out, outBase, from, to);
            return;
        }
        for (int g = 0; g < count; g += QUERY_GROUP) {
            int j0 = g;
            int j1 = Math.min(g + 1, count - 1);
            int j2 = Math.min(g + 2, count - 1);
            int j3 = Math.min(g + 3, count - 1);
            int b0 = q.offsets[j0], b1 = q.offsets[j1], b2 = q.offsets[j2], b3 = q.offsets[j3];
            for (int p = from; p < to; p += 2 * LANES) {
                int off0 = p * d;
                int off1 = off0 + LANES * d;
                FloatVector a00 = FloatVector.zero(S), a01 = FloatVector.zero(S);
                FloatVector a10 = FloatVector.zero(S), a11 = FloatVector.zero(S);
                FloatVector a20 = FloatVector.zero(S), a21 = FloatVector.zero(S);
                FloatVector a30 = FloatVector.zero(S), a31 = FloatVector.zero(S);
                for (int t = 0; t < d; t++) {
                    FloatVector v0 = FloatVector.fromArray(S, panels, off0 + t * LANES);
                    FloatVector v1 = FloatVector.fromArray(S, panels, off1 + t * LANES);
                    FloatVector s0 = FloatVector.broadcast(S, qd[b0 + t]);
                    FloatVector s1 = FloatVector.broadcast(S, qd[b1 + t]);
                    FloatVector s2 = FloatVector.broadcast(S, qd[b2 + t]);
                    FloatVector s3 = FloatVector.broadcast(S, qd[b3 + t]);
                    a00 = v0.fma(s0, a00);
                    a01 = v1.fma(s0, a01);
                    a10 = v0.fma(s1, a10);
                    a11 = v1.fma(s1, a11);
                    a20 = v0.fma(s2, a20);
                    a21 = v1.fma(s2, a21);
                    a30 = v0.fma(s3, a30);
                    a31 = v1.fma(s3, a31);
                }
                // Raw dot products go straight to the output; vectors never leave this method (a vector passed
                // to a call that C2 does not inline gets boxed, which costs 10-30x).
                int o0 = outBase + j0 * outStride + p, o1 = outBase + j1 * outStride + p;
                int o2 = outBase + j2 * outStride + p, o3 = outBase + j3 * outStride + p;
                a00.intoArray(out, o0);
                a01.intoArray(out, o0 + LANES);
                a10.intoArray(out, o1);
                a11.intoArray(out, o1 + LANES);
                a20.intoArray(out, o2);
                a21.intoArray(out, o2 + LANES);
                a30.intoArray(out, o3);
                a31.intoArray(out, o3 + LANES);
            }
            for (int j = g; j < Math.min(g + QUERY_GROUP, count); j++) {
                transform(pts, q, mode, param, out, outBase + j * outStride, j, from, to);
            }
        }
    }

    /** One query: 4 panels (4W points) per register block instead of wasting 3 of 4 query slots. */
    private static void computeSingle(PointSet pts, Queries q, Output mode, float param,
                                      float[] out, int outBase, int from, int to) {
        final int d = pts.dim();
        final float[] panels = pts.panels();
        final float[] qd = q.data;
        final int b0 = q.offsets[0];
        int p = from;
        for (; p + 4 * LANES <= to; p += 4 * LANES) {
            int off0 = p * d;
            int off1 = off0 + LANES * d;
            int off2 = off1 + LANES * d;
            int off3 = off2 + LANES * d;
            FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S);
            FloatVector a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
            for (int t = 0; t < d; t++) {
                FloatVector s0 = FloatVector.broadcast(S, qd[b0 + t]);
                a0 = FloatVector.fromArray(S, panels, off0 + t * LANES).fma(s0, a0);
                a1 = FloatVector.fromArray(S, panels, off1 + t * LANES).fma(s0, a1);
                a2 = FloatVector.fromArray(S, panels, off2 + t * LANES).fma(s0, a2);
                a3 = FloatVector.fromArray(S, panels, off3 + t * LANES).fma(s0, a3);
            }
            a0.intoArray(out, outBase + p);
            a1.intoArray(out, outBase + p + LANES);
            a2.intoArray(out, outBase + p + 2 * LANES);
            a3.intoArray(out, outBase + p + 3 * LANES);
        }
        for (; p < to; p += LANES) {
            int off0 = p * d;
            FloatVector a0 = FloatVector.zero(S);
            for (int t = 0; t < d; t++) {
                a0 = FloatVector.fromArray(S, panels, off0 + t * LANES).fma(FloatVector.broadcast(S, qd[b0 + t]), a0);
            }
            a0.intoArray(out, outBase + p);
        }
        transform(pts, q, mode, param, out, outBase, 0, from, to);
    }

    /** Turns the dot products of query j, points [from, to), into the requested output, in place. */
    private static void transform(PointSet pts, Queries q, Output mode, float param, float[] out, int rowBase,
                                  int j, int from, int to) {
        float[] sq = pts.sqNorms();
        if (mode == Output.COSINE) {
            float[] inv = pts.invNorms();
            float qi = q.invNorms[j];
            for (int p = from; p < to; p += LANES) {
                FloatVector dot = FloatVector.fromArray(S, out, rowBase + p);
                dot.mul(qi).mul(FloatVector.fromArray(S, inv, p)).intoArray(out, rowBase + p);
            }
            return;
        }
        float qn = q.sqNorms[j];
        // One loop per mode, so the vector loop body has no branch.
        switch (mode) {
            case SQ_DIST, RBF -> {
                for (int p = from; p < to; p += LANES) {
                    FloatVector dot = FloatVector.fromArray(S, out, rowBase + p);
                    FloatVector d2 = FloatVector.fromArray(S, sq, p).add(qn).sub(dot.add(dot));
                    // blend, not max(0): float MAX is not intrinsified on every JDK 17 target (scalar fallback).
                    d2.blend(0f, d2.lt(0f)).intoArray(out, rowBase + p);
                }
            }
            case DIST -> {
                for (int p = from; p < to; p += LANES) {
                    FloatVector dot = FloatVector.fromArray(S, out, rowBase + p);
                    FloatVector d2 = FloatVector.fromArray(S, sq, p).add(qn).sub(dot.add(dot));
                    d2.blend(0f, d2.lt(0f)).lanewise(VectorOperators.SQRT).intoArray(out, rowBase + p);
                }
            }
            case EUCLID_SIM -> {
                for (int p = from; p < to; p += LANES) {
                    FloatVector dot = FloatVector.fromArray(S, out, rowBase + p);
                    FloatVector d2 = FloatVector.fromArray(S, sq, p).add(qn).sub(dot.add(dot));
                    FloatVector dist = d2.blend(0f, d2.lt(0f)).lanewise(VectorOperators.SQRT);
                    FloatVector.broadcast(S, param).sub(dist).intoArray(out, rowBase + p);
                }
            }
            default -> throw new IllegalStateException(mode.toString());
        }
        if (mode == Output.RBF) {
            double gamma = param;
            for (int p = from; p < to; p++) out[rowBase + p] = (float) Math.exp(-gamma * out[rowBase + p]);
        }
    }

}
