package dev.coreset.jobs.select;

import dev.coreset.jobs.cld.CldJob;
import dev.coreset.jobs.cld.ScoreWindow;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.selection.graph.GraphPruning;
import dev.coreset.selection.sample.BetaSampling;
import dev.coreset.selection.sample.CoverageSampling;

/**
 * The settings of the dynamics-based methods of {@code coreset select} (ccs, dual, d2); every default is the
 * paper's or documented in README "select".
 *
 * @param score         CCS's stratification score and D2's difficulty: a {@link DynamicsScore} (default aum)
 * @param hardCut       CCS's and D2's beta: a fraction in [0, 1), or "auto" (default): the share of the candidates
 *                      whose AUM is below 0, i.e. whose given label the proxy does not rank first on average (about
 *                      the noise rate plus the hardest ambiguous samples; 0.12 on clean Fashion-MNIST, 0.40 with
 *                      30% noise)
 * @param strata        CCS's K (default 50)
 * @param window        the checkpoints the trajectory scores average over (all | from:N | last:K; default all)
 * @param dualWindow    DUAL's J (default 3)
 * @param dualExponent  DUAL's e in b = 15 (1 - anchor)(1 - r^e) (default 4)
 * @param neighbours    D2's k (default 10)
 * @param gammaForward  D2's forward gamma on distances divided by the part's mean edge distance (default 1)
 * @param gammaReverse  D2's reverse gamma (default 0.1, the paper's)
 */
public record PruningOptions(String score, String hardCut, int strata, String window, int dualWindow,
                             double dualExponent, int neighbours, double gammaForward, double gammaReverse) {
    public static final String AUTO = "auto";

    public static PruningOptions defaults() {
        return new PruningOptions("aum", AUTO, CoverageSampling.DEFAULT_STRATA, "all", CldJob.DEFAULT_DUAL_WINDOW,
                BetaSampling.DEFAULT_EXPONENT, GraphPruning.DEFAULT_K, GraphPruning.DEFAULT_GAMMA_FORWARD,
                GraphPruning.DEFAULT_GAMMA_REVERSE);
    }

    /** The hard cut as a fraction, or null for auto; refuses anything else in one line. */
    public Double hardCutFraction() {
        if (AUTO.equalsIgnoreCase(hardCut.trim())) {
            return null;
        }
        try {
            double v = Double.parseDouble(hardCut.trim());
            if (v >= 0 && v < 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new CoresetInputException("--hard-cut " + hardCut + " is not a fraction in [0, 1) or auto; pass e.g. 0.1"
                + " (drop the hardest 10% of each class) or auto.");
    }

    /** Checks every setting in one line each (before any job runs). */
    public void check() {
        DynamicsScore.parse(score);
        hardCutFraction();
        ScoreWindow.parse(window);
        if (strata < 1) {
            throw new CoresetInputException("--strata " + strata + " must be at least 1; CCS uses 50.");
        }
        if (dualWindow < 2) {
            throw new CoresetInputException("--dual-window " + dualWindow + " must be at least 2 checkpoints, e.g. 3.");
        }
        if (!(dualExponent > 0) || Double.isInfinite(dualExponent)) {
            throw new CoresetInputException("--dual-exponent " + dualExponent + " must be positive; DUAL uses 4.");
        }
        if (neighbours < 1) {
            throw new CoresetInputException("--neighbours " + neighbours + " must be at least 1; D2 uses 10.");
        }
        if (!(gammaForward >= 0) || !(gammaReverse >= 0) || Double.isInfinite(gammaForward)
                || Double.isInfinite(gammaReverse)) {
            throw new CoresetInputException("--gamma-forward " + gammaForward + " and --gamma-reverse " + gammaReverse
                    + " must be finite and >= 0; D2 uses 1 and 0.1.");
        }
    }
}
