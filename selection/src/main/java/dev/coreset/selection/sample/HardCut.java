package dev.coreset.selection.sample;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.Comparator;

/**
 * The hard cut of CCS (and of D2 here): of one class, drop the hardest fraction beta by a difficulty score before
 * anything is drawn. Scores are oriented so that LOW = HARD (AUM, mean p_y); callers negate scores where high is
 * hard (loss, EL2N, forgetting). Ties are broken by index, so callers order a class's rows by sample id first.
 */
public final class HardCut {
    private HardCut() {
    }

    /**
     * How many of n samples the cut drops: floor(beta x n), lowered so that at least {@code budget} remain (a
     * budget larger than what the cut leaves wins over the cut). beta x n is taken in decimal, as beta is written
     * (0.29 x 100 = 29): the double product 28.999999999999996 would floor one short.
     */
    public static int dropped(int n, double beta, int budget) {
        if (!(beta >= 0 && beta < 1)) {
            throw new IllegalArgumentException("hard cut must be in [0, 1), got " + beta);
        }
        if (budget < 0 || budget > n) {
            throw new IllegalArgumentException("budget " + budget + " outside 0.." + n);
        }
        int cut = BigDecimal.valueOf(beta).multiply(BigDecimal.valueOf(n)).setScale(0, RoundingMode.FLOOR)
                .intValueExact();
        return Math.min(cut, n - budget);
    }

    /** Indices sorted by (score ascending, index ascending): hardest first. NaN and infinite scores are refused. */
    public static int[] hardestFirst(double[] lowIsHard) {
        for (int i = 0; i < lowIsHard.length; i++) {
            if (!Double.isFinite(lowIsHard[i])) {
                // An infinite score would stretch the strata's range until every other sample shares one stratum.
                throw new IllegalArgumentException("score of sample " + i + " is not finite: " + lowIsHard[i]);
            }
        }
        Integer[] idx = new Integer[lowIsHard.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        // + 0.0 turns -0.0 into 0.0: a negated zero score ties with 0 and goes by index like any tie.
        Arrays.sort(idx, Comparator.<Integer>comparingDouble(i -> lowIsHard[i] + 0.0).thenComparingInt(i -> i));
        return Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
    }

    /** The indices the cut keeps, ascending by (score, index): all but the {@link #dropped} hardest. */
    public static int[] kept(double[] lowIsHard, double beta, int budget) {
        int[] order = hardestFirst(lowIsHard);
        int cut = dropped(order.length, beta, budget);
        return Arrays.copyOfRange(order, cut, order.length);
    }
}
