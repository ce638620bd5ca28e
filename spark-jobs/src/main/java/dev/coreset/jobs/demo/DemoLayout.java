package dev.coreset.jobs.demo;

import java.nio.file.Path;

/**
 * Where the demo puts things, all under one folder:
 * <pre>
 *   demo-plan.json  stages.json  results.json  results.csv  report.html  report/*.png  logs/
 *   clean/ noise30/ pair30/ ...   one folder per noise setting (DemoNoise.tag()):
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

    public Path noise(String tag) {
        return root.resolve(tag);
    }

    public Path samples(String noise) {
        return noise(noise).resolve("samples");
    }

    /** The ingested samples before copies are injected (demo --duplicates). */
    public Path ingested(String noise) {
        return noise(noise).resolve("samples-ingested");
    }

    /** The duplicate flags `coreset dedup` writes (demo --duplicates). */
    public Path duplicates(String noise) {
        return noise(noise).resolve("duplicates");
    }

    /** The train rows' features as a user embeddings table (demo --dedup-on pixels). */
    public Path pixels(String noise) {
        return noise(noise).resolve("pixels");
    }

    public Path proxy(String noise) {
        return noise(noise).resolve("proxy");
    }

    public Path scores(String noise) {
        return noise(noise).resolve("scores");
    }

    public Path posteriorScores(String noise) {
        return noise(noise).resolve("scores-posterior");
    }

    public Path dynamics(String noise) {
        return noise(noise).resolve("dynamics");
    }

    public Path flags(String noise) {
        return noise(noise).resolve("flags");
    }

    /** A coreset's manifest; {@code seed} only for seeded methods (random), else null. */
    public Path coreset(String noise, DemoMethod method, double fraction, Integer seed) {
        return noise(noise).resolve("coresets").resolve(method.cliName() + "-" + DemoPlan.fractionTag(fraction)
                + (seed == null ? "" : "-s" + seed));
    }

    public Path run(String noise, DemoMethod method, double fraction, int seed) {
        return noise(noise).resolve("runs").resolve(method.cliName() + "-" + DemoPlan.fractionTag(fraction) + "-s" + seed);
    }

    public Path fullRun(String noise, int seed) {
        return noise(noise).resolve("runs").resolve("full-s" + seed);
    }
}
