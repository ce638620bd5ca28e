package dev.coreset.jobs.demo;

import dev.coreset.jobs.train.ManifestSubset;
import dev.coreset.jobs.train.SamplesTableInfo;
import dev.coreset.jobs.train.TrainJob;
import dev.coreset.jobs.train.TrainingRun;
import dev.coreset.scoring.model.ModelSpec;
import dev.coreset.scoring.train.TrainOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * Runs the demo plan stage by stage: ingest, proxy training, scoring, selection with every method and size,
 * training on every coreset and on the full data, then the measurements the report needs. Spark stages run
 * through the real {@code coreset} commands in this JVM; training runs go through {@link TrainJob} directly so
 * one in-memory copy of each samples table serves them all.
 */
public final class DemoRunner {
    /** Training memory bound per split (54,000 x 784 floats = 170 MB fits). */
    private static final long CACHE_BYTES = 1L << 30;
    private static final long PROXY_SEED = 1;
    private static final long SELECT_SEED = 1;

    private final SparkSession spark;
    private final DemoPlan plan;
    private final DemoLayout layout;
    private final StageLedger ledger;
    private final DemoResults results;
    private final Consumer<String> console;
    private final Map<Double, String> samplesKey = new HashMap<>();
    private final Map<Double, String> proxyKey = new HashMap<>();
    private final Map<Double, String> scoresKey = new HashMap<>();
    private final Map<Double, String> posteriorKey = new HashMap<>();
    private final Map<Double, String> dynamicsKey = new HashMap<>();
    private final Map<Double, String> flagsKey = new HashMap<>();
    private final Map<Path, String> coresetKey = new HashMap<>();
    private final Map<Path, Double> coresetSeconds = new HashMap<>();

    public DemoRunner(SparkSession spark, DemoPlan plan, DemoLayout layout, Consumer<String> console) {
        this.spark = spark;
        this.plan = plan;
        this.layout = layout;
        this.ledger = StageLedger.open(layout.root());
        this.results = new DemoResults(plan);
        this.console = console;
    }

    public DemoResults run() {
        long start = System.nanoTime();
        for (double noise : plan.noise()) {
            ingest(noise);
        }
        trainProxies();
        for (double noise : plan.noise()) {
            score(noise);
            if (plan.methods().contains(DemoMethod.FACILITY_LOCATION_POSTERIOR.cliName())) {
                scorePosterior(noise);
            }
            dynamicsAndFlags(noise);
            for (double fraction : plan.fractions()) {
                for (String name : plan.methods()) {
                    select(noise, DemoMethod.parse(name), fraction);
                }
            }
        }
        DemoMeasures measures = new DemoMeasures(spark);
        for (double noise : plan.noise()) {
            results.datasets.add(measures.dataset(noise, layout.samples(noise)));
            results.flags.add(measures.flags(noise, layout.samples(noise), layout.flags(noise)));
            for (double fraction : plan.fractions()) {
                for (String name : plan.methods()) {
                    DemoMethod m = DemoMethod.parse(name);
                    for (Integer seed : selectionSeeds(m)) {
                        results.coresets.add(measures.coreset(noise, m.cliName(), fraction, seed,
                                layout.samples(noise), layout.coreset(noise, m, fraction, seed)));
                    }
                }
            }
        }
        trainFinalModels();
        results.wallSeconds = (System.nanoTime() - start) / 1e9;
        return results;
    }

    // ---- stages -------------------------------------------------------------------------------------------

    private void ingest(double noise) {
        DemoDataset data = DemoDataset.parse(plan.dataset());
        String key = StageKey.of("ingest").with("dataset", plan.dataset()).with("limit", plan.limit())
                .with("testFraction", plan.testFraction()).with("noise", noise).with("seed", PROXY_SEED).toString();
        samplesKey.put(noise, key);
        Path out = layout.samples(noise);
        List<String> args = new ArrayList<>(data.ingestArgs(plan.testFraction()));
        args.addAll(List.of("--val-fraction", "0.1", "--label-noise", num(noise), "--seed", String.valueOf(PROXY_SEED),
                "--out", out.toString(), "--overwrite", "--no-progress"));
        if (plan.limit() > 0) {
            args.addAll(List.of("--limit", String.valueOf(plan.limit())));
        }
        cli(noise, "ingest", DemoPlan.noiseTag(noise), out, key, args);
    }

    private void trainProxies() {
        List<Runnable> jobs = new ArrayList<>();
        for (double noise : plan.noise()) {
            String key = StageKey.of("proxy").after(samplesKey.get(noise)).with("epochs", plan.proxyEpochs())
                    .with("hidden", plan.hidden()).with("batch", plan.batchSize()).with("lr", plan.learningRate())
                    .with("seed", PROXY_SEED).toString();
            proxyKey.put(noise, key);
            Path out = layout.proxy(noise);
            jobs.add(() -> stage(noise, "proxy", "mlp " + plan.hidden() + ", " + plan.proxyEpochs() + " epochs", out, key,
                    () -> train(noise, null, PROXY_SEED, plan.proxyEpochs(), true, out)));
        }
        jobs.forEach(Runnable::run);
    }

    private void score(double noise) {
        String key = StageKey.of("score").after(proxyKey.get(noise)).with("embedding", "logits-grad").toString();
        scoresKey.put(noise, key);
        Path out = layout.scores(noise);
        cli(noise, "score", "all checkpoints, logits-grad", out, key, List.of("score", "--samples",
                layout.samples(noise).toString(), "--checkpoints", layout.proxy(noise).toString(), "--embedding",
                "logits-grad", "--out", out.toString(), "--overwrite", "--no-progress"));
    }

    private void scorePosterior(double noise) {
        String key = StageKey.of("score-posterior").after(proxyKey.get(noise)).with("draws", plan.posteriorDraws())
                .with("sigma", plan.posteriorSigma()).with("seed", SELECT_SEED).toString();
        posteriorKey.put(noise, key);
        Path out = layout.posteriorScores(noise);
        cli(noise, "score-posterior", plan.posteriorDraws() + " draws, sigma " + plan.posteriorSigma(), out, key,
                List.of("score", "--samples", layout.samples(noise).toString(), "--checkpoints",
                        layout.proxy(noise).toString(), "--epochs", String.valueOf(plan.proxyEpochs()), "--splits",
                        "train", "--embedding", "logits-grad", "--posterior-draws",
                        String.valueOf(plan.posteriorDraws()), "--posterior-sigma", num(plan.posteriorSigma()),
                        "--seed", String.valueOf(SELECT_SEED), "--out", out.toString(), "--overwrite",
                        "--no-progress"));
    }

    /** CLD at the first size also writes the dynamics table; the noise flags are made from it. */
    private void dynamicsAndFlags(double noise) {
        double first = plan.fractions().get(0);
        Path cldCoreset = layout.coreset(noise, DemoMethod.CLD, first, null);
        String key = StageKey.of("cld").after(scoresKey.get(noise)).with("fraction", first).toString();
        dynamicsKey.put(noise, key);
        Path dynamics = layout.dynamics(noise);
        boolean reuse = ledger.reusable(cldCoreset, key).isPresent() && ledger.reusable(dynamics, key).isPresent();
        double seconds = stage(noise, "select", "cld " + DemoPlan.fractionTag(first) + " + dynamics", cldCoreset, key,
                () -> CliStage.run(layout.log(DemoPlan.noiseTag(noise) + "-cld-dynamics"), List.of("cld", "--scores",
                        layout.scores(noise).toString(), "--fraction", num(first), "--budget-mode", "proportional",
                        "--out", cldCoreset.toString(),
                        "--dynamics-out", dynamics.toString(), "--overwrite", "--no-progress")), reuse);
        ledger.record(dynamics, key, seconds);
        coresetKey.put(cldCoreset, key);
        coresetSeconds.put(cldCoreset, seconds);

        String fkey = StageKey.of("noise").after(key).after(samplesKey.get(noise)).toString();
        flagsKey.put(noise, fkey);
        Path flags = layout.flags(noise);
        cli(noise, "noise-flags", "from the dynamics", flags, fkey, List.of("noise", "--dynamics", dynamics.toString(),
                "--samples", layout.samples(noise).toString(), "--out", flags.toString(), "--overwrite",
                "--no-progress"));
    }

    private void select(double noise, DemoMethod method, double fraction) {
        if (method == DemoMethod.CLD) {
            Path out = layout.coreset(noise, method, fraction, null);
            if (coresetKey.containsKey(out)) {
                return; // made with the dynamics
            }
            String key = StageKey.of("cld").after(scoresKey.get(noise)).with("fraction", fraction).toString();
            double s = cli(noise, "select", "cld " + DemoPlan.fractionTag(fraction), out, key, List.of("cld",
                    "--scores", layout.scores(noise).toString(), "--fraction", num(fraction), "--budget-mode",
                    "proportional", "--out", out.toString(),
                    "--overwrite", "--no-progress"));
            coresetKey.put(out, key);
            coresetSeconds.put(out, s);
            return;
        }
        for (Integer seed : selectionSeeds(method)) {
            long s = seed == null ? SELECT_SEED : seed;
            boolean posterior = method == DemoMethod.FACILITY_LOCATION_POSTERIOR;
            Path scores = posterior ? layout.posteriorScores(noise) : layout.scores(noise);
            String upstream = posterior ? posteriorKey.get(noise) : scoresKey.get(noise);
            Path out = layout.coreset(noise, method, fraction, seed);
            List<String> args = new ArrayList<>(List.of("select", "--scores", scores.toString(), "--method",
                    method.selectMethod(), "--fraction", num(fraction), "--seed", String.valueOf(s)));
            StageKey key = StageKey.of("select").after(upstream).with("method", method.selectMethod())
                    .with("fraction", fraction).with("seed", s);
            if (method == DemoMethod.EL2N) {
                // EL2N is an early-training score: averaged over the first checkpoints (the untrained one included).
                String early = "first:" + Math.min(3, plan.proxyEpochs() + 1);
                args.addAll(List.of("--el2n-checkpoints", early));
                key.with("el2n", early);
            }
            if (method.filtered()) {
                args.addAll(List.of("--exclude", layout.flags(noise).toString()));
                key.after(flagsKey.get(noise));
            }
            args.addAll(List.of("--out", out.toString(), "--overwrite", "--no-progress"));
            double seconds = cli(noise, "select", method.cliName() + " " + DemoPlan.fractionTag(fraction)
                    + (seed == null ? "" : " seed " + seed), out, key.toString(), args);
            coresetKey.put(out, key.toString());
            coresetSeconds.put(out, seconds);
        }
    }

    /** Random picks differ per seed (one coreset per training seed); the other methods pick once. */
    private List<Integer> selectionSeeds(DemoMethod m) {
        List<Integer> seeds = new ArrayList<>();
        if (m.seeded()) {
            for (int s = 1; s <= plan.seeds(); s++) {
                seeds.add(s);
            }
        } else {
            seeds.add(null);
        }
        return seeds;
    }

    private void trainFinalModels() {
        List<Runnable> jobs = new ArrayList<>();
        for (double noise : plan.noise()) {
            for (int seed = 1; seed <= plan.seeds(); seed++) {
                int s = seed;
                Path out = layout.fullRun(noise, s);
                String key = finalKey(samplesKey.get(noise), s);
                jobs.add(() -> finalRun(noise, "full", 1.0, s, null, out, key, 0));
            }
            for (double fraction : plan.fractions()) {
                for (String name : plan.methods()) {
                    DemoMethod m = DemoMethod.parse(name);
                    for (int seed = 1; seed <= plan.seeds(); seed++) {
                        int s = seed;
                        Path manifest = layout.coreset(noise, m, fraction, m.seeded() ? s : null);
                        Path out = layout.run(noise, m, fraction, s);
                        String key = finalKey(coresetKey.get(manifest), s);
                        double selectSeconds = coresetSeconds.get(manifest);
                        jobs.add(() -> finalRun(noise, m.cliName(), fraction, s, manifest, out, key, selectSeconds));
                    }
                }
            }
        }
        // One at a time: DJL's PyTorch engine allows one gradient collector per JVM.
        jobs.forEach(Runnable::run);
    }

    private String finalKey(String upstream, int seed) {
        return StageKey.of("train").after(upstream).with("epochs", plan.trainEpochs()).with("hidden", plan.hidden())
                .with("batch", plan.batchSize()).with("lr", plan.learningRate()).with("seed", seed).toString();
    }

    private void finalRun(double noise, String method, double fraction, int seed, Path manifest, Path out, String key,
                          double selectSeconds) {
        String detail = method + (manifest == null ? "" : " " + DemoPlan.fractionTag(fraction)) + " seed " + seed;
        stage(noise, manifest == null ? "train-full" : "train-coresets", detail, out, key,
                () -> train(noise, manifest, seed, plan.trainEpochs(), false, out));
        TrainingRun run = TrainingRun.read(out);
        results.runs.add(new DemoResults.Run(noise, method, fraction, seed, run.rowsPerEpoch(), run.testAccuracy(),
                run.epochSeconds(), run.wallSeconds(), selectSeconds));
    }

    private void train(double noise, Path manifest, long seed, int epochs, boolean proxy, Path out) {
        String samples = layout.samples(noise).toString();
        ModelSpec spec = TrainJob.spec("mlp", plan.hidden(), SamplesTableInfo.read(samples, new Configuration()), samples);
        TrainOptions options = TrainOptions.defaults().withEpochs(epochs).withBatchSize(plan.batchSize())
                .withLearningRate(plan.learningRate()).withSeed(seed).withShuffleBuffer(50_000).withSaveInitial(proxy);
        try {
            TrainJob.run(new TrainJob.Options(samples, manifest == null ? null : manifest.toString(),
                    ManifestSubset.WeightMode.MANIFEST, spec, options, out.toString(), true, CACHE_BYTES), splits(noise));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private final Map<Double, TrainJob.Splits> splits = new HashMap<>();

    private synchronized TrainJob.Splits splits(double noise) {
        return splits.computeIfAbsent(noise, n -> new TrainJob.Splits(layout.samples(n).toString(), new Configuration(),
                CACHE_BYTES));
    }

    // ---- plumbing ---------------------------------------------------------------------------------------------

    private double cli(double noise, String stage, String detail, Path out, String key, List<String> args) {
        String logName = DemoPlan.noiseTag(noise) + "-" + layout.noise(noise).relativize(out).toString().replace('/', '-');
        return stage(noise, stage, detail, out, key, () -> CliStage.run(layout.log(logName), args));
    }

    private double stage(double noise, String stage, String detail, Path out, String key, Runnable work) {
        return stage(noise, stage, detail, out, key, work, ledger.reusable(out, key).isPresent());
    }

    private final AtomicInteger done = new AtomicInteger();

    private double stage(double noise, String stage, String detail, Path out, String key, Runnable work, boolean reuse) {
        String tag = DemoPlan.noiseTag(noise);
        Optional<Double> previous = reuse ? ledger.reusable(out, key) : Optional.empty();
        if (previous.isPresent()) {
            results.stages.add(new DemoResults.StageTime(noise, stage, detail, previous.get(), true));
            console.accept(String.format(Locale.ROOT, "[%3d] %-7s %-15s %-34s reused (%.1f s before)",
                    done.incrementAndGet(), tag, stage, detail, previous.get()));
            return previous.get();
        }
        long t0 = System.nanoTime();
        work.run();
        double seconds = (System.nanoTime() - t0) / 1e9;
        ledger.record(out, key, seconds);
        results.stages.add(new DemoResults.StageTime(noise, stage, detail, seconds, false));
        console.accept(String.format(Locale.ROOT, "[%3d] %-7s %-15s %-34s %.1f s", done.incrementAndGet(), tag, stage,
                detail, seconds));
        return seconds;
    }

    static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
    }

    /** Fails early with the fix when the dataset is missing. */
    static void checkDataset(DemoPlan plan) {
        DemoDataset.parse(plan.dataset()).check();
    }
}
