package dev.coreset.jobs.demo;

import dev.coreset.jobs.cli.TextTable;
import dev.coreset.schemas.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import dev.coreset.jobs.demo.DemoSummary.Protocol;

/**
 * Turns {@link DemoResults} into what a person reads: the console table and headlines, {@code results.csv},
 * and {@code report.html} (self-contained: the plots are inlined PNGs, also kept under {@code report/}).
 * Sections of the HTML: summary, accuracy, classes, time, noise, plan.
 */
public final class DemoReport {
    static final List<String> SECTIONS = List.of("summary", "accuracy", "steps", "classes", "time", "noise", "plan");
    static final List<String> STAGE_KINDS = List.of("ingest", "proxy", "score", "score-posterior", "select",
            "noise-flags", "train-coresets", "train-full");
    private static final String[] HEADER = {"noise", "method", "size", "epochs: acc", "sd", "vs random",
        "steps: acc", "sd", "vs random", "flipped", "select s", "to full-1pt: steps", "s"};

    private final DemoResults results;
    private final DemoSummary summary;

    public DemoReport(DemoResults results) {
        this.results = results;
        this.summary = new DemoSummary(results);
    }

    /** The table and the headline findings, as printed at the end of the demo. */
    public String text() {
        TextTable t = new TextTable(HEADER);
        for (List<String> row : rows()) {
            t.row(row.toArray());
        }
        StringBuilder sb = new StringBuilder(t.toString()).append('\n');
        headlines().forEach(h -> sb.append("- ").append(h).append('\n'));
        return sb.toString();
    }

    private List<List<String>> rows() {
        List<List<String>> rows = new ArrayList<>();
        for (String noise : summary.noiseLevels()) {
            List<DemoSummary.Cell> epochs = summary.cells(noise, Protocol.EPOCHS);
            List<DemoSummary.Cell> steps = summary.cells(noise, Protocol.STEPS);
            for (int i = 0; i < epochs.size(); i++) {
                DemoSummary.Cell e = epochs.get(i);
                DemoSummary.Cell s = steps.get(i);
                boolean full = e.method().equals("full");
                rows.add(List.of(noise, e.method(), full ? "100%" : pct(e.fraction(), 0),
                        f(100 * e.meanAccuracy(), 2), f(100 * e.sdAccuracy(), 2), full ? "" : vsRandom(e),
                        full ? "" : f(100 * s.meanAccuracy(), 2), full ? "" : f(100 * s.sdAccuracy(), 2),
                        full ? "" : vsRandom(s),
                        Double.isNaN(e.noisyShare()) ? "" : pct(e.noisyShare(), 1), full ? "" : f(e.selectSeconds(), 1),
                        Double.isNaN(s.stepsToTarget()) ? reachedText(s) : f(s.stepsToTarget(), 0),
                        Double.isNaN(s.secondsToTarget()) ? "" : f(s.secondsToTarget(), 1)));
            }
        }
        return rows;
    }

    private String vsRandom(DemoSummary.Cell c) {
        DemoSummary.Cell random = summary.random(c.noise(), c.fraction(), c.protocol());
        return random == null ? "" : signedPoints(c.meanAccuracy() - random.meanAccuracy());
    }

    private static String reachedText(DemoSummary.Cell c) {
        return c.reached() > 0 ? c.reached() + "/" + c.seeds() + " seeds" : "not reached";
    }

    /** The findings the issue asks about, stated with their numbers (and misses said as misses). */
    List<String> headlines() {
        List<String> lines = new ArrayList<>();
        for (String noise : summary.noiseLevels()) {
            for (double f : summary.fractions(noise)) {
                for (Protocol p : Protocol.values()) {
                    DemoSummary.Cell best = summary.best(noise, f, p);
                    DemoSummary.Cell random = summary.random(noise, f, p);
                    DemoSummary.Cell byVal = summary.bestByValidation(noise, f, p);
                    if (best != null && random != null) {
                        lines.add(String.format(Locale.ROOT, "%s %s, %s: best method %s %.2f%% vs stratified random"
                                        + " %.2f%% (%s points); best by validation accuracy: %s (%s points)", noise,
                                pct(f, 0), p.text(), best.method(), 100 * best.meanAccuracy(), 100 * random.meanAccuracy(),
                                signedPoints(best.meanAccuracy() - random.meanAccuracy()), byVal.method(),
                                signedPoints(byVal.meanAccuracy() - random.meanAccuracy())));
                    }
                }
            }
            DemoSummary.Cell full = summary.cell(noise, "full", 1.0, Protocol.STEPS);
            double target = summary.fullAccuracy(noise) - DemoSummary.TOLERANCE;
            DemoSummary.Cell fastest = summary.fastestToTarget(noise);
            if (fastest == null) {
                lines.add(String.format(Locale.ROOT, "%s: no run reached full-data accuracy minus 1 point (%.2f%%)",
                        noise, 100 * target));
            } else if (fastest.method().equals("full") || Double.isNaN(full.secondsToTarget())) {
                lines.add(String.format(Locale.ROOT, "%s: full-data training reaches %.2f%% first (%.0f steps, %.1f s);"
                        + " no coreset got there sooner", noise, 100 * target, full.stepsToTarget(),
                        full.secondsToTarget()));
            } else {
                lines.add(String.format(Locale.ROOT, "%s: %s at %s reaches %.2f%% (full minus 1 point) in %.0f steps and"
                        + " %.1f s with selection, full data in %.0f steps and %.1f s: %.2fx faster", noise,
                        fastest.method(), pct(fastest.fraction(), 0), 100 * target, fastest.stepsToTarget(),
                        fastest.secondsToTarget(), full.stepsToTarget(), full.secondsToTarget(),
                        full.secondsToTarget() / fastest.secondsToTarget()));
            }
            DemoNoise setting = results.plan.noiseSettings().stream().filter(n -> n.tag().equals(noise)).findFirst()
                    .orElse(DemoNoise.CLEAN);
            List<Double> fractions = summary.fractions(noise);
            if (setting.noisy() && !fractions.isEmpty()) {
                double largest = fractions.get(fractions.size() - 1);
                DemoSummary.Cell best = summary.best(noise, largest, Protocol.STEPS);
                if (best != null) {
                    lines.add(String.format(Locale.ROOT, "%s: the best %s coreset at equal steps (%s, %.2f%%) against all"
                            + " the noisy data (%.2f%%): %s points", noise, pct(largest, 0), best.method(),
                            100 * best.meanAccuracy(), 100 * summary.fullAccuracy(noise),
                            signedPoints(best.meanAccuracy() - summary.fullAccuracy(noise))));
                }
            }
            DemoResults.Flags flags = summary.flags(noise);
            if (flags != null && flags.noisy() == 0) {
                lines.add(String.format(Locale.ROOT, "%s: noise flags %d of %d train samples (%s; no label was flipped"
                        + " here, so each is a clean sample the proxy doubts)", noise, flags.flagged(), flags.trainRows(),
                        pct((double) flags.flagged() / Math.max(1, flags.trainRows()), 1)));
            } else if (flags != null) {
                lines.add(String.format(Locale.ROOT, "%s: noise flags %d of %d train samples, precision %s, recall %s"
                        + " (flipped: %d)", noise, flags.flagged(), flags.trainRows(), pctOrNa(flags.precision()),
                        pctOrNa(flags.recall()), flags.noisy()));
            }
        }
        double proxyAndScore = 0;
        for (String noise : summary.noiseLevels()) {
            proxyAndScore += summary.stageSeconds(noise, "proxy") + summary.stageSeconds(noise, "score")
                    + summary.stageSeconds(noise, "score-posterior");
        }
        lines.add(String.format(Locale.ROOT, "shared cost not in 'select s': proxy training and scoring %.1f s in all;"
                + " demo wall time %.1f s", proxyAndScore, results.wallSeconds));
        lines.addAll(duplicateLines());
        return lines;
    }

    /** demo --duplicates: what dedup caught, and how many injected copies each method's coresets hold. */
    List<String> duplicateLines() {
        List<String> lines = new ArrayList<>();
        for (DemoResults.Duplicates d : results.duplicates) {
            lines.add(String.format(Locale.ROOT, "%s: %d copies injected (%d exact, %d near); dedup (epsilon %.2g)"
                            + " flagged %d, %d of them an original-copy pair: precision %.3f, recall %.3f (exact %d/%d,"
                            + " near %d/%d)", d.noise(), d.injected(), d.injectedExact(), d.injected() - d.injectedExact(),
                    d.epsilon(), d.flagged(), d.right(), d.precision(), d.recall(), d.caughtExact(), d.injectedExact(),
                    d.caughtNear(), d.injected() - d.injectedExact()));
            java.util.Map<String, long[]> byMethod = new java.util.TreeMap<>();
            for (DemoResults.Coreset c : results.coresets) {
                if (c.noise().equals(d.noise())) {
                    long[] sum = byMethod.computeIfAbsent(c.method() + " " + pct(c.fraction(), 0), k -> new long[3]);
                    sum[0] += c.injected();
                    sum[1] += c.rows();
                    sum[2]++;
                }
            }
            byMethod.forEach((m, sum) -> lines.add(String.format(Locale.ROOT, "%s %s: %.1f injected copies in a coreset"
                    + " of %.0f rows (%.1f%%, mean over %d coreset(s))", d.noise(), m, (double) sum[0] / sum[2],
                    (double) sum[1] / sum[2], 100.0 * sum[0] / sum[1], sum[2])));
        }
        return lines;
    }

    /** Writes results.json, results.csv, report.html and the PNGs under {@code layout}. */
    public void write(DemoLayout layout) {
        try {
            Json.MAPPER.writeValue(layout.results().toFile(), results);
            StringBuilder csv = new StringBuilder("noise,method,fraction,seed,rows,epochs_test_accuracy,"
                    + "steps_test_accuracy,epochs_val_accuracy,steps_val_accuracy,steps,train_seconds,select_seconds\n");
            for (DemoResults.Run r : results.runs) {
                int e = summary.judgedAt(r, Protocol.EPOCHS);
                int s = summary.judgedAt(r, Protocol.STEPS);
                csv.append(String.format(Locale.ROOT, "%s,%s,%s,%d,%d,%.6f,%.6f,%.6f,%.6f,%d,%.3f,%.3f%n", r.noise(),
                        r.method(), r.fraction(), r.seed(), r.rows(), DemoResults.Run.at(r.testAccuracy(), e),
                        DemoResults.Run.at(r.testAccuracy(), s), DemoResults.Run.at(r.valAccuracy(), e),
                        DemoResults.Run.at(r.valAccuracy(), s), r.steps().get(s), r.trainSeconds(), r.selectSeconds()));
            }
            Files.writeString(layout.resultsCsv(), csv, StandardCharsets.UTF_8);
            Files.writeString(layout.report(), html(layout.charts()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report under " + layout.root() + ": " + e.getMessage(), e);
        }
    }

    private String html(Path charts) throws IOException {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>coreset demo report</title><style>")
                .append("body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}")
                .append("table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 7px;")
                .append("text-align:right}th{background:#eee}td:nth-child(2){text-align:left}img{max-width:100%}")
                .append("</style></head><body>\n<h1>coreset demo</h1>\n");
        h.append("<p>").append(esc(results.plan.dataset())).append(": ").append(results.plan.noise().size())
                .append(" noise level(s) x ").append(results.plan.methods().size()).append(" methods x ")
                .append(results.plan.fractions().size()).append(" size(s) x ").append(results.plan.seeds())
                .append(" seed(s); MLP ").append(results.plan.hidden()).append(". The full data trains ")
                .append(results.plan.trainEpochs()).append(" epochs; every coreset trains the same number of optimizer"
                        + " steps (equal steps) with the same recipe, and its accuracy after the same number of epochs"
                        + " (equal epochs) is read off that run: with a fixed learning rate its first epochs are exactly"
                        + " the shorter run. Wall time ")
                .append(f(results.wallSeconds, 1)).append(" s.</p>\n");

        h.append("<h2 id=\"summary\">Summary</h2>\n<ul>");
        headlines().forEach(l -> h.append("<li>").append(esc(l)).append("</li>"));
        h.append("</ul>\n<table><tr>");
        for (String c : HEADER) {
            h.append("<th>").append(esc(c)).append("</th>");
        }
        h.append("</tr>\n");
        for (List<String> row : rows()) {
            h.append("<tr>");
            row.forEach(c -> h.append("<td>").append(esc(c)).append("</td>"));
            h.append("</tr>\n");
        }
        h.append("</table>\n<p>acc: mean test accuracy (%) over seeds (sd: their standard deviation) at equal epochs"
                + " and at equal steps; vs random: points against stratified random of the same size, redrawn per seed;"
                + " flipped: share of selected samples whose label the injected noise flipped; select s: selection"
                + " stage (for posterior facility location, without its scoring); to full-1pt: optimizer steps, and"
                + " selection plus training seconds, until the test accuracy first reached the full-data accuracy minus"
                + " one point (within the equal-steps budget).</p>\n");

        h.append("<h2 id=\"accuracy\">Accuracy against coreset size</h2>\n");
        for (String noise : summary.noiseLevels()) {
            for (Protocol p : Protocol.values()) {
                h.append(img(charts, "accuracy-" + noise + "-" + p.name().toLowerCase(Locale.ROOT),
                        DemoCharts.accuracyByFraction(summary, noise, p)));
            }
        }
        h.append("<h2 id=\"steps\">Accuracy against gradient steps</h2>\n");
        for (String noise : summary.noiseLevels()) {
            Double f = curveFraction(noise);
            if (f != null) {
                h.append(img(charts, "steps-" + noise, DemoCharts.accuracyBySteps(summary, noise, f)));
            }
        }
        h.append("<h2 id=\"classes\">Class histograms</h2>\n");
        double middle = results.plan.fractions().get(results.plan.fractions().size() / 2);
        for (String noise : summary.noiseLevels()) {
            h.append(img(charts, "classes-" + noise, DemoCharts.classShares(summary, noise, middle)));
        }
        h.append("<h2 id=\"time\">Time per stage</h2>\n");
        h.append(img(charts, "time", DemoCharts.timeBreakdown(summary, STAGE_KINDS)));
        h.append("<table><tr><th>noise</th>");
        STAGE_KINDS.forEach(k -> h.append("<th>").append(k).append("</th>"));
        h.append("</tr>");
        for (String noise : summary.noiseLevels()) {
            h.append("<tr><td>").append(noise).append("</td>");
            STAGE_KINDS.forEach(k -> h.append("<td>").append(f(summary.stageSeconds(noise, k), 1)).append("</td>"));
            h.append("</tr>");
        }
        h.append("</table>\n");

        h.append("<h2 id=\"noise\">Label noise: flags and what the coresets keep</h2>\n<table><tr><th>noise</th>")
                .append("<th>train rows</th><th>flipped</th><th>flagged</th><th>precision</th><th>recall</th></tr>");
        for (String noise : summary.noiseLevels()) {
            DemoResults.Flags fl = summary.flags(noise);
            if (fl != null) {
                h.append("<tr><td>").append(noise).append("</td><td>").append(fl.trainRows())
                        .append("</td><td>").append(fl.noisy()).append("</td><td>").append(fl.flagged())
                        .append("</td><td>").append(pctOrNa(fl.precision())).append("</td><td>")
                        .append(pctOrNa(fl.recall())).append("</td></tr>");
            }
        }
        h.append("</table>\n");
        for (String noise : summary.noiseLevels()) {
            DemoResults.Dataset d = summary.dataset(noise);
            if (d != null && d.noisy() > 0) {
                h.append(img(charts, "flipped-" + noise, DemoCharts.noisyShares(summary, noise)));
            }
        }
        h.append("<h2 id=\"plan\">Plan</h2>\n<pre>").append(esc(Json.MAPPER.writeValueAsString(results.plan)))
                .append("</pre>\n</body></html>\n");
        return h.toString();
    }

    /** The size whose accuracy-against-steps curves the report draws: 10% when planned, else the smallest. */
    private Double curveFraction(String noise) {
        List<Double> fractions = summary.fractions(noise);
        if (fractions.isEmpty()) {
            return null;
        }
        return fractions.contains(0.1) ? 0.1 : fractions.get(0);
    }

    private static String img(Path dir, String name, byte[] png) {
        DemoCharts.write(dir.resolve(name + ".png"), png);
        return "<p><img alt=\"" + name + "\" src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(png)
                + "\"></p>\n";
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    static String f(double v, int digits) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%." + digits + "f", v);
    }

    static String pct(double v, int digits) {
        return String.format(Locale.ROOT, "%." + digits + "f%%", 100 * v);
    }

    private static String pctOrNa(double v) {
        return Double.isNaN(v) ? "n/a" : pct(v, 1);
    }

    private static String signedPoints(double delta) {
        return String.format(Locale.ROOT, "%+.2f", 100 * delta);
    }
}
