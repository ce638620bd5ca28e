package dev.coreset.jobs.demo;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The report's arithmetic on hand-made results: means, spreads, speed-ups, time to full accuracy minus 1 point. */
class DemoSummaryTest {
    /** A run evaluated after every epoch: steps per epoch {@code perEpoch}, one second per epoch. */
    private static DemoResults.Run run(String method, int seed, long rows, long perEpoch, double selectSeconds,
                                       Double... accuracy) {
        List<Double> acc = List.of(accuracy);
        List<Long> steps = new java.util.ArrayList<>();
        List<Double> seconds = new java.util.ArrayList<>();
        for (int i = 0; i < acc.size(); i++) {
            steps.add(perEpoch * (i + 1));
            seconds.add(i + 1.0);
        }
        return new DemoResults.Run("clean", method, method.equals("full") ? 1 : 0.1, seed, rows, acc, acc, steps, seconds,
                acc.size(), selectSeconds);
    }

    private static DemoResults results() {
        DemoResults r = new DemoResults(DemoPlan.quick("csv:x", 0.2).with(List.of("0"), List.of("random", "kcenter"),
                List.of(0.1), 2, null, null, 3));
        // full data, 3 epochs of 10 steps: final 0.90 and 0.92 (mean 0.91, target 0.90), reached at epoch 2 and 2
        r.runs.add(run("full", 1, 1000, 10, 0, 0.80, 0.90, 0.90));
        r.runs.add(run("full", 2, 1000, 10, 0, 0.85, 0.905, 0.92));
        // coresets, 30 epochs of 1 step each (equal steps: 30 steps); equal epochs = the entry at epoch 3
        r.runs.add(run("random", 1, 100, 1, 1, series(0.5, 0.7, 0.80, 0.85)));
        r.runs.add(run("random", 2, 100, 1, 1, series(0.5, 0.7, 0.84, 0.87)));
        // kcenter: seed 1 reaches 0.90 at epoch 2 (step 2), seed 2 at epoch 3; selection 4 s each
        r.runs.add(run("kcenter", 1, 100, 1, 4, series(0.6, 0.90, 0.91, 0.93)));
        r.runs.add(run("kcenter", 2, 100, 1, 4, series(0.6, 0.85, 0.90, 0.92)));
        r.datasets.add(new DemoResults.Dataset("clean", 1000, List.of(500L, 500L), 0));
        return r;
    }

    /** 30 evaluations: the first three given, then a plateau at {@code last}. */
    private static Double[] series(double a, double b, double c, double last) {
        Double[] out = new Double[30];
        out[0] = a;
        out[1] = b;
        out[2] = c;
        for (int i = 3; i < 30; i++) {
            out[i] = last;
        }
        return out;
    }

    @Test
    void cellsAggregateOverSeedsUnderBothProtocols() {
        DemoSummary s = new DemoSummary(results());
        assertEquals(0.91, s.fullAccuracy("clean"), 1e-12);
        DemoSummary.Cell random = s.random("clean", 0.1, DemoSummary.Protocol.EPOCHS);
        assertEquals(0.82, random.meanAccuracy(), 1e-12); // epoch 3 of the long runs
        assertEquals(Math.sqrt(0.0008), random.sdAccuracy(), 1e-12); // (0.02^2 * 2) / (2 - 1)
        assertEquals(0.86, s.random("clean", 0.1, DemoSummary.Protocol.STEPS).meanAccuracy(), 1e-12);
        assertTrue(Double.isNaN(random.secondsToTarget()), "random never reaches 0.90");
        DemoSummary.Cell kcenter = s.best("clean", 0.1, DemoSummary.Protocol.EPOCHS);
        assertEquals("kcenter", kcenter.method());
        assertEquals(0.905, kcenter.meanAccuracy(), 1e-12);
        assertEquals(0.925, s.best("clean", 0.1, DemoSummary.Protocol.STEPS).meanAccuracy(), 1e-12);
        assertEquals(3.0 / (3 + 4), kcenter.speedUp(), 1e-12); // full 3 s of training over 3 s + 4 s
        assertEquals((2 + 4 + 3 + 4) / 2.0, kcenter.secondsToTarget(), 1e-12);
        assertEquals((2 + 3) / 2.0, kcenter.stepsToTarget(), 1e-12);
        assertEquals(2.0, s.cell("clean", "full", 1.0, DemoSummary.Protocol.STEPS).secondsToTarget(), 1e-12);
        assertEquals(20.0, s.cell("clean", "full", 1.0, DemoSummary.Protocol.STEPS).stepsToTarget(), 1e-12);
        assertEquals("full", s.fastestToTarget("clean").method());
    }

    @Test
    void headlinesStateTheComparisonWithItsNumbers() {
        List<String> lines = new DemoReport(results()).headlines();
        assertTrue(lines.contains("clean 10%, equal epochs: best method kcenter 90.50% vs stratified random 82.00%"
                + " (+8.50 points); best by validation accuracy: kcenter (+8.50 points)"), String.join("\n", lines));
        assertTrue(lines.contains("clean 10%, equal steps: best method kcenter 92.50% vs stratified random 86.00%"
                + " (+6.50 points); best by validation accuracy: kcenter (+6.50 points)"), String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("clean: full-data training reaches 90.00% first (20 steps,"
                + " 2.0 s)")), String.join("\n", lines));
    }

    @Test
    void tagsNameFoldersReadably() {
        assertEquals("5pct", DemoPlan.fractionTag(0.05));
        assertEquals("2_5pct", DemoPlan.fractionTag(0.025));
        assertEquals("30pct", DemoPlan.fractionTag(0.3));
        assertEquals("noise30", DemoNoise.parse("0.3").tag());
        assertEquals("noise30", DemoNoise.parse("uniform:0.3").tag());
        assertEquals("pair30", DemoNoise.parse("pair:0.3").tag());
        assertEquals("clean", DemoNoise.parse("0").tag());
        assertEquals("clean", DemoNoise.parse("pair:0").tag());
        assertEquals("pair:0.3", DemoNoise.parse("PAIR:0.3").spec());
    }
}
