package dev.coreset.jobs.demo;

import dev.coreset.jobs.ingest.NoiseKind;
import dev.coreset.schemas.CoresetInputException;
import java.util.Locale;

/**
 * One label-noise setting of the demo: a rate and a kind. Written "0" (clean), "0.3" or "uniform:0.3" (30% of the train
 * labels flipped to any other class) and "pair:0.3" (30% flipped from class c to c + 1); its tag names its folder and
 * its rows in the report: clean, noise30, pair30.
 */
public record DemoNoise(double rate, NoiseKind kind) {
    public static final DemoNoise CLEAN = new DemoNoise(0, NoiseKind.UNIFORM);

    public DemoNoise {
        if (!(rate >= 0 && rate < 1)) {
            throw new CoresetInputException("--noise " + rate + " is outside [0, 1); pass e.g. 0,0.3,pair:0.3.");
        }
        kind = rate == 0 ? NoiseKind.UNIFORM : kind;
    }

    public static DemoNoise parse(String spec) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        NoiseKind kind = NoiseKind.UNIFORM;
        int colon = s.indexOf(':');
        if (colon >= 0) {
            kind = NoiseKind.parse(s.substring(0, colon));
            s = s.substring(colon + 1);
        }
        try {
            return new DemoNoise(Double.parseDouble(s), kind);
        } catch (NumberFormatException e) {
            throw new CoresetInputException("--noise " + spec + " is not RATE, uniform:RATE or pair:RATE; pass e.g."
                    + " 0,0.3,pair:0.3.");
        }
    }

    /** The spec this setting is written as in the plan ("0", "0.3", "pair:0.3"). */
    public String spec() {
        String r = DemoRunner.num(rate);
        return kind == NoiseKind.PAIR ? "pair:" + r : r;
    }

    /** Folder and report name: clean, noise30 (uniform), pair30. */
    public String tag() {
        if (rate == 0) {
            return "clean";
        }
        return (kind == NoiseKind.PAIR ? "pair" : "noise") + Math.round(rate * 100);
    }

    public boolean noisy() {
        return rate > 0;
    }
}
