package dev.coreset.jobs.demo;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The report's arithmetic on hand-made results: means, spreads, speed-ups, time to full accuracy minus 1 point. */
class DemoSummaryTest {
    private static DemoResults results() {
        DemoResults r = new DemoResults(DemoPlan.quick("csv:x", 0.2).with(List.of(0.0), List.of("random", "kcenter"),
                List.of(0.1), 2, null, null, 3));
        // full data: final 0.90 and 0.92 (mean 0.91, target 0.90); reaches 0.90 at 20 s and 22 s
        r.runs.add(new DemoResults.Run(0, "full", 1, 1, 1000, List.of(0.80, 0.90, 0.90), List.of(10.0, 20.0, 30.0), 30, 0));
        r.runs.add(new DemoResults.Run(0, "full", 1, 2, 1000, List.of(0.85, 0.905, 0.92), List.of(11.0, 22.0, 33.0), 34, 0));
        r.runs.add(new DemoResults.Run(0, "random", 0.1, 1, 100, List.of(0.5, 0.7, 0.80), List.of(1.0, 2.0, 3.0), 3, 1));
        r.runs.add(new DemoResults.Run(0, "random", 0.1, 2, 100, List.of(0.5, 0.7, 0.84), List.of(1.0, 2.0, 3.0), 3, 1));
        // kcenter: seed 1 reaches 0.90 at 2 s, seed 2 at 3 s; selection 4 s each
        r.runs.add(new DemoResults.Run(0, "kcenter", 0.1, 1, 100, List.of(0.6, 0.90, 0.91), List.of(1.0, 2.0, 3.0), 3, 4));
        r.runs.add(new DemoResults.Run(0, "kcenter", 0.1, 2, 100, List.of(0.6, 0.85, 0.90), List.of(1.0, 2.0, 3.0), 3, 4));
        r.datasets.add(new DemoResults.Dataset(0, 1000, List.of(500L, 500L), 0));
        return r;
    }

    @Test
    void cellsAggregateOverSeeds() {
        DemoSummary s = new DemoSummary(results());
        assertEquals(0.91, s.fullAccuracy(0), 1e-12);
        DemoSummary.Cell random = s.random(0, 0.1);
        assertEquals(0.82, random.meanAccuracy(), 1e-12);
        assertEquals(Math.sqrt(0.0008), random.sdAccuracy(), 1e-12); // (0.02^2 * 2) / (2 - 1)
        assertTrue(Double.isNaN(random.secondsToTarget()), "random never reaches 0.90");
        DemoSummary.Cell kcenter = s.best(0, 0.1);
        assertEquals("kcenter", kcenter.method());
        assertEquals(32.0 / (3 + 4), kcenter.speedUp(), 1e-12); // mean full training 32 s over 3 s + 4 s
        assertEquals((2 + 4 + 3 + 4) / 2.0, kcenter.secondsToTarget(), 1e-12);
        assertEquals(21.0, s.cell(0, "full", 1.0).secondsToTarget(), 1e-12);
        assertEquals("kcenter", s.fastestToTarget(0).method());
    }

    @Test
    void headlinesStateTheComparisonWithItsNumbers() {
        List<String> lines = new DemoReport(results()).headlines();
        assertTrue(lines.contains("clean 10%: best method kcenter 90.50% vs stratified random 82.00% (+8.50 points)"),
                String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("clean: kcenter at 10% reaches 90.00% (full minus 1 point)"
                + " in 6.5 s with selection, full data in 21.0 s: 3.23x faster")), String.join("\n", lines));
    }

    @Test
    void tagsNameFoldersReadably() {
        assertEquals("5pct", DemoPlan.fractionTag(0.05));
        assertEquals("2_5pct", DemoPlan.fractionTag(0.025));
        assertEquals("30pct", DemoPlan.fractionTag(0.3));
        assertEquals("noise30", DemoPlan.noiseTag(0.3));
        assertEquals("clean", DemoPlan.noiseTag(0));
    }
}
