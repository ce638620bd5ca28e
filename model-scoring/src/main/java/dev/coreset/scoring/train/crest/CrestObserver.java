package dev.coreset.scoring.train.crest;

import ai.djl.Model;
import java.util.List;

/**
 * Sees CREST's decisions as they happen (logging, tests, reports). Ids are sample ids of the training rows.
 * The model passed in is the live one: valid only during the call, and not to be changed.
 */
public interface CrestObserver {
    CrestObserver NONE = new CrestObserver() {
    };

    /**
     * A selection before training step {@code step} (0-based over the run).
     *
     * @param subsets  sample ids of each random subset R_p (drawn from the candidate pool)
     * @param losses   loss of each row of the subsets, in the same order (subset 0 first)
     * @param coresets the mini-batch coreset selected from each subset: ids and CRAIG weights
     * @param dropped  ids that became learned at this measurement and left the pool
     */
    default void selected(long step, List<long[]> subsets, float[] losses, List<Coreset> coresets, long[] dropped,
                          Model model) {
    }

    /**
     * A check of the quadratic model before step {@code step}.
     *
     * @param rows      ids of the random subsets' rows measured (all subsets, subset 0 first)
     * @param losses    their losses under the current model
     * @param trueLoss  mean of {@code losses}
     * @param predicted the quadratic model's value Q(w)
     * @param reselect  true when the relative error reached tau (a selection follows)
     */
    default void checked(long step, long[] rows, float[] losses, double trueLoss, double predicted,
                         double relativeError, boolean reselect, long[] dropped) {
    }

    /** A mini-batch coreset by sample id. */
    record Coreset(long[] ids, float[] weights) {
    }
}
