package dev.coreset.jobs.demo;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Everything the demo measured, saved as {@code results.json}; the report is made from this alone.
 * Lists are synchronized: final training runs finish on several threads.
 */
public final class DemoResults {
    /** The seconds one stage took ({@code reused}: an earlier run made it; its recorded time is kept). */
    public record StageTime(@JsonProperty("noise") String noise, @JsonProperty("stage") String stage,
                            @JsonProperty("detail") String detail, @JsonProperty("seconds") double seconds,
                            @JsonProperty("reused") boolean reused) {
    }

    /**
     * One final training run: a coreset's samples (or the full train split, method "full", fraction 1) for the full run's
     * number of optimizer steps. Lists have one entry per evaluation (the end of every epoch, and the last step when it
     * ends an epoch early): test and val accuracy, the optimizer steps so far and the cumulative training seconds. The
     * equal-epochs figure of a coreset is its entry at the plan's epochs (the same run, read earlier).
     */
    public record Run(@JsonProperty("noise") String noise, @JsonProperty("method") String method,
                      @JsonProperty("fraction") double fraction, @JsonProperty("seed") int seed,
                      @JsonProperty("rows") long rows, @JsonProperty("testAccuracy") List<Double> testAccuracy,
                      @JsonProperty("valAccuracy") List<Double> valAccuracy, @JsonProperty("steps") List<Long> steps,
                      @JsonProperty("epochSeconds") List<Double> epochSeconds,
                      @JsonProperty("trainSeconds") double trainSeconds,
                      @JsonProperty("selectSeconds") double selectSeconds) {
        /** Test accuracy at the last evaluation (equal steps; for the full data, its only protocol). */
        public double finalAccuracy() {
            return at(testAccuracy, testAccuracy.size() - 1);
        }

        /** The evaluation index at the end of epoch {@code epochs} (the last one when the run is shorter). */
        public int indexAtEpoch(int epochs) {
            return Math.min(epochs, testAccuracy.size()) - 1;
        }

        static double at(List<Double> values, int i) {
            return i < 0 || i >= values.size() || values.get(i) == null ? Double.NaN : values.get(i);
        }
    }

    /**
     * What a coreset holds: samples per class, how many of them carry a flipped label and how many are injected copies
     * (demo --duplicates; 0 otherwise).
     */
    public record Coreset(@JsonProperty("noise") String noise, @JsonProperty("method") String method,
                          @JsonProperty("fraction") double fraction, @JsonProperty("seed") Integer seed,
                          @JsonProperty("rows") long rows, @JsonProperty("classCounts") List<Long> classCounts,
                          @JsonProperty("noisy") long noisy, @JsonProperty("injected") long injected) {
    }

    /**
     * What `coreset dedup` caught of the injected copies (demo --duplicates). A flag is right when the flagged item and
     * the item it was kept against are an original and its copy (either way round); each copy makes one such pair, so
     * recall is right flags over copies. {@code caughtExact}/{@code caughtNear}: right flags per kind of copy.
     */
    public record Duplicates(@JsonProperty("noise") String noise, @JsonProperty("injected") long injected,
                             @JsonProperty("injectedExact") long injectedExact, @JsonProperty("flagged") long flagged,
                             @JsonProperty("right") long right, @JsonProperty("caughtExact") long caughtExact,
                             @JsonProperty("caughtNear") long caughtNear, @JsonProperty("epsilon") double epsilon) {
        public double precision() {
            return flagged == 0 ? Double.NaN : (double) right / flagged;
        }

        public double recall() {
            return injected == 0 ? Double.NaN : (double) right / injected;
        }
    }

    /** The train split of one noise level: samples per class and flipped labels. */
    public record Dataset(@JsonProperty("noise") String noise, @JsonProperty("rows") long rows,
                          @JsonProperty("classCounts") List<Long> classCounts, @JsonProperty("noisy") long noisy) {
    }

    /** Noise flags of one noise level against the true flips (precision/recall NaN when nothing to measure). */
    public record Flags(@JsonProperty("noise") String noise, @JsonProperty("flagged") long flagged,
                        @JsonProperty("truePositives") long truePositives, @JsonProperty("noisy") long noisy,
                        @JsonProperty("trainRows") long trainRows) {
        public double precision() {
            return flagged == 0 ? Double.NaN : (double) truePositives / flagged;
        }

        public double recall() {
            return noisy == 0 ? Double.NaN : (double) truePositives / noisy;
        }
    }

    @JsonProperty("plan")
    public DemoPlan plan;
    @JsonProperty("stages")
    public List<StageTime> stages = Collections.synchronizedList(new ArrayList<>());
    @JsonProperty("runs")
    public List<Run> runs = Collections.synchronizedList(new ArrayList<>());
    @JsonProperty("coresets")
    public List<Coreset> coresets = Collections.synchronizedList(new ArrayList<>());
    @JsonProperty("datasets")
    public List<Dataset> datasets = Collections.synchronizedList(new ArrayList<>());
    @JsonProperty("flags")
    public List<Flags> flags = Collections.synchronizedList(new ArrayList<>());
    @JsonProperty("duplicates")
    public List<Duplicates> duplicates = Collections.synchronizedList(new ArrayList<>());
    @JsonProperty("wallSeconds")
    public double wallSeconds;

    public DemoResults() {
    }

    public DemoResults(DemoPlan plan) {
        this.plan = plan;
    }
}
