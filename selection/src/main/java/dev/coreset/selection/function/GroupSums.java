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
 * rows ({@link #segment}), the columns of a block ({@link #columnSums}) and sparse lists ({@link Sparse}) all follow
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
     * The column sums of a block (rows: group a's points; columns: group b's, point p at x = p - lo) against c,
     * for a of at most {@value #SUM_BLOCK} points: lane l of column x, {@code lanes[l * width + x]}, sums rows
     * j = l, l + L, ... in order; with counts, region 1 of lanes ({@code lanes[(L + l) * width + x]}) counts the
     * positive terms the same way. {@link #columnTotal} and {@link #columnCount} finish a column.
     */
    void columnSums(float[] block, int width, int lo, int a, int b, float[] lanes, float[] c, boolean counts) {
        columnLanes(block, width, lo, a, b, lanes, c, null, counts);
    }

    /**
     * {@link #columnSums} against two memos in one pass over the block: region 0 of lanes sums against c1, region 2
     * against c2 and region 1 counts c2's positive terms (lanes holds 3 L width floats), each in exactly
     * columnSums' order. Finish with {@link #columnTotal} (regions 0 and 2) and {@link #columnCount} (region 1).
     */
    void columnSumsPair(float[] block, int width, int lo, int a, int b, float[] lanes, float[] c1, float[] c2) {
        columnLanes(block, width, lo, a, b, lanes, c1, c2, true);
    }

    /**
     * Both of the above: each lane of a vector of columns is summed in a register over its rows (which stay in L1:
     * one cache line per row), so lanes is written once per entry instead of read and written once per row. The
     * counts are c2's when given, else c1's. (C2 unswitches the loop on c2 and counts.)
     */
    private void columnLanes(float[] block, int width, int lo, int a, int b, float[] lanes, float[] c1, float[] c2,
                             boolean counts) {
        int sa = groups.start(a), rows = groups.end(a) - sa;
        int cols = columns(lo, b);
        int vecEnd = rows - rows % L;
        boolean pair = c2 != null;
        FloatVector zero = FloatVector.zero(S);
        for (int x = 0; x < cols; x += L) {
            for (int l = 0; l < L; l++) {
                FloatVector sum1 = zero;
                FloatVector sum2 = zero;
                FloatVector positive = zero;
                for (int j = l; j < vecEnd; j += L) {
                    FloatVector v = FloatVector.fromArray(S, block, j * width + x);
                    FloatVector diff = v.sub(c1[sa + j]);
                    // blend, not max(0): float MAX is not intrinsified on every JDK 17 target (scalar fallback).
                    sum1 = sum1.add(diff.blend(0f, diff.lt(0f)));
                    if (pair) {
                        diff = v.sub(c2[sa + j]);
                        sum2 = sum2.add(diff.blend(0f, diff.lt(0f)));
                    }
                    if (counts) positive = positive.add(zero.blend(1f, diff.compare(VectorOperators.GT, 0f)));
                }
                sum1.intoArray(lanes, l * width + x);
                if (counts) positive.intoArray(lanes, (L + l) * width + x);
                if (pair) sum2.intoArray(lanes, (2 * L + l) * width + x);
            }
        }
    }

    /** Columns of a block whose columns are group b's points from lo, rounded up to the kernel's 2W blocks. */
    private int columns(int lo, int b) {
        int step = 2 * PointSet.W;
        return (groups.end(b) + step - 1) / step * step - lo;
    }

    /** Point p's (of group b) partial over group a from filled lanes: the lanes in order, then the tail rows. */
    double columnTotal(float[] block, int width, int lo, int a, int p, float[] lanes, float[] c) {
        return columnTotal(block, width, lo, a, p, lanes, 0, c);
    }

    /** {@link #columnTotal} from lanes' region {@code region} (of L width floats). */
    double columnTotal(float[] block, int width, int lo, int a, int p, float[] lanes, int region, float[] c) {
        int sa = groups.start(a), rows = groups.end(a) - sa;
        int vecEnd = rows - rows % L;
        int x = p - lo;
        int base = region * L * width;
        double total = 0;
        for (int l = 0; l < L; l++) total += lanes[base + l * width + x];
        for (int j = vecEnd; j < rows; j++) total += Math.max(0f, block[j * width + x] - c[sa + j]);
        return total;
    }

    /** Point p's positive terms over group a from the count lanes (region 1) filled by {@link #columnSums}. */
    int columnCount(float[] block, int width, int lo, int a, int p, float[] lanes, float[] c) {
        int sa = groups.start(a), rows = groups.end(a) - sa;
        int vecEnd = rows - rows % L;
        int x = p - lo;
        int count = 0;
        for (int l = 0; l < L; l++) count += (int) lanes[L * width + l * width + x];
        for (int j = vecEnd; j < rows; j++) if (block[j * width + x] - c[sa + j] > 0f) count++;
        return count;
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
