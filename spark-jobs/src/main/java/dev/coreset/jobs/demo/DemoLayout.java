package dev.coreset.jobs.demo;

import java.nio.file.Path;

/**
 * Where the demo puts things, all under one folder:
 * <pre>
 *   demo-plan.json  stages.json  results.json  results.csv  report.html  report/*.png  logs/
 *   clean/ noise30/ ...   one folder per noise level:
 *     samples/ proxy/ scores/ scores-posterior/ dynamics/ flags/
 *     coresets/METHOD-FRACTION[-sSEED]/   manifests (random: one per seed)
 *     runs/METHOD-FRACTION-sSEED/ runs/full-sSEED/   final training runs
 * </pre>
 */
public record DemoLayout(Path root) {

    public Path plan() {
        return root.resolve("demo-plan.json");
    }

    public Path results() {
        return root.resolve("results.json");
    }

    public Path resultsCsv() {
        return root.resolve("results.csv");
    }

    public Path report() {
        return root.resolve("report.html");
    }

    public Path charts() {
        return root.resolve("report");
    }

    public Path log(String name) {
        return root.resolve("logs").resolve(name + ".log");
    }

    public Path noise(double rate) {
        return root.resolve(DemoPlan.noiseTag(rate));
    }

    public Path samples(double rate) {
        return noise(rate).resolve("samples");
    }

    public Path proxy(double rate) {
        return noise(rate).resolve("proxy");
    }

    public Path scores(double rate) {
        return noise(rate).resolve("scores");
    }

    public Path posteriorScores(double rate) {
        return noise(rate).resolve("scores-posterior");
    }

    public Path dynamics(double rate) {
        return noise(rate).resolve("dynamics");
    }

    public Path flags(double rate) {
        return noise(rate).resolve("flags");
    }

    /** A coreset's manifest; {@code seed} only for seeded methods (random), else null. */
    public Path coreset(double rate, DemoMethod method, double fraction, Integer seed) {
        return noise(rate).resolve("coresets").resolve(method.cliName() + "-" + DemoPlan.fractionTag(fraction)
                + (seed == null ? "" : "-s" + seed));
    }

    public Path run(double rate, DemoMethod method, double fraction, int seed) {
        return noise(rate).resolve("runs").resolve(method.cliName() + "-" + DemoPlan.fractionTag(fraction) + "-s" + seed);
    }

    public Path fullRun(double rate, int seed) {
        return noise(rate).resolve("runs").resolve("full-s" + seed);
    }
}
