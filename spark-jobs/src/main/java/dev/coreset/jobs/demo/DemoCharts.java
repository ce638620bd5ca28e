package dev.coreset.jobs.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The report's plots (XChart, PNG), one method per kind of figure. */
final class DemoCharts {
    private static final int WIDTH = 820;
    private static final int HEIGHT = 460;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private DemoCharts() {
    }

    /** Test accuracy against coreset size under one protocol, one line per method with the seeds' spread. */
    static byte[] accuracyByFraction(DemoSummary s, String noise, DemoSummary.Protocol protocol) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Test accuracy vs coreset size, " + protocol.text() + " (" + noise + ")")
                .xAxisTitle("coreset size (% of each class)").yAxisTitle("test accuracy").build();
        chart.getStyler().setMarkerSize(7);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        List<DemoSummary.Cell> cells = s.cells(noise, protocol);
        double maxFraction = 0;
        for (String m : s.methods()) {
            List<DemoSummary.Cell> line = cells.stream().filter(c -> c.method().equals(m)).toList();
            if (line.isEmpty()) {
                continue;
            }
            double[] x = line.stream().mapToDouble(c -> 100 * c.fraction()).toArray();
            double[] y = line.stream().mapToDouble(DemoSummary.Cell::meanAccuracy).toArray();
            double[] e = line.stream().mapToDouble(DemoSummary.Cell::sdAccuracy).toArray();
            chart.addSeries(m, x, y, e);
            maxFraction = Math.max(maxFraction, x[x.length - 1]);
        }
        double full = s.fullAccuracy(noise);
        if (!Double.isNaN(full)) {
            chart.addSeries("full data", new double[] {0, Math.max(maxFraction, 1)}, new double[] {full, full})
                    .setMarker(SeriesMarkers.NONE);
        }
        return png(chart);
    }

    /** Test accuracy against optimizer steps (the compute a user pays): the full data and every method at one size. */
    static byte[] accuracyBySteps(DemoSummary s, String noise, double fraction) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Test accuracy vs gradient steps, " + DemoPlan.fractionTag(fraction) + " coresets (" + noise + ")")
                .xAxisTitle("optimizer steps").yAxisTitle("test accuracy (mean over seeds)").build();
        chart.getStyler().setMarkerSize(3);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        double[][] full = s.curve(noise, "full", 1.0);
        if (full[0].length > 0) {
            chart.addSeries("full data", full[0], full[1]);
        }
        for (String m : s.methods()) {
            double[][] xy = s.curve(noise, m, fraction);
            if (xy[0].length > 0) {
                chart.addSeries(m, xy[0], xy[1]);
            }
        }
        return png(chart);
    }

    /** Share of each class in the full train split and in every method's coreset at one size. */
    static byte[] classShares(DemoSummary s, String noise, double fraction) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Class shares at " + DemoPlan.fractionTag(fraction) + " (" + noise + ")")
                .xAxisTitle("class").yAxisTitle("share of samples").build();
        chart.getStyler().setAvailableSpaceFill(0.9);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        DemoResults.Dataset d = s.dataset(noise);
        if (d == null) {
            return png(chart);
        }
        List<String> classes = new ArrayList<>();
        for (int c = 0; c < d.classCounts().size(); c++) {
            classes.add(String.valueOf(c));
        }
        chart.addSeries("full data", classes, shares(d.classCounts(), classes.size()));
        for (String m : s.methods()) {
            DemoResults.Coreset c = s.coreset(noise, m, fraction);
            if (c != null) {
                chart.addSeries(m, classes, shares(c.classCounts(), classes.size()));
            }
        }
        return png(chart);
    }

    /** Seconds per stage kind (stacked by noise level): where the demo's time went. */
    static byte[] timeBreakdown(DemoSummary s, List<String> stageKinds) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title("Time per stage")
                .xAxisTitle("stage").yAxisTitle("seconds").build();
        chart.getStyler().setStacked(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        for (String noise : s.noiseLevels()) {
            List<Number> seconds = new ArrayList<>();
            for (String k : stageKinds) {
                seconds.add(s.stageSeconds(noise, k));
            }
            chart.addSeries(noise, stageKinds, seconds);
        }
        return png(chart);
    }

    /** Share of flipped labels in each method's coresets against the train split's, per size. */
    static byte[] noisyShares(DemoSummary s, String noise) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Flipped labels in the coresets (" + noise + ")")
                .xAxisTitle("coreset size").yAxisTitle("share with a flipped label").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        Map<String, List<Number>> byMethod = new LinkedHashMap<>();
        List<String> sizes = new ArrayList<>();
        List<DemoSummary.Cell> cells = s.cells(noise, DemoSummary.Protocol.STEPS);
        for (DemoSummary.Cell c : cells) {
            if (!c.method().equals("full") && !sizes.contains(DemoPlan.fractionTag(c.fraction()))) {
                sizes.add(DemoPlan.fractionTag(c.fraction()));
            }
        }
        if (sizes.isEmpty()) {
            return png(chart);
        }
        double full = s.noisyShare(noise, "full", 1.0);
        byMethod.put("train split", sizes.stream().map(x -> (Number) full).toList());
        for (String m : s.methods()) {
            List<Number> v = new ArrayList<>();
            for (String size : sizes) {
                v.add(cells.stream().filter(c -> c.method().equals(m) && DemoPlan.fractionTag(c.fraction()).equals(size))
                        .findFirst().map(c -> (Number) (Double.isNaN(c.noisyShare()) ? 0 : c.noisyShare())).orElse(0));
            }
            byMethod.put(m, v);
        }
        byMethod.forEach((name, v) -> chart.addSeries(name, sizes, v));
        return png(chart);
    }

    private static List<Number> shares(List<Long> counts, int classes) {
        long total = counts.stream().mapToLong(Long::longValue).sum();
        List<Number> out = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            out.add(total == 0 || c >= counts.size() ? 0.0 : (double) counts.get(c) / total);
        }
        return out;
    }

    static void write(Path file, byte[] png) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, png);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] png(Chart<?, ?> chart) {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render a chart: " + e.getMessage(), e);
        }
    }
}
