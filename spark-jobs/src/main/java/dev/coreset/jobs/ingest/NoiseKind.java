package dev.coreset.jobs.ingest;

import dev.coreset.schemas.CoresetInputException;
import java.util.Locale;

/**
 * How {@code ingest --label-noise} picks the wrong label of a flipped sample: uniform (any other class, equally
 * likely: symmetric noise) or pair (class c always becomes c + 1 mod C: the asymmetric, class-conditional noise of
 * the noisy-label literature, closer to real annotation mistakes, where one class is taken for a similar one).
 */
public enum NoiseKind {
    UNIFORM, PAIR;

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static NoiseKind parse(String s) {
        for (NoiseKind k : values()) {
            if (k.cliName().equals(s.trim().toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        throw new CoresetInputException("--noise-kind " + s + " is unknown; use uniform or pair.");
    }
}
