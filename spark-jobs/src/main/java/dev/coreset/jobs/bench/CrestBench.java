package dev.coreset.jobs.bench;

import dev.coreset.jobs.train.ManifestSubset;
import dev.coreset.jobs.train.TrainJob;
import dev.coreset.jobs.train.TrainingRun;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.scoring.model.ModelSpec;
import dev.coreset.scoring.train.TrainOptions;
import dev.coreset.scoring.train.crest.CrestOptions;
import dev.coreset.scoring.train.crest.CrestSummary;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;

/**
 * CREST against full-data training with the same recipe (model, learning rate, batch size, epochs, seed), one
 * after the other on this JVM: the full-data run's final test accuracy minus {@code margin} is the target, and
 * the figure is CREST's wall time until its test accuracy first reaches it. Wall times are cumulative at the end
 * of each epoch (or epoch-equivalent: the same number of gradient steps), training, selection, checks,
 * evaluation and checkpoints included for both; the splits are read into memory before either run.
 */
public final class CrestBench {
    private CrestBench() {
    }

    /** One training run's curve. */
    public record Run(String name, List<Double> testAccuracy, List<Double> seconds, long samplesSeen,
                      CrestSummary crest) {
        /** 1-based epoch at which test accuracy first reaches {@code target}, or -1. */
        public int epochReaching(double target) {
            for (int e = 0; e < testAccuracy.size(); e++) {
                if (testAccuracy.get(e) >= target) {
                    return e + 1;
                }
            }
            return -1;
        }

        public Double secondsTo(double target) {
            int e = epochReaching(target);
            return e < 0 ? null : seconds.get(e - 1);
        }

        public double totalSeconds() {
            return seconds.get(seconds.size() - 1);
        }

        public double finalAccuracy() {
            return testAccuracy.get(testAccuracy.size() - 1);
        }

        public double bestAccuracy() {
            return testAccuracy.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        }
    }

    /** Both runs and the target. */
    public record Result(Run full, Run crest, double target) {
        /** Full-data training's whole run over CREST's time to the target; null when CREST never got there. */
        public Double speedUp() {
            Double t = crest.secondsTo(target);
            return t == null ? null : full.totalSeconds() / t;
        }

        /** Full-data training's own time to the same target over CREST's (the stricter comparison). */
        public Double speedUpAtTarget() {
            Double t = crest.secondsTo(target);
            Double f = full.secondsTo(target);
            return t == null || f == null ? null : f / t;
        }

        public String toTable() {
            StringBuilder sb = new StringBuilder();
            String[] head = {"run", "final acc", "best acc", "epochs to target", "s to target", "s total",
                    "samples seen", "selections", "dropped"};
            sb.append(String.format(Locale.ROOT, "%-6s %9s %9s %16s %11s %8s %12s %10s %8s%n", (Object[]) head));
            for (Run r : List.of(full, crest)) {
                int e = r.epochReaching(target);
                sb.append(String.format(Locale.ROOT, "%-6s %9.4f %9.4f %16s %11s %8.1f %12d %10s %8s%n", r.name(),
                        r.finalAccuracy(), r.bestAccuracy(), e < 0 ? "not reached" : String.valueOf(e),
                        e < 0 ? "-" : String.format(Locale.ROOT, "%.1f", r.secondsTo(target)), r.totalSeconds(),
                        r.samplesSeen(), r.crest() == null ? "-" : String.valueOf(r.crest().selections()),
                        r.crest() == null ? "-" : String.valueOf(r.crest().samplesDropped())));
            }
            sb.append(String.format(Locale.ROOT, "target = full-data final test accuracy - 1 point = %.4f%n", target));
            Double s = speedUp();
            Double st = speedUpAtTarget();
            sb.append(String.format(Locale.ROOT, "speed-up: full-data run %.1f s / CREST to target %s = %s;"
                            + " full-data to target / CREST to target = %s%n", full.totalSeconds(),
                    s == null ? "-" : String.format(Locale.ROOT, "%.1f s", crest.secondsTo(target)),
                    s == null ? "not reached" : String.format(Locale.ROOT, "%.2fx", s),
                    st == null ? "-" : String.format(Locale.ROOT, "%.2fx", st)));
            CrestSummary c = crest.crest();
            sb.append(String.format(Locale.ROOT, "CREST time: train %.1f s, selection %.1f s, checks %.1f s,"
                            + " evaluation %.1f s; %d checks, %d selection rows, %d check rows (forward only)%n",
                    c.trainSeconds(), c.selectionSeconds(), c.checkSeconds(), c.evalSeconds(), c.checks(),
                    c.selectionRows(), c.checkRows()));
            return sb.toString();
        }
    }

    /**
     * @param margin accuracy below the full-data run's final one that counts as reached (0.01 = 1 point)
     * @param out    parent of the two run directories {@code full} and {@code crest}
     */
    public static Result run(String samples, ModelSpec spec, TrainOptions recipe, CrestOptions crest, long cacheBytes,
                             double margin, Path out, boolean overwrite) throws java.io.IOException {
        Configuration conf = new Configuration();
        TrainJob.Splits splits = new TrainJob.Splits(samples, conf, cacheBytes);
        splits.warm();
        Run full = run("full", TrainJob.run(new TrainJob.Options(samples, null, ManifestSubset.WeightMode.MANIFEST,
                spec, recipe, out.resolve("full").toString(), overwrite, cacheBytes), splits));
        if (full.testAccuracy().stream().anyMatch(a -> a == null)) {
            throw new CoresetInputException(samples + " has no test split; ingest it with --test-images/--test-labels"
                    + " or --test-fraction.");
        }
        Run withCrest = run("crest", TrainJob.run(new TrainJob.Options(samples, null,
                ManifestSubset.WeightMode.MANIFEST, spec, recipe, out.resolve("crest").toString(), overwrite,
                cacheBytes, crest), splits));
        return new Result(full, withCrest, full.finalAccuracy() - margin);
    }

    private static Run run(String name, TrainJob.Outcome outcome) {
        TrainingRun r = outcome.run();
        return new Run(name, r.testAccuracy(), r.epochSeconds(), r.samplesSeen(), r.crest());
    }
}
