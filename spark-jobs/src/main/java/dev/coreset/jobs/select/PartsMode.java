package dev.coreset.jobs.select;

import dev.coreset.schemas.CoresetInputException;
import java.util.Locale;

/** How GreeDi cuts each class into parts of at most {@code --partition-size} points. */
public enum PartsMode {
    /** Seeded random parts: what GreeDi's approximation guarantee assumes. */
    RANDOM,
    /** k-means on a bounded sample of the class, every point to its nearest center: neighbours share a part. */
    KMEANS;

    /**
     * What {@code coreset select} uses unless told otherwise: k-means parts gave a 0.5-0.6% lower k-medoid cost for
     * about the same time at 200k and 1M points (docs/BENCHMARKS.md, GreeDi parts); {@code --parts random} keeps
     * GreeDi's guarantee.
     */
    public static final PartsMode DEFAULT = KMEANS;

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static PartsMode parse(String name) {
        for (PartsMode m : values()) {
            if (m.cliName().equals(name.toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new CoresetInputException("--parts " + name + " is unknown; use random or kmeans.");
    }
}
