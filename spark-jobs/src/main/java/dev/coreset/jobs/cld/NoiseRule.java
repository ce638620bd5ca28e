package dev.coreset.jobs.cld;

import dev.coreset.schemas.CoresetInputException;
import java.util.Locale;

/**
 * Which rule {@code coreset noise} flags by (docs/BENCHMARKS.md, "Noise flags under pair noise"):
 * <ul>
 *   <li>mixture: per class, a two-component mixture on log last_loss (flags only classes with a minority high-loss
 *   population above chance level); sharp on uniform noise, blind to class-conditional noise, whose flipped labels
 *   keep a moderate loss;</li>
 *   <li>posterior: the label-noise model of the proxy's mean probabilities (confident joint, transition matrix,
 *   P(true class = label) < 0.5); needs a dynamics table with probs (scores with logits-grad embeddings);</li>
 *   <li>auto (default): per class, the mixture where it finds a noisy population, the posterior elsewhere (the mixture
 *   alone without probs).</li>
 * </ul>
 */
public enum NoiseRule {
    AUTO, MIXTURE, POSTERIOR;

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static NoiseRule parse(String s) {
        for (NoiseRule r : values()) {
            if (r.cliName().equals(s.trim().toLowerCase(Locale.ROOT))) {
                return r;
            }
        }
        throw new CoresetInputException("--rule " + s + " is unknown; use auto, mixture or posterior.");
    }
}
