package dev.coreset.jobs.demo;

import static org.apache.spark.sql.functions.col;

import dev.coreset.jobs.train.ManifestSubset;
import dev.coreset.jobs.train.SamplesTableInfo;
import dev.coreset.jobs.train.TrainJob;
import dev.coreset.jobs.train.TrainingRun;
import dev.coreset.schemas.Tables;
import dev.coreset.scoring.model.ModelSpec;
import dev.coreset.scoring.train.CheckpointPolicy;
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
import org.apache.spark.sql.SaveMode;
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
    /**
     * The checkpoints the trajectory scores average over (select and cld --window): from:1 leaves out the proxy's
     * untrained initialisation (checkpoint 0), whose near-uniform probabilities say nothing about a sample.
     */
    static final String SCORE_WINDOW = "from:1";

    private final SparkSession spark;
    private final DemoPlan plan;
    private final DemoLayout layout;
    private final StageLedger ledger;
    private final DemoResults results;
    private final Consumer<String> console;
    private final Map<DemoNoise, String> samplesKey = new HashMap<>();
    private final Map<DemoNoise, String> proxyKey = new HashMap<>();
    private final Map<DemoNoise, String> scoresKey = new HashMap<>();
    private final Map<DemoNoise, String> posteriorKey = new HashMap<>();
    private final Map<DemoNoise, String> dynamicsKey = new HashMap<>();
    private final Map<DemoNoise, String> flagsKey = new HashMap<>();
    private final Map<DemoNoise, String> dedupKey = new HashMap<>();
    private final Map<String, Long> perClass = new HashMap<>();
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
        for (DemoNoise noise : plan.noiseSettings()) {
            ingest(noise);
        }
        trainProxies();
        for (DemoNoise noise : plan.noiseSettings()) {
            score(noise);
            if (plan.duplicates() > 0) {
                dedup(noise);
            }
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
        for (DemoNoise n : plan.noiseSettings()) {
            String noise = n.tag();
            results.datasets.add(measures.dataset(noise, layout.samples(noise)));
            results.flags.add(measures.flags(noise, layout.samples(noise), layout.flags(noise)));
            if (plan.duplicates() > 0) {
                results.duplicates.add(measures.duplicates(noise, layout.samples(noise), layout.duplicates(noise)));
            }
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

    private void ingest(DemoNoise noise) {
        DemoDataset data = DemoDataset.parse(plan.dataset());
        StageKey k = StageKey.of("ingest").with("dataset", plan.dataset()).with("limit", plan.limit())
                .with("testFraction", plan.testFraction()).with("noise", noise.rate()).with("seed", PROXY_SEED);
        if (noise.noisy()) {
            k.with("noiseKind", noise.kind().cliName());
        }
        String key = k.toString();
        boolean inject = plan.duplicates() > 0;
        Path out = inject ? layout.ingested(noise.tag()) : layout.samples(noise.tag());
        List<String> args = new ArrayList<>(data.ingestArgs(plan.testFraction()));
        args.addAll(List.of("--val-fraction", "0.1", "--label-noise", num(noise.rate()), "--noise-kind",
                noise.kind().cliName(), "--seed", String.valueOf(PROXY_SEED), "--out", out.toString(), "--overwrite",
                "--no-progress"));
        if (plan.limit() > 0) {
            args.addAll(List.of("--limit", String.valueOf(plan.limit())));
        }
        cli(noise, "ingest", noise.tag(), out, key, args);
        if (!inject) {
            samplesKey.put(noise, key);
            return;
        }
        String ikey = StageKey.of("inject").after(key).with("duplicates", plan.duplicates()).with("seed", PROXY_SEED)
                .toString();
        samplesKey.put(noise, ikey);
        Path samples = layout.samples(noise.tag());
        stage(noise, "inject", Math.round(plan.duplicates() * 100) + "% copies", samples, ikey,
                () -> DemoDuplicates.inject(spark, out.toString(), samples.toString(), plan.duplicates(), PROXY_SEED));
    }

    /**
     * SemDeDup on the proxy's last-checkpoint embeddings, told to remove the injected share of the train split (a
     * train-side quantity: the test split is never read); what it catches is measured against the copies' sources.
     */
    private void dedup(DemoNoise noise) {
        double target = plan.duplicates() / (1 + plan.duplicates());
        boolean pixels = plan.dedupOn().equals(DemoPlan.DEDUP_ON_PIXELS);
        List<String> input;
        StageKey key = StageKey.of("dedup").with("targetFraction", target).with("on", plan.dedupOn());
        if (pixels) {
            Path table = layout.pixels(noise.tag());
            String pkey = StageKey.of("pixels").after(samplesKey.get(noise)).toString();
            // A train-only view: a user embeddings table is read as train rows, so val and test must not be in it.
            stage(noise, "pixels", "train features", table, pkey, () -> spark.read()
                    .parquet(layout.samples(noise.tag()).toString()).filter(col(Tables.SPLIT).equalTo(Tables.SPLIT_TRAIN))
                    .select(Tables.SAMPLE_ID, Tables.LABEL, Tables.FEATURES)
                    .write().mode(SaveMode.Overwrite).parquet(table.toString()));
            input = List.of("--embeddings", table.toString(), "--id-column", "sample_id", "--label-column", "label",
                    "--embedding-column", "features");
            key.after(pkey);
        } else {
            input = List.of("--scores", layout.scores(noise.tag()).toString());
            key.after(scoresKey.get(noise));
        }
        dedupKey.put(noise, key.toString());
        Path out = layout.duplicates(noise.tag());
        List<String> args = new ArrayList<>(List.of("dedup"));
        args.addAll(input);
        args.addAll(List.of("--target-fraction", String.valueOf(target), "--out", out.toString(), "--overwrite",
                "--no-progress"));
        cli(noise, "dedup", plan.dedupOn() + ", target " + String.format(Locale.ROOT, "%.3f", target), out,
                key.toString(), args);
    }

    /** Under --duplicates every coreset has the same size per class (a share of the injected train split). */
    private List<String> sizeArgs(String tag, double fraction) {
        if (plan.duplicates() == 0) {
            return List.of("--fraction", num(fraction));
        }
        long k = perClass.computeIfAbsent(tag + "/" + fraction, x -> DemoDuplicates.perClass(spark,
                layout.samples(tag).toString(), fraction));
        return List.of("--per-class", String.valueOf(k));
    }

    private void trainProxies() {
        List<Runnable> jobs = new ArrayList<>();
        for (DemoNoise noise : plan.noiseSettings()) {
            String key = StageKey.of("proxy").after(samplesKey.get(noise)).with("epochs", plan.proxyEpochs())
                    .with("hidden", plan.hidden()).with("batch", plan.batchSize()).with("lr", plan.learningRate())
                    .with("seed", PROXY_SEED).toString();
            proxyKey.put(noise, key);
            Path out = layout.proxy(noise.tag());
            jobs.add(() -> stage(noise, "proxy", "mlp " + plan.hidden() + ", " + plan.proxyEpochs() + " epochs", out, key,
                    () -> train(noise.tag(), null, PROXY_SEED, plan.proxyEpochs(), 0, true, out)));
        }
        jobs.forEach(Runnable::run);
    }

    private void score(DemoNoise noise) {
        String key = StageKey.of("score").after(proxyKey.get(noise)).with("embedding", "logits-grad").toString();
        scoresKey.put(noise, key);
        Path out = layout.scores(noise.tag());
        cli(noise, "score", "all checkpoints, logits-grad", out, key, List.of("score", "--samples",
                layout.samples(noise.tag()).toString(), "--checkpoints", layout.proxy(noise.tag()).toString(), "--embedding",
                "logits-grad", "--out", out.toString(), "--overwrite", "--no-progress"));
    }

    private void scorePosterior(DemoNoise noise) {
        String key = StageKey.of("score-posterior").after(proxyKey.get(noise)).with("draws", plan.posteriorDraws())
                .with("sigma", plan.posteriorSigma()).with("seed", SELECT_SEED).toString();
        posteriorKey.put(noise, key);
        Path out = layout.posteriorScores(noise.tag());
        cli(noise, "score-posterior", plan.posteriorDraws() + " draws, sigma " + plan.posteriorSigma(), out, key,
                List.of("score", "--samples", layout.samples(noise.tag()).toString(), "--checkpoints",
                        layout.proxy(noise.tag()).toString(), "--epochs", String.valueOf(plan.proxyEpochs()), "--splits",
                        "train", "--embedding", "logits-grad", "--posterior-draws",
                        String.valueOf(plan.posteriorDraws()), "--posterior-sigma", num(plan.posteriorSigma()),
                        "--seed", String.valueOf(SELECT_SEED), "--out", out.toString(), "--overwrite",
                        "--no-progress"));
    }

    /**
     * CLD at the first size also writes the dynamics table (its trajectory scores and probabilities over
     * {@link #SCORE_WINDOW}); the noise flags are made from it.
     */
    private void dynamicsAndFlags(DemoNoise noise) {
        String tag = noise.tag();
        double first = plan.fractions().get(0);
        Path cldCoreset = layout.coreset(tag, DemoMethod.CLD, first, null);
        String key = StageKey.of("cld").after(scoresKey.get(noise)).with("fraction", first)
                .with("window", SCORE_WINDOW).toString();
        dynamicsKey.put(noise, key);
        Path dynamics = layout.dynamics(tag);
        boolean reuse = ledger.reusable(cldCoreset, key).isPresent() && ledger.reusable(dynamics, key).isPresent();
        double seconds = stage(noise, "select", "cld " + DemoPlan.fractionTag(first) + " + dynamics", cldCoreset, key,
                () -> CliStage.run(layout.log(tag + "-cld-dynamics"), List.of("cld", "--scores",
                        layout.scores(tag).toString(), "--fraction", num(first), "--budget-mode", "proportional",
                        "--window", SCORE_WINDOW, "--out", cldCoreset.toString(),
                        "--dynamics-out", dynamics.toString(), "--overwrite", "--no-progress")), reuse);
        ledger.record(dynamics, key, seconds);
        coresetKey.put(cldCoreset, key);
        coresetSeconds.put(cldCoreset, seconds);

        String fkey = StageKey.of("noise").after(key).after(samplesKey.get(noise)).with("rule", "auto").toString();
        flagsKey.put(noise, fkey);
        Path flags = layout.flags(tag);
        cli(noise, "noise-flags", "from the dynamics", flags, fkey, List.of("noise", "--dynamics", dynamics.toString(),
                "--samples", layout.samples(tag).toString(), "--out", flags.toString(), "--overwrite",
                "--no-progress"));
    }

    private void select(DemoNoise noise, DemoMethod method, double fraction) {
        String tag = noise.tag();
        if (method == DemoMethod.CLD) {
            Path out = layout.coreset(tag, method, fraction, null);
            if (coresetKey.containsKey(out)) {
                return; // made with the dynamics
            }
            String key = StageKey.of("cld").after(scoresKey.get(noise)).with("fraction", fraction)
                    .with("window", SCORE_WINDOW).toString();
            double s = cli(noise, "select", "cld " + DemoPlan.fractionTag(fraction), out, key, List.of("cld",
                    "--scores", layout.scores(tag).toString(), "--fraction", num(fraction), "--budget-mode",
                    "proportional", "--window", SCORE_WINDOW, "--out", out.toString(),
                    "--overwrite", "--no-progress"));
            coresetKey.put(out, key);
            coresetSeconds.put(out, s);
            return;
        }
        for (Integer seed : selectionSeeds(method)) {
            long s = seed == null ? SELECT_SEED : seed;
            boolean posterior = method == DemoMethod.FACILITY_LOCATION_POSTERIOR;
            Path scores = posterior ? layout.posteriorScores(tag) : layout.scores(tag);
            String upstream = posterior ? posteriorKey.get(noise) : scoresKey.get(noise);
            Path out = layout.coreset(tag, method, fraction, seed);
            List<String> args = new ArrayList<>(List.of("select", "--scores", scores.toString(), "--method",
                    method.selectMethod(), "--seed", String.valueOf(s)));
            args.addAll(sizeArgs(tag, fraction));
            StageKey key = StageKey.of("select").after(upstream).with("method", method.selectMethod())
                    .with("fraction", fraction).with("seed", s);
            if (method == DemoMethod.EL2N) {
                // EL2N is an early-training score: averaged over the first checkpoints (the untrained one included).
                String early = "first:" + Math.min(3, plan.proxyEpochs() + 1);
                args.addAll(List.of("--el2n-checkpoints", early));
                key.with("el2n", early);
            }
            if (method.dynamics()) {
                args.addAll(List.of("--window", SCORE_WINDOW));
                key.with("window", SCORE_WINDOW);
            }
            if (!method.selectArgs().isEmpty()) {
                args.addAll(method.selectArgs());
                key.with("args", method.selectArgs());
            }
            if (method.selectMethod().equals("dual")) {
                // DUAL's default window of 3 checkpoints, or all the proxy's trained ones when it has fewer.
                String j = String.valueOf(Math.min(dev.coreset.jobs.cld.CldJob.DEFAULT_DUAL_WINDOW, plan.proxyEpochs()));
                args.addAll(List.of("--dual-window", j));
                key.with("dualWindow", j);
            }
            if (method.filtered()) {
                args.addAll(List.of("--exclude", layout.flags(tag).toString()));
                key.after(flagsKey.get(noise));
            }
            if (method.deduplicated()) {
                args.addAll(List.of("--exclude", layout.duplicates(tag).toString()));
                key.after(dedupKey.get(noise));
            }
            if (plan.duplicates() > 0) {
                key.with("size", sizeArgs(tag, fraction));
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

    /**
     * The full data for the plan's epochs, then every coreset for the same number of optimizer steps (its equal-epochs
     * accuracy is the same run's at that many epochs). One run at a time: DJL's PyTorch engine allows one gradient
     * collector per JVM.
     */
    private void trainFinalModels() {
        for (DemoNoise n : plan.noiseSettings()) {
            String noise = n.tag();
            // Fill the in-memory splits first, so the first timed run does not pay for reading the table.
            splits(noise).warm();
            for (int seed = 1; seed <= plan.seeds(); seed++) {
                finalRun(noise, "full", 1.0, seed, null, layout.fullRun(noise, seed),
                        finalKey(samplesKey.get(n), seed, 0), 0);
            }
            long steps = fullSteps(noise);
            for (double fraction : plan.fractions()) {
                for (String name : plan.methods()) {
                    DemoMethod m = DemoMethod.parse(name);
                    for (int seed = 1; seed <= plan.seeds(); seed++) {
                        Path manifest = layout.coreset(noise, m, fraction, m.seeded() ? seed : null);
                        finalRun(noise, m.cliName(), fraction, seed, manifest, layout.run(noise, m, fraction, seed),
                                finalKey(coresetKey.get(manifest), seed, steps), coresetSeconds.get(manifest));
                    }
                }
            }
        }
    }

    /** Optimizer steps of the full-data runs (all seeds train the same number). */
    private long fullSteps(String noise) {
        return results.runs.stream().filter(r -> r.noise().equals(noise) && r.method().equals("full"))
                .mapToLong(r -> r.steps().get(r.steps().size() - 1)).max().orElseThrow();
    }

    private String finalKey(String upstream, int seed, long steps) {
        StageKey k = StageKey.of("train").after(upstream).with("hidden", plan.hidden()).with("batch", plan.batchSize())
                .with("lr", plan.learningRate()).with("seed", seed);
        return (steps > 0 ? k.with("steps", steps) : k.with("epochs", plan.trainEpochs())).toString();
    }

    private void finalRun(String noise, String method, double fraction, int seed, Path manifest, Path out, String key,
                          double selectSeconds) {
        String detail = method + (manifest == null ? "" : " " + DemoPlan.fractionTag(fraction)) + " seed " + seed;
        long steps = manifest == null ? 0 : fullSteps(noise);
        stage(noise, manifest == null ? "train-full" : "train-coresets", detail, out, key,
                () -> train(noise, manifest, seed, plan.trainEpochs(), steps, false, out));
        TrainingRun run = TrainingRun.read(out);
        results.runs.add(new DemoResults.Run(noise, method, fraction, seed, run.rowsPerEpoch(), run.testAccuracy(),
                run.valAccuracy(), run.steps(), run.epochSeconds(), run.wallSeconds(), selectSeconds));
    }

    /** A proxy (every checkpoint, the initialisation too) or a final run (only its last checkpoint). */
    private void train(String noise, Path manifest, long seed, int epochs, long steps, boolean proxy, Path out) {
        String samples = layout.samples(noise).toString();
        ModelSpec spec = TrainJob.spec("mlp", plan.hidden(), SamplesTableInfo.read(samples, new Configuration()), samples);
        TrainOptions options = TrainOptions.defaults().withEpochs(epochs).withBatchSize(plan.batchSize())
                .withLearningRate(plan.learningRate()).withSeed(seed).withShuffleBuffer(50_000).withSaveInitial(proxy);
        if (steps > 0) {
            options = options.withSteps(steps);
        }
        if (!proxy) {
            options = options.withCheckpoints(CheckpointPolicy.LAST);
        }
        try {
            TrainJob.run(new TrainJob.Options(samples, manifest == null ? null : manifest.toString(),
                    ManifestSubset.WeightMode.MANIFEST, spec, options, out.toString(), true, CACHE_BYTES), splits(noise));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private final Map<String, TrainJob.Splits> splits = new HashMap<>();

    private synchronized TrainJob.Splits splits(String noise) {
        return splits.computeIfAbsent(noise, n -> new TrainJob.Splits(layout.samples(n).toString(), new Configuration(),
                CACHE_BYTES));
    }

    // ---- plumbing ---------------------------------------------------------------------------------------------

    private double cli(DemoNoise noise, String stage, String detail, Path out, String key, List<String> args) {
        String logName = noise.tag() + "-" + layout.noise(noise.tag()).relativize(out).toString().replace('/', '-');
        return stage(noise, stage, detail, out, key, () -> CliStage.run(layout.log(logName), args));
    }

    private double stage(DemoNoise noise, String stage, String detail, Path out, String key, Runnable work) {
        return stage(noise.tag(), stage, detail, out, key, work, ledger.reusable(out, key).isPresent());
    }

    private double stage(String noise, String stage, String detail, Path out, String key, Runnable work) {
        return stage(noise, stage, detail, out, key, work, ledger.reusable(out, key).isPresent());
    }

    private double stage(DemoNoise noise, String stage, String detail, Path out, String key, Runnable work,
                         boolean reuse) {
        return stage(noise.tag(), stage, detail, out, key, work, reuse);
    }

    private final AtomicInteger done = new AtomicInteger();

    private double stage(String noise, String stage, String detail, Path out, String key, Runnable work, boolean reuse) {
        String tag = noise;
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
