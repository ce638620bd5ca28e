package dev.coreset.selection.function;

/**
 * A monotone set function over the ground set {0..n-1} with an internal current set S, in the style of
 * apricot / submodlib: optimizers ask for marginal gains and commit elements; the function keeps whatever
 * memo makes gains cheap. Not thread-safe; one optimizer drives one instance.
 */
public interface SetFunction {
    /** Ground set size n. */
    int size();

    /** Empties the current set. */
    void reset();

    /**
     * Marginal gains f(S + c) - f(S) of candidates[0..count-1] into out[0..count-1]. The value for a
     * candidate must not depend on which other candidates are asked in the same call (optimizers rely on it
     * to give identical answers).
     */
    void gains(int[] candidates, int count, double[] out);

    /** Gains of every element 0..n-1 (out has length >= n); implementations may do this in one blocked pass. */
    default void gainsOfAll(double[] out) {
        int n = size();
        int[] all = new int[n];
        for (int i = 0; i < n; i++) all[i] = i;
        gains(all, n, out);
    }

    /**
     * {@link #gainsOfAll}, called by an optimizer that will add the element with the best gain next (ties to the
     * lowest index), so that an implementation may prepare for that add (see FacilityLocation). Same values.
     */
    default void gainsOfAllBeforeBest(double[] out) {
        gainsOfAll(out);
    }

    /** Marginal gain of one candidate. */
    default double gain(int candidate) {
        double[] out = new double[1];
        gains(new int[] {candidate}, 1, out);
        return out[0];
    }

    /** Adds c to the current set. */
    void add(int candidate);

    /** f(S) of the current set. */
    double value();

    /** f(set) for any set, without touching the current set. */
    double evaluate(int[] set);
}
