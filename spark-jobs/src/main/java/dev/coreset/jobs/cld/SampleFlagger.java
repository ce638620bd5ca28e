package dev.coreset.jobs.cld;

import dev.coreset.selection.noise.LabelNoiseModel;
import java.io.Serializable;
import java.util.Map;
import java.util.Set;

/**
 * Decides one sample's flag from the rules' per-class parameters (shipped to the executors): the mixture's posterior
 * and threshold for classes whose fit found a noisy population, and the label-noise model's posterior. Which rule
 * decides a class was settled on the driver ({@link NoiseJob}); both verdicts are kept for the comparison the command
 * prints.
 */
final class SampleFlagger implements Serializable {
    /** A mixture accepted as label noise: {p1, m1, s1, p2, m2, s2, threshold} (component 2 = high loss). */
    private final Map<Integer, double[]> mixtures;
    /** Null when the dynamics carry no probabilities or the rule is mixture. */
    private final LabelNoiseModel model;
    /** Classes whose flags come from the mixture; the others from the posterior. */
    private final Set<Integer> mixtureClasses;

    SampleFlagger(Map<Integer, double[]> mixtures, LabelNoiseModel model, Set<Integer> mixtureClasses) {
        this.mixtures = mixtures;
        this.model = model;
        this.mixtureClasses = mixtureClasses;
    }

    /** One sample's verdicts. {@code posteriorFlag} is null when no model was fitted. */
    record Verdict(double score, String rule, Integer suggested, boolean flagged, boolean mixtureFlag,
                   Boolean posteriorFlag) {
    }

    /**
     * @param x     log of the sample's last_loss
     * @param probs its mean class probabilities, or null
     */
    Verdict judge(int label, double x, float[] probs) {
        double[] m = mixtures.get(label);
        double mixtureScore = 0;
        boolean mixtureFlag = false;
        if (m != null) {
            // Past the high component's mean a narrower high component would make a higher loss look less suspicious,
            // which it never is: the odds are taken at min(x, high mean).
            double odds = NoiseThreshold.logPosteriorOdds(Math.min(x, m[4]), m[0], m[1], m[2], m[3], m[4], m[5]);
            mixtureScore = 1 / (1 + Math.exp(-odds));
            mixtureFlag = x > m[6];
        }
        Boolean posteriorFlag = null;
        double posteriorScore = 0;
        Integer suggested = null;
        if (model != null && probs != null) {
            double[] p = model.labelPosterior(probs, label);
            posteriorScore = 1 - p[0];
            posteriorFlag = p[0] < 0.5;
            suggested = (int) p[1] == label ? null : (int) p[1];
        }
        boolean byMixture = model == null || mixtureClasses.contains(label);
        boolean flagged = byMixture ? mixtureFlag : Boolean.TRUE.equals(posteriorFlag);
        return new Verdict(byMixture ? mixtureScore : posteriorScore, byMixture ? "mixture" : "posterior", suggested,
                flagged, mixtureFlag, posteriorFlag);
    }
}
