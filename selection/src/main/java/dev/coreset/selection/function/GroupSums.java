package dev.coreset.selection.function;

import dev.coreset.selection.kernel.PointSet;
import java.util.Arrays;
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
     * The column sums of a block (rows: group a's points; columns: group b's, point p at x = p - lo) against c,
     * for a of at most {@value #SUM_BLOCK} points: lane l of column x, {@code lanes[l * width + x]}, sums rows
     * j = l, l + L, ... in order, vectorized across columns so the block is read row by row; with counts the second
     * half of lanes counts the positive terms the same way. {@link #columnTotal} and {@link #columnCount} finish a
     * column.
     */
    void columnSums(float[] block, int width, int lo, int a, int b, float[] lanes, float[] c, boolean counts) {
        int sa = groups.start(a), rows = groups.end(a) - sa;
        int eb = groups.end(b);
        int step = 2 * PointSet.W;
        int cols = (eb + step - 1) / step * step - lo;
        int vecEnd = rows - rows % L;
        int countBase = L * width;
        Arrays.fill(lanes, 0, (counts ? 2 : 1) * L * width, 0f);
        FloatVector zero = FloatVector.zero(S);
        for (int j = 0; j < vecEnd; j++) {
            float cj = c[sa + j];
            int row = j * width;
            int lane = (j % L) * width;
            for (int x = 0; x < cols; x += L) {
                FloatVector diff = FloatVector.fromArray(S, block, row + x).sub(cj);
                FloatVector.fromArray(S, lanes, lane + x).add(diff.blend(0f, diff.lt(0f))).intoArray(lanes, lane + x);
                if (counts) {
                    FloatVector.fromArray(S, lanes, countBase + lane + x)
                            .add(zero.blend(1f, diff.compare(VectorOperators.GT, 0f))).intoArray(lanes, countBase + lane + x);
                }
            }
        }
    }

    /** Point p's (of group b) partial over group a from filled lanes: the lanes in order, then the tail rows. */
    double columnTotal(float[] block, int width, int lo, int a, int p, float[] lanes, float[] c) {
        int sa = groups.start(a), rows = groups.end(a) - sa;
        int vecEnd = rows - rows % L;
        int x = p - lo;
        double total = 0;
        for (int l = 0; l < L; l++) total += lanes[l * width + x];
        for (int j = vecEnd; j < rows; j++) total += Math.max(0f, block[j * width + x] - c[sa + j]);
        return total;
    }

    /** Point p's positive terms over group a from the count lanes filled by {@link #columnSums}. */
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

        /** The block's lanes one by one in lane order into the group's double, as segment adds them. */
        private void flushLanes() {
            if (block < 0) return;
            for (int l = 0; l < L; l++) {
                groupTotal += lanes[l];
                lanes[l] = 0f;
            }
            block = -1;
        }
    }
}
