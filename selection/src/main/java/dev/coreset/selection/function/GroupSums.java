package dev.coreset.selection.function;

import dev.coreset.selection.kernel.PointSet;
import java.util.function.IntPredicate;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one summation order behind every facility-location gain. A candidate's partial over group g is
 * sum_e max(0, sim_e - cur_e) over the group's points: float lanes (lane = offset mod L) per block of
 * {@value #SUM_BLOCK} points, each block's lanes added into a double in lane order, then the tail terms (offsets
 * past the last multiple of L) in double; a gain adds the partials of the groups in reach in ascending g. Dense
 * rows ({@link #segment}), the columns of a block ({@link #columnChunk}) and sparse lists ({@link Sparse}) all follow
 * it exactly, so each gives the same bits for the same similarities.
 */
final class GroupSums {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final int SUM_BLOCK = 1024;

    private final PointGroups groups;

    GroupSums(PointGroups groups) {
        this.groups = groups;
    }

    /**
     * sum over group g's points of max(0, vals[off + e] - c[start + e]) in the fixed order; with counts, also
     * counts[countAt] = how many terms are positive.
     */
    double segment(float[] vals, int off, float[] c, int g, int[] counts, int countAt) {
        int start = groups.start(g);
        int len = groups.end(g) - start;
        double total = 0;
        int count = 0;
        FloatVector zero = FloatVector.zero(S);
        float[] lanes = new float[L];
        int vecEnd = len - len % L;
        for (int b = 0; b < vecEnd; b += SUM_BLOCK) {
            int end = Math.min(vecEnd, b + SUM_BLOCK);
            FloatVector acc = zero;
            for (int e = b; e < end; e += L) {
                FloatVector diff = FloatVector.fromArray(S, vals, off + e).sub(FloatVector.fromArray(S, c, start + e));
                // blend, not max(0): float MAX is not intrinsified on every JDK 17 target (scalar fallback).
                acc = acc.add(diff.blend(0f, diff.lt(0f)));
                count += diff.compare(VectorOperators.GT, 0f).trueCount();
            }
            acc.intoArray(lanes, 0);
            for (int l = 0; l < L; l++) total += lanes[l];
        }
        for (int e = vecEnd; e < len; e++) {
            float term = vals[off + e] - c[start + e];
            total += Math.max(0f, term);
            if (term > 0f) count++;
        }
        if (counts != null) counts[countAt] = count;
        return total;
    }

    /**
     * {@link #segment} of the same similarities against two memos in one pass over them (the fused first pass needs
     * both): out1[at1] = segment(vals, off, c1, g, null, 0) and out2[at] = segment(vals, off, c2, g, counts2, at), with
     * each sum's operations in exactly segment's order, so the same bits. A loop apart from segment's: one loop for
     * both (as {@link #columnLanes}) made segment, the re-evaluations' hot path, 15% slower.
     */
    void segmentPair(float[] vals, int off, float[] c1, float[] c2, int g, double[] out1, int at1, double[] out2,
                     int[] counts2, int at) {
        int start = groups.start(g);
        int len = groups.end(g) - start;
        double total1 = 0;
        double total2 = 0;
        int count = 0;
        FloatVector zero = FloatVector.zero(S);
        float[] lanes1 = new float[L];
        float[] lanes2 = new float[L];
        int vecEnd = len - len % L;
        for (int b = 0; b < vecEnd; b += SUM_BLOCK) {
            int end = Math.min(vecEnd, b + SUM_BLOCK);
            FloatVector acc1 = zero;
            FloatVector acc2 = zero;
            for (int e = b; e < end; e += L) {
                FloatVector v = FloatVector.fromArray(S, vals, off + e);
                FloatVector diff1 = v.sub(FloatVector.fromArray(S, c1, start + e));
                FloatVector diff2 = v.sub(FloatVector.fromArray(S, c2, start + e));
                acc1 = acc1.add(diff1.blend(0f, diff1.lt(0f)));
                acc2 = acc2.add(diff2.blend(0f, diff2.lt(0f)));
                count += diff2.compare(VectorOperators.GT, 0f).trueCount();
            }
            acc1.intoArray(lanes1, 0);
            acc2.intoArray(lanes2, 0);
            for (int l = 0; l < L; l++) {
                total1 += lanes1[l];
                total2 += lanes2[l];
            }
        }
        for (int e = vecEnd; e < len; e++) {
            float v = vals[off + e];
            float term1 = v - c1[start + e];
            float term2 = v - c2[start + e];
            total1 += Math.max(0f, term1);
            total2 += Math.max(0f, term2);
            if (term2 > 0f) count++;
        }
        out1[at1] = total1;
        out2[at] = total2;
        counts2[at] = count;
    }

    /**
     * One sum block of group a's points against the columns of a block, whose columns are group b's points (point p
     * at x = p - lo) and whose row j is a's point at position rowStart + j, for rows [rowStart, rowEnd): rowStart -
     * start(a) a multiple of {@value #SUM_BLOCK}, at most that many rows. For every point p of b it adds their terms
     * against c1 into total1[p - start(b)], with c2 also against c2 into total2, and with count the positive terms
     * (c2's when given, else c1's) into count: the chunk's float lanes (lane l sums rows j = l, l + L, ... in order)
     * in lane order, then its tail rows (positions past the group's last multiple of L). So the chunks of a in
     * ascending order, from zeroed totals, give exactly {@link #segment}'s bits for each of b's points over group a;
     * {@code lanes} holds 3 L width floats.
     */
    void columnChunk(float[] block, int width, int lo, int a, int rowStart, int rowEnd, int b, float[] lanes,
                     float[] c1, double[] total1, float[] c2, double[] total2, int[] count) {
        int sa = groups.start(a);
        int rows = groups.end(a) - sa;
        int tailFrom = sa + rows - rows % L;
        int vecRows = Math.max(0, Math.min(rowEnd, tailFrom) - rowStart);
        boolean pair = c2 != null;
        boolean counts = count != null;
        if (vecRows > 0 && pair) {
            columnLanesPair(block, width, lo, rowStart, vecRows, b, lanes, c1, c2);
        } else if (vecRows > 0) {
            columnLanes(block, width, lo, rowStart, vecRows, b, lanes, c1);
        }
        int sb = groups.start(b);
        int eb = groups.end(b);
        for (int p = sb; p < eb; p++) {
            int x = p - lo;
            int at = p - sb;
            double t1 = total1[at];
            double t2 = pair ? total2[at] : 0;
            int k = counts ? count[at] : 0;
            if (vecRows > 0) {
                for (int l = 0; l < L; l++) t1 += lanes[l * width + x];
                if (pair) for (int l = 0; l < L; l++) t2 += lanes[(2 * L + l) * width + x];
                if (counts) for (int l = 0; l < L; l++) k += (int) lanes[(L + l) * width + x];
            }
            for (int j = vecRows; j < rowEnd - rowStart; j++) {
                float v = block[j * width + x];
                float term1 = v - c1[rowStart + j];
                t1 += Math.max(0f, term1);
                if (pair) {
                    float term2 = v - c2[rowStart + j];
                    t2 += Math.max(0f, term2);
                    if (term2 > 0f) k++;
                } else if (term1 > 0f) {
                    k++;
                }
            }
            total1[at] = t1;
            if (pair) total2[at] = t2;
            if (counts) count[at] = k;
        }
    }

    /**
     * The lanes of {@link #columnChunk}'s first vecRows rows against c1: region 0 the sums, region 1 the positive
     * terms. Each lane of a vector of columns is summed in a register over its rows (which stay in L1: one
     * cache line per row), so lanes is written once per entry instead of read and written once per row. Apart from
     * {@link #columnLanesPair}: one loop for both, branching on c2, is compiled for the first caller's profile, and
     * the other caller's branch then deoptimises it into the Vector API's allocating fallback (2 GB of garbage in one
     * lazy greedy on 20,000 points).
     */
    private void columnLanes(float[] block, int width, int lo, int rowStart, int vecRows, int b, float[] lanes,
                             float[] c1) {
        int cols = columns(lo, b);
        FloatVector zero = FloatVector.zero(S);
        for (int x = 0; x < cols; x += L) {
            for (int l = 0; l < L; l++) {
                FloatVector sum = zero;
                FloatVector positive = zero;
                for (int j = l; j < vecRows; j += L) {
                    FloatVector diff = FloatVector.fromArray(S, block, j * width + x).sub(c1[rowStart + j]);
                    // blend, not max(0): float MAX is not intrinsified on every JDK 17 target (scalar fallback).
                    sum = sum.add(diff.blend(0f, diff.lt(0f)));
                    positive = positive.add(zero.blend(1f, diff.compare(VectorOperators.GT, 0f)));
                }
                sum.intoArray(lanes, l * width + x);
                positive.intoArray(lanes, (L + l) * width + x);
            }
        }
    }

    /** {@link #columnLanes} against two memos: region 0 against c1, region 2 against c2, region 1 counting c2's. */
    private void columnLanesPair(float[] block, int width, int lo, int rowStart, int vecRows, int b, float[] lanes,
                                 float[] c1, float[] c2) {
        int cols = columns(lo, b);
        FloatVector zero = FloatVector.zero(S);
        for (int x = 0; x < cols; x += L) {
            for (int l = 0; l < L; l++) {
                FloatVector sum1 = zero;
                FloatVector sum2 = zero;
                FloatVector positive = zero;
                for (int j = l; j < vecRows; j += L) {
                    FloatVector v = FloatVector.fromArray(S, block, j * width + x);
                    FloatVector diff1 = v.sub(c1[rowStart + j]);
                    FloatVector diff2 = v.sub(c2[rowStart + j]);
                    sum1 = sum1.add(diff1.blend(0f, diff1.lt(0f)));
                    sum2 = sum2.add(diff2.blend(0f, diff2.lt(0f)));
                    positive = positive.add(zero.blend(1f, diff2.compare(VectorOperators.GT, 0f)));
                }
                sum1.intoArray(lanes, l * width + x);
                positive.intoArray(lanes, (L + l) * width + x);
                sum2.intoArray(lanes, (2 * L + l) * width + x);
            }
        }
    }

    /** Columns of a block whose columns are group b's points from lo, rounded up to the kernel's 2W blocks. */
    private int columns(int lo, int b) {
        int step = 2 * PointSet.W;
        return (groups.end(b) + step - 1) / step * step - lo;
    }

    /**
     * One candidate's gain from its positive terms only, given in ascending position: exactly the dense order,
     * since the terms left out are exactly zero and change no float or double sum. Not thread-safe.
     */
    final class Sparse {
        private final float[] lanes = new float[L];
        /** Bit l set when lane l holds a term (L is at most 16 for floats). */
        private int touched;
        private IntPredicate inReach;
        private double gain;
        private double groupTotal;
        private int group;
        private int start;
        private int vecEnd;
        private int block;

        void begin(IntPredicate groupInReach) {
            inReach = groupInReach;
            gain = 0;
            groupTotal = 0;
            group = -1;
            block = -1;
        }

        /** Adds term (&gt; 0) of the point at position i of group g. */
        void add(int i, int g, float term) {
            if (g != group) {
                endGroup();
                group = g;
                groupTotal = 0;
                start = groups.start(g);
                int size = groups.end(g) - start;
                vecEnd = size - size % L;
            }
            int e = i - start;
            if (e < vecEnd) {
                int b = e / SUM_BLOCK;
                if (b != block) {
                    flushLanes();
                    block = b;
                }
                lanes[e % L] += term;
                touched |= 1 << (e % L);
            } else {
                flushLanes();
                groupTotal += term;
            }
        }

        double end() {
            endGroup();
            return gain;
        }

        private void endGroup() {
            flushLanes();
            if (group >= 0 && inReach.test(group)) gain += groupTotal;
        }

        /**
         * The block's lanes one by one in lane order into the group's double, as segment adds them; lanes without a
         * term hold +0, and adding +0 to a non-negative double changes no bit, so only the touched ones are added.
         */
        private void flushLanes() {
            if (block < 0) return;
            for (int t = touched; t != 0; t &= t - 1) {
                int l = Integer.numberOfTrailingZeros(t);
                groupTotal += lanes[l];
                lanes[l] = 0f;
            }
            touched = 0;
            block = -1;
        }
    }
}
