package dev.coreset.selection.optimize;

import dev.coreset.selection.function.SetFunction;

/** Maximizes a set function under a cardinality constraint k. Resets the function first. */
public interface Optimizer {
    SelectionResult maximize(SetFunction f, int k);

    /** k clamped to [0, n]; negative k is an error. */
    static int checkK(SetFunction f, int k) {
        if (k < 0) throw new IllegalArgumentException("k must be >= 0, got " + k);
        return Math.min(k, f.size());
    }
}
