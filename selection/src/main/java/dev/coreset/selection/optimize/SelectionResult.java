package dev.coreset.selection.optimize;

import java.util.Arrays;

/**
 * What an optimizer returns: the selected row indices in the order they were picked, the marginal gain of
 * each pick in the same order, and the objective value of the whole selection.
 */
public record SelectionResult(int[] indices, double[] gains, double objective) {
    public int size() {
        return indices.length;
    }

    /** Indices mapped through {@code ids} (e.g. local part rows to global rows, or rows to sample ids). */
    public SelectionResult mapIndices(int[] ids) {
        int[] out = new int[indices.length];
        for (int j = 0; j < out.length; j++) out[j] = ids[indices[j]];
        return new SelectionResult(out, gains, objective);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SelectionResult r && Arrays.equals(indices, r.indices)
                && Arrays.equals(gains, r.gains) && Double.compare(objective, r.objective) == 0;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(indices) * 31 + Arrays.hashCode(gains);
    }

    @Override
    public String toString() {
        return "SelectionResult{k=" + indices.length + ", objective=" + objective + ", indices="
                + Arrays.toString(indices.length > 10 ? Arrays.copyOf(indices, 10) : indices) + "}";
    }
}
