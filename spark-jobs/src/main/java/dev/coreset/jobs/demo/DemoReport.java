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

/**
 * Turns {@link DemoResults} into what a person reads: the console table and headlines, {@code results.csv},
 * and {@code report.html} (self-contained: the plots are inlined PNGs, also kept under {@code report/}).
 * Sections of the HTML: summary, accuracy, classes, time, noise, plan.
 */
public final class DemoReport {
    static final List<String> SECTIONS = List.of("summary", "accuracy", "classes", "time", "noise", "plan");
    static final List<String> STAGE_KINDS = List.of("ingest", "proxy", "score", "score-posterior", "select",
            "noise-flags", "train-coresets", "train-full");
    private static final String[] HEADER = {"noise", "method", "size", "test acc", "sd", "vs random", "flipped",
        "select s", "train s", "speed-up", "to full-1pt s"};

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
        for (double noise : summary.noiseLevels()) {
            for (DemoSummary.Cell c : summary.cells(noise)) {
                DemoSummary.Cell random = summary.random(noise, c.fraction());
                boolean full = c.method().equals("full");
                rows.add(List.of(DemoPlan.noiseTag(noise), c.method(), full ? "100%" : pct(c.fraction(), 0),
                        f(c.meanAccuracy(), 4), f(c.sdAccuracy(), 4),
                        random == null || full ? "" : signedPoints(c.meanAccuracy() - random.meanAccuracy()),
                        Double.isNaN(c.noisyShare()) ? "" : pct(c.noisyShare(), 1), full ? "" : f(c.selectSeconds(), 1),
                        f(c.trainSeconds(), 1), full ? "1.00x" : f(c.speedUp(), 2) + "x",
                        Double.isNaN(c.secondsToTarget()) ? (c.reached() > 0 ? c.reached() + "/" + c.seeds() + " seeds"
                                : "not reached") : f(c.secondsToTarget(), 1)));
            }
        }
        return rows;
    }

    /** The findings the issue asks about, stated with their numbers (and misses said as misses). */
    List<String> headlines() {
        List<String> lines = new ArrayList<>();
        for (double noise : summary.noiseLevels()) {
            String tag = DemoPlan.noiseTag(noise);
            for (double f : results.plan.fractions()) {
                DemoSummary.Cell best = summary.best(noise, f);
                DemoSummary.Cell random = summary.random(noise, f);
                if (best != null && random != null) {
                    lines.add(String.format(Locale.ROOT, "%s %s: best method %s %.2f%% vs stratified random %.2f%% (%s points)",
                            tag, pct(f, 0), best.method(), 100 * best.meanAccuracy(), 100 * random.meanAccuracy(),
                            signedPoints(best.meanAccuracy() - random.meanAccuracy())));
                }
            }
            DemoSummary.Cell full = summary.cell(noise, "full", 1.0);
            DemoSummary.Cell fastest = summary.fastestToTarget(noise);
            double target = summary.fullAccuracy(noise) - DemoSummary.TOLERANCE;
            if (fastest == null) {
                lines.add(String.format(Locale.ROOT, "%s: no run reached full-data accuracy minus 1 point (%.2f%%)", tag,
                        100 * target));
            } else if (fastest.method().equals("full") || Double.isNaN(full.secondsToTarget())) {
                lines.add(String.format(Locale.ROOT, "%s: full-data training reaches %.2f%% first (%.1f s); no coreset"
                        + " got there sooner", tag, 100 * target, full.secondsToTarget()));
            } else {
                lines.add(String.format(Locale.ROOT, "%s: %s at %s reaches %.2f%% (full minus 1 point) in %.1f s with"
                        + " selection, full data in %.1f s: %.2fx faster", tag, fastest.method(), pct(fastest.fraction(), 0),
                        100 * target, fastest.secondsToTarget(), full.secondsToTarget(),
                        full.secondsToTarget() / fastest.secondsToTarget()));
            }
            DemoResults.Flags flags = summary.flags(noise);
            if (flags != null) {
                lines.add(String.format(Locale.ROOT, "%s: noise flags %d of %d train samples, precision %s, recall %s"
                        + " (flipped: %d)", tag, flags.flagged(), flags.trainRows(), pctOrNa(flags.precision()),
                        pctOrNa(flags.recall()), flags.noisy()));
            }
        }
        double proxyAndScore = 0;
        for (double noise : summary.noiseLevels()) {
            proxyAndScore += summary.stageSeconds(noise, "proxy") + summary.stageSeconds(noise, "score")
                    + summary.stageSeconds(noise, "score-posterior");
        }
        lines.add(String.format(Locale.ROOT, "shared cost not in 'select s': proxy training and scoring %.1f s in all;"
                + " demo wall time %.1f s", proxyAndScore, results.wallSeconds));
        return lines;
    }

    /** Writes results.json, results.csv, report.html and the PNGs under {@code layout}. */
    public void write(DemoLayout layout) {
        try {
            Json.MAPPER.writeValue(layout.results().toFile(), results);
            StringBuilder csv = new StringBuilder("noise,method,fraction,seed,rows,final_test_accuracy,train_seconds,"
                    + "select_seconds\n");
            for (DemoResults.Run r : results.runs) {
                csv.append(String.format(Locale.ROOT, "%s,%s,%s,%d,%d,%.6f,%.3f,%.3f%n", r.noise(), r.method(),
                        r.fraction(), r.seed(), r.rows(), r.finalAccuracy(), r.trainSeconds(), r.selectSeconds()));
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
                .append(" seed(s); MLP ").append(results.plan.hidden()).append(", ").append(results.plan.trainEpochs())
                .append(" epochs for every final model (coresets and full data alike). Wall time ")
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
        h.append("</table>\n<p>test acc: mean final test accuracy over seeds (sd: their standard deviation); flipped:"
                + " share of selected samples whose label was flipped by the injected noise; select s: selection"
                + " stage (for posterior facility location, without its scoring); speed-up: full-data training time over"
                + " selection plus coreset training time; to full-1pt: selection plus training seconds until the test"
                + " accuracy first reached the full-data accuracy minus one point.</p>\n");

        h.append("<h2 id=\"accuracy\">Accuracy against coreset size</h2>\n");
        for (double noise : summary.noiseLevels()) {
            h.append(img(charts, "accuracy-" + DemoPlan.noiseTag(noise), DemoCharts.accuracyByFraction(summary, noise)));
        }
        h.append("<h2 id=\"classes\">Class histograms</h2>\n");
        double middle = results.plan.fractions().get(results.plan.fractions().size() / 2);
        for (double noise : summary.noiseLevels()) {
            h.append(img(charts, "classes-" + DemoPlan.noiseTag(noise), DemoCharts.classShares(summary, noise, middle)));
        }
        h.append("<h2 id=\"time\">Time per stage</h2>\n");
        h.append(img(charts, "time", DemoCharts.timeBreakdown(summary, STAGE_KINDS)));
        h.append("<table><tr><th>noise</th>");
        STAGE_KINDS.forEach(k -> h.append("<th>").append(k).append("</th>"));
        h.append("</tr>");
        for (double noise : summary.noiseLevels()) {
            h.append("<tr><td>").append(DemoPlan.noiseTag(noise)).append("</td>");
            STAGE_KINDS.forEach(k -> h.append("<td>").append(f(summary.stageSeconds(noise, k), 1)).append("</td>"));
            h.append("</tr>");
        }
        h.append("</table>\n");

        h.append("<h2 id=\"noise\">Label noise: flags and what the coresets keep</h2>\n<table><tr><th>noise</th>")
                .append("<th>train rows</th><th>flipped</th><th>flagged</th><th>precision</th><th>recall</th></tr>");
        for (double noise : summary.noiseLevels()) {
            DemoResults.Flags fl = summary.flags(noise);
            if (fl != null) {
                h.append("<tr><td>").append(DemoPlan.noiseTag(noise)).append("</td><td>").append(fl.trainRows())
                        .append("</td><td>").append(fl.noisy()).append("</td><td>").append(fl.flagged())
                        .append("</td><td>").append(pctOrNa(fl.precision())).append("</td><td>")
                        .append(pctOrNa(fl.recall())).append("</td></tr>");
            }
        }
        h.append("</table>\n");
        for (double noise : summary.noiseLevels()) {
            if (noise > 0) {
                h.append(img(charts, "flipped-" + DemoPlan.noiseTag(noise), DemoCharts.noisyShares(summary, noise)));
            }
        }
        h.append("<h2 id=\"plan\">Plan</h2>\n<pre>").append(esc(Json.MAPPER.writeValueAsString(results.plan)))
                .append("</pre>\n</body></html>\n");
        return h.toString();
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
