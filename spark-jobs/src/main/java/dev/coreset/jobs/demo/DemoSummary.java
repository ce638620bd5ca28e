package dev.coreset.jobs.demo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The demo's figures per (noise setting, method, fraction, protocol), aggregated over seeds: test accuracy mean and
 * spread (and validation accuracy, which is what a user could choose by), selection and training time, speed-up
 * against full-data training, the share of flipped labels in the coreset, and the time (seconds, selection included,
 * and optimizer steps) to reach the full-data accuracy minus one point.
 */
final class DemoSummary {
    /** How far below the full-data accuracy still counts as "reached" (one point). */
    static final double TOLERANCE = 0.01;

    /** How a coreset's training is budgeted against the full run's. */
    enum Protocol {
        /** As many epochs as the full run (a 10% coreset gets 10% of the steps): "I have a tenth of the compute". */
        EPOCHS("equal epochs"),
        /** As many optimizer steps as the full run: "I can only store or label a tenth of the data". */
        STEPS("equal steps");

        private final String text;

        Protocol(String text) {
            this.text = text;
        }

        String text() {
            return text;
        }
    }

    /**
     * @param secondsToTarget mean over seeds of selection + training seconds until the test accuracy first reached the
     *                        full-data accuracy minus one point (within the protocol's budget); NaN unless every seed
     *                        reached it
     * @param stepsToTarget   the same in optimizer steps
     */
    record Cell(String noise, String method, double fraction, Protocol protocol, int seeds, double meanAccuracy,
                double sdAccuracy, double meanValAccuracy, double selectSeconds, double trainSeconds, double speedUp,
                double noisyShare, double secondsToTarget, double stepsToTarget, int reached) {
    }

    private final DemoResults results;

    DemoSummary(DemoResults results) {
        this.results = results;
    }

    /** Noise settings in plan order. */
    List<String> noiseLevels() {
        List<String> planned = results.plan.noiseSettings().stream().map(DemoNoise::tag).toList();
        return results.runs.stream().map(DemoResults.Run::noise).distinct()
                .sorted(Comparator.comparingInt(planned::indexOf)).toList();
    }

    /** Full data first, then every method by fraction, in plan order. */
    List<Cell> cells(String noise, Protocol protocol) {
        List<Cell> cells = new ArrayList<>();
        cells.add(cell(noise, "full", 1.0, protocol));
        for (double f : fractions(noise)) {
            for (String m : methods()) {
                if (!runs(noise, m, f).isEmpty()) {
                    cells.add(cell(noise, m, f, protocol));
                }
            }
        }
        return cells;
    }

    List<Double> fractions(String noise) {
        return results.runs.stream().filter(r -> r.noise().equals(noise) && !r.method().equals("full"))
                .map(DemoResults.Run::fraction).distinct().sorted().toList();
    }

    List<String> methods() {
        List<String> planned = results.plan.methods();
        return results.runs.stream().map(DemoResults.Run::method).filter(m -> !m.equals("full")).distinct()
                .sorted(Comparator.comparingInt(planned::indexOf)).toList();
    }

    /** The evaluation a run is judged at under a protocol: the plan's epochs, or its last (the full run: its last). */
    int judgedAt(DemoResults.Run r, Protocol protocol) {
        return protocol == Protocol.EPOCHS ? r.indexAtEpoch(results.plan.trainEpochs()) : r.testAccuracy().size() - 1;
    }

    Cell cell(String noise, String method, double fraction, Protocol protocol) {
        List<DemoResults.Run> runs = runs(noise, method, fraction);
        double[] acc = runs.stream().mapToDouble(r -> DemoResults.Run.at(r.testAccuracy(), judgedAt(r, protocol)))
                .toArray();
        double[] val = runs.stream().mapToDouble(r -> DemoResults.Run.at(r.valAccuracy(), judgedAt(r, protocol)))
                .toArray();
        double mean = mean(acc);
        double select = runs.stream().mapToDouble(DemoResults.Run::selectSeconds).average().orElse(Double.NaN);
        double train = runs.stream().mapToDouble(r -> DemoResults.Run.at(r.epochSeconds(), judgedAt(r, protocol)))
                .average().orElse(Double.NaN);
        double fullTrain = runs(noise, "full", 1.0).stream().mapToDouble(DemoResults.Run::trainSeconds).average()
                .orElse(Double.NaN);
        double target = fullAccuracy(noise) - TOLERANCE;
        int reached = 0;
        double sumSeconds = 0;
        double sumSteps = 0;
        for (DemoResults.Run r : runs) {
            int i = firstReaching(r, target, judgedAt(r, protocol));
            if (i >= 0) {
                reached++;
                sumSeconds += r.epochSeconds().get(i) + r.selectSeconds();
                sumSteps += r.steps().get(i);
            }
        }
        boolean all = reached == runs.size() && reached > 0;
        return new Cell(noise, method, fraction, protocol, runs.size(), mean, sd(acc, mean), mean(val), select, train,
                fullTrain / (train + select), noisyShare(noise, method, fraction), all ? sumSeconds / reached : Double.NaN,
                all ? sumSteps / reached : Double.NaN, reached);
    }

    /** Mean final test accuracy of the full-data runs. */
    double fullAccuracy(String noise) {
        return mean(runs(noise, "full", 1.0).stream().mapToDouble(DemoResults.Run::finalAccuracy).toArray());
    }

    /** The best method other than random at one size and protocol, by mean test accuracy (null when none). */
    Cell best(String noise, double fraction, Protocol protocol) {
        return cells(noise, protocol).stream().filter(c -> c.fraction() == fraction && !c.method().equals("full")
                && !c.method().equals(DemoMethod.RANDOM.cliName())).max(Comparator.comparingDouble(Cell::meanAccuracy))
                .orElse(null);
    }

    /** The method with the best mean validation accuracy (what a user could choose by without the test split). */
    Cell bestByValidation(String noise, double fraction, Protocol protocol) {
        return cells(noise, protocol).stream().filter(c -> c.fraction() == fraction && !c.method().equals("full")
                && !c.method().equals(DemoMethod.RANDOM.cliName()))
                .max(Comparator.comparingDouble(Cell::meanValAccuracy)).orElse(null);
    }

    Cell random(String noise, double fraction, Protocol protocol) {
        return cells(noise, protocol).stream().filter(c -> c.fraction() == fraction
                && c.method().equals(DemoMethod.RANDOM.cliName())).findFirst().orElse(null);
    }

    /** The fastest cell (any method and size, full data included) whose every seed reached the target. */
    Cell fastestToTarget(String noise) {
        return cells(noise, Protocol.STEPS).stream().filter(c -> !Double.isNaN(c.secondsToTarget()))
                .min(Comparator.comparingDouble(Cell::secondsToTarget)).orElse(null);
    }

    List<DemoResults.Run> runs(String noise, String method, double fraction) {
        return results.runs.stream().filter(r -> r.noise().equals(noise) && r.method().equals(method)
                && r.fraction() == fraction).sorted(Comparator.comparingInt(DemoResults.Run::seed)).toList();
    }

    /**
     * The mean test accuracy over seeds at each evaluation of the longest seed, against the mean steps there (the
     * curve a person compares methods by); {x steps, y accuracy}.
     */
    double[][] curve(String noise, String method, double fraction) {
        List<DemoResults.Run> runs = runs(noise, method, fraction);
        int points = runs.stream().mapToInt(r -> r.testAccuracy().size()).min().orElse(0);
        double[][] xy = new double[2][points];
        for (int i = 0; i < points; i++) {
            int j = i;
            xy[0][i] = runs.stream().mapToDouble(r -> r.steps().get(j)).average().orElse(Double.NaN);
            xy[1][i] = runs.stream().mapToDouble(r -> DemoResults.Run.at(r.testAccuracy(), j)).average()
                    .orElse(Double.NaN);
        }
        return xy;
    }

    /** Share of flipped labels over this cell's coresets (for seeded methods: over their seeds' coresets). */
    double noisyShare(String noise, String method, double fraction) {
        if (method.equals("full")) {
            return results.datasets.stream().filter(d -> d.noise().equals(noise)).findFirst()
                    .map(d -> (double) d.noisy() / d.rows()).orElse(Double.NaN);
        }
        long noisy = 0;
        long rows = 0;
        for (DemoResults.Coreset c : results.coresets) {
            if (c.noise().equals(noise) && c.method().equals(method) && c.fraction() == fraction) {
                noisy += c.noisy();
                rows += c.rows();
            }
        }
        return rows == 0 ? Double.NaN : (double) noisy / rows;
    }

    DemoResults.Coreset coreset(String noise, String method, double fraction) {
        return results.coresets.stream().filter(c -> c.noise().equals(noise) && c.method().equals(method)
                && c.fraction() == fraction && (c.seed() == null || c.seed() == 1)).findFirst().orElse(null);
    }

    DemoResults.Dataset dataset(String noise) {
        return results.datasets.stream().filter(d -> d.noise().equals(noise)).findFirst().orElse(null);
    }

    DemoResults.Flags flags(String noise) {
        return results.flags.stream().filter(f -> f.noise().equals(noise)).findFirst().orElse(null);
    }

    /** Seconds of every stage of one kind at one noise setting (reused stages count their recorded time). */
    double stageSeconds(String noise, String stage) {
        return results.stages.stream().filter(s -> s.noise().equals(noise) && Objects.equals(s.stage(), stage))
                .mapToDouble(DemoResults.StageTime::seconds).sum();
    }

    /** The first evaluation up to {@code last} whose test accuracy reached {@code target}, or -1. */
    static int firstReaching(DemoResults.Run r, double target, int last) {
        for (int i = 0; i <= last && i < r.testAccuracy().size(); i++) {
            Double a = r.testAccuracy().get(i);
            if (a != null && a >= target) {
                return i;
            }
        }
        return -1;
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
