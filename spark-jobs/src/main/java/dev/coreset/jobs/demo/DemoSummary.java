package dev.coreset.jobs.demo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * The demo's figures per (noise, method, fraction), aggregated over seeds: test accuracy mean and spread,
 * selection and training time, speed-up against full-data training, the share of flipped labels in the
 * coreset, and the time to reach the full-data accuracy minus one point.
 */
final class DemoSummary {
    /** How far below the full-data accuracy still counts as "reached" (one point). */
    static final double TOLERANCE = 0.01;

    /**
     * @param secondsToTarget mean over seeds of selection + training seconds until the test accuracy first
     *                        reached the full-data accuracy minus one point; NaN when a seed never reached it
     */
    record Cell(double noise, String method, double fraction, int seeds, double meanAccuracy, double sdAccuracy,
                double selectSeconds, double trainSeconds, double speedUp, double noisyShare, double secondsToTarget,
                int reached) {
    }

    private final DemoResults results;

    DemoSummary(DemoResults results) {
        this.results = results;
    }

    List<Double> noiseLevels() {
        return results.runs.stream().map(DemoResults.Run::noise).distinct().sorted().toList();
    }

    /** Full data first, then every method by fraction, in plan order. */
    List<Cell> cells(double noise) {
        List<Cell> cells = new ArrayList<>();
        cells.add(cell(noise, "full", 1.0));
        List<Double> fractions = results.runs.stream().filter(r -> r.noise() == noise && !r.method().equals("full"))
                .map(DemoResults.Run::fraction).distinct().sorted().toList();
        for (double f : fractions) {
            for (String m : methods()) {
                if (results.runs.stream().anyMatch(r -> r.noise() == noise && r.method().equals(m) && r.fraction() == f)) {
                    cells.add(cell(noise, m, f));
                }
            }
        }
        return cells;
    }

    List<String> methods() {
        List<String> planned = results.plan.methods();
        return results.runs.stream().map(DemoResults.Run::method).filter(m -> !m.equals("full")).distinct()
                .sorted(Comparator.comparingInt(m -> planned.indexOf(m))).toList();
    }

    Cell cell(double noise, String method, double fraction) {
        List<DemoResults.Run> runs = runs(noise, method, fraction);
        double[] acc = runs.stream().mapToDouble(DemoResults.Run::finalAccuracy).toArray();
        double mean = mean(acc);
        double select = runs.stream().mapToDouble(DemoResults.Run::selectSeconds).average().orElse(Double.NaN);
        double train = runs.stream().mapToDouble(DemoResults.Run::trainSeconds).average().orElse(Double.NaN);
        double fullTrain = runs(noise, "full", 1.0).stream().mapToDouble(DemoResults.Run::trainSeconds).average()
                .orElse(Double.NaN);
        double target = fullAccuracy(noise) - TOLERANCE;
        int reached = 0;
        double sumToTarget = 0;
        for (DemoResults.Run r : runs) {
            OptionalDouble t = secondsTo(r, target);
            if (t.isPresent()) {
                reached++;
                sumToTarget += t.getAsDouble() + r.selectSeconds();
            }
        }
        return new Cell(noise, method, fraction, runs.size(), mean, sd(acc, mean), select, train,
                fullTrain / (train + select), noisyShare(noise, method, fraction), reached == runs.size() && reached > 0
                ? sumToTarget / reached : Double.NaN, reached);
    }

    /** Mean final test accuracy of the full-data runs. */
    double fullAccuracy(double noise) {
        return mean(runs(noise, "full", 1.0).stream().mapToDouble(DemoResults.Run::finalAccuracy).toArray());
    }

    /** The best method other than random at one size, by mean accuracy (null when there is none). */
    Cell best(double noise, double fraction) {
        return cells(noise).stream().filter(c -> c.fraction() == fraction && !c.method().equals("full")
                && !c.method().equals(DemoMethod.RANDOM.cliName())).max(Comparator.comparingDouble(Cell::meanAccuracy))
                .orElse(null);
    }

    Cell random(double noise, double fraction) {
        return cells(noise).stream().filter(c -> c.fraction() == fraction
                && c.method().equals(DemoMethod.RANDOM.cliName())).findFirst().orElse(null);
    }

    /** The fastest cell (any method, any size, full data included) whose every seed reached the target. */
    Cell fastestToTarget(double noise) {
        return cells(noise).stream().filter(c -> !Double.isNaN(c.secondsToTarget()))
                .min(Comparator.comparingDouble(Cell::secondsToTarget)).orElse(null);
    }

    List<DemoResults.Run> runs(double noise, String method, double fraction) {
        return results.runs.stream().filter(r -> r.noise() == noise && r.method().equals(method)
                && r.fraction() == fraction).sorted(Comparator.comparingInt(DemoResults.Run::seed)).toList();
    }

    /** Share of flipped labels over this cell's coresets (for random: over its seeds' coresets). */
    double noisyShare(double noise, String method, double fraction) {
        if (method.equals("full")) {
            return results.datasets.stream().filter(d -> d.noise() == noise).findFirst()
                    .map(d -> (double) d.noisy() / d.rows()).orElse(Double.NaN);
        }
        long noisy = 0;
        long rows = 0;
        for (DemoResults.Coreset c : results.coresets) {
            if (c.noise() == noise && c.method().equals(method) && c.fraction() == fraction) {
                noisy += c.noisy();
                rows += c.rows();
            }
        }
        return rows == 0 ? Double.NaN : (double) noisy / rows;
    }

    DemoResults.Coreset coreset(double noise, String method, double fraction) {
        return results.coresets.stream().filter(c -> c.noise() == noise && c.method().equals(method)
                && c.fraction() == fraction && (c.seed() == null || c.seed() == 1)).findFirst().orElse(null);
    }

    DemoResults.Dataset dataset(double noise) {
        return results.datasets.stream().filter(d -> d.noise() == noise).findFirst().orElse(null);
    }

    DemoResults.Flags flags(double noise) {
        return results.flags.stream().filter(f -> f.noise() == noise).findFirst().orElse(null);
    }

    /** Seconds of every stage of one kind at one noise level (reused stages count their recorded time). */
    double stageSeconds(double noise, String stage) {
        return results.stages.stream().filter(s -> s.noise() == noise && Objects.equals(s.stage(), stage))
                .mapToDouble(DemoResults.StageTime::seconds).sum();
    }

    /** Training seconds until the run's test accuracy first reached {@code target}. */
    static OptionalDouble secondsTo(DemoResults.Run r, double target) {
        for (int i = 0; i < r.testAccuracy().size(); i++) {
            Double a = r.testAccuracy().get(i);
            if (a != null && a >= target) {
                return OptionalDouble.of(r.epochSeconds().get(i));
            }
        }
        return OptionalDouble.empty();
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return v.length == 0 ? Double.NaN : s / v.length;
    }

    /** Sample standard deviation (0 for one value). */
    static double sd(double[] v, double mean) {
        if (v.length < 2) {
            return 0;
        }
        double s = 0;
        for (double x : v) {
            s += (x - mean) * (x - mean);
        }
        return Math.sqrt(s / (v.length - 1));
    }
}
