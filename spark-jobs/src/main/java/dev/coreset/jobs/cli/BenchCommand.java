package dev.coreset.jobs.cli;

import dev.coreset.jobs.bench.ImageBench;
import dev.coreset.jobs.bench.IngestBench;
import dev.coreset.jobs.bench.PruningBench;
import dev.coreset.jobs.bench.SelectJobBench;
import dev.coreset.jobs.bench.CldBench;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.jobs.bench.CrestBench;
import dev.coreset.jobs.bench.RealPoints;
import dev.coreset.jobs.train.SamplesTableInfo;
import dev.coreset.scoring.model.ModelSpec;
import dev.coreset.selection.bench.SelectionKernelBench;
import dev.coreset.selection.kernel.PointSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import dev.coreset.jobs.bench.DistanceBlasBench;
import dev.coreset.jobs.bench.PartsBench;
import dev.coreset.jobs.bench.DedupBench;
import dev.coreset.jobs.select.PartsMode;
import dev.coreset.jobs.bench.SelectScaleBench;
import dev.coreset.jobs.bench.ScoreBench;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Benchmarks (not tests): figures go to docs/BENCHMARKS.md and issue notes, never into assertions. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Run a benchmark and print its figures.",
        subcommands = {
            BenchCommand.SelectKernel.class,
            BenchCommand.SelectJobRun.class,
            BenchCommand.Ingest.class,
            BenchCommand.Images.class,
            BenchCommand.Score.class,
            BenchCommand.Parts.class,
            BenchCommand.Blas.class,
            BenchCommand.Cld.class,
            BenchCommand.Pruning.class,
            BenchCommand.Crest.class,
            BenchCommand.Dedup.class})
public final class BenchCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.err);
    }

    @Command(name = "select", mixinStandardHelpOptions = true,
            description = {"Centralized facility location on a Gaussian mixture: lazy and stochastic greedy wall time,"
                    + " peak heap, k-medoid cost.",
                    "--scale: coreset select --method facility-location (defaults, on Spark) on synthetic scores tables"
                    + " of --sizes rows: wall time, peak heap and RSS, time per stage, cost against a random coreset.",
                    "--scores TABLE [--checkpoint C] or --samples TABLE --project D: the same kernel first on real"
                    + " data (the first --n train rows by id: a scores table's embeddings, or pixels under a seeded"
                    + " random projection), then on a Gaussian mixture of the same size; each method's first run in"
                    + " this JVM and the warm median reported apart.",
                    "Example: JAVA_OPTS=-Xmx4g bin/coreset bench select --scale --master 'local[2]'"})
    static final class SelectKernel implements Callable<Integer> {
        @Option(names = "--scale", description = "Run the Spark scale benchmark instead of the kernel.")
        boolean scale;
        @Option(names = "--sizes", split = ",", defaultValue = "100000,300000,1000000",
                description = "--scale: rows per run (default ${DEFAULT-VALUE}).")
        List<Long> sizes;
        @Option(names = "--classes", defaultValue = "10", description = "--scale: classes (default ${DEFAULT-VALUE}).")
        int classes;
        @Option(names = "--fraction", defaultValue = "0.1", description = "--scale: budget (default ${DEFAULT-VALUE}).")
        double fraction;
        @Mixin
        SparkOptions sparkOptions;
        @Option(names = "--scores", description = "Also time the kernel on this scores table's train embeddings.")
        String scores;
        @Option(names = "--checkpoint", description = "--scores: the checkpoint (default: the last).")
        Integer checkpoint;
        @Option(names = "--samples", description = "Also time the kernel on this samples table's features, projected.")
        String samples;
        @Option(names = "--project", defaultValue = "64", description = "--samples: projection dimension (default"
                + " ${DEFAULT-VALUE}).")
        int project;
        @Option(names = "--n", defaultValue = "20000")
        int n;
        @Option(names = "--d", defaultValue = "64")
        int d;
        @Option(names = "--k", defaultValue = "2000")
        int k;
        @Option(names = "--threads", defaultValue = "0", description = "0 = all processors.")
        int threads;
        @Option(names = "--seed", defaultValue = "42")
        long seed;
        @Option(names = "--warmups", defaultValue = "3", description = "Untimed runs of each method first (default"
                + " ${DEFAULT-VALUE}; 0 = time the JVM's first run, JIT compilation included).")
        int warmups;
        @Option(names = "--runs", defaultValue = "5", description = "Timed runs of each method; the median is reported"
                + " (default ${DEFAULT-VALUE}).")
        int timed;

        @Override
        public Integer call() throws IOException {
            if (scale) {
                return scaleRun();
            }
            if (scores != null || samples != null) {
                return realRun();
            }
            System.out.print(SelectionKernelBench.run(n, d, k, seed, threads, SelectionKernelBench.DEFAULT_CACHE_BYTES,
                    warmups, timed).toTable());
            return 0;
        }

        // Real data first, so its first run is the JVM's first selection (what a command pays); then blobs of the
        // same size for comparison.
        private int realRun() {
            if (scores != null && samples != null) {
                throw new dev.coreset.schemas.CoresetInputException("--scores and --samples: pass one of them.");
            }
            SparkSession spark = sparkOptions.session();
            RealPoints.Loaded real = scores != null ? RealPoints.fromScores(spark, scores, checkpoint, n)
                    : RealPoints.fromSamples(spark, samples, project, n, seed);
            PointSet pts = real.points();
            System.out.print(SelectionKernelBench.run(real.description(), pts, k, seed, threads,
                    SelectionKernelBench.DEFAULT_CACHE_BYTES, warmups, timed).toTable());
            System.out.print(SelectionKernelBench.run(pts.size(), pts.dim(), k, seed, threads,
                    SelectionKernelBench.DEFAULT_CACHE_BYTES, warmups, timed).toTable());
            return 0;
        }

        private int scaleRun() throws IOException {
            Path work = Files.createTempDirectory("coreset-bench-scale");
            List<SelectScaleBench.Result> results = SelectScaleBench.run(sparkOptions.session(), sizes, d, classes, 20,
                    3.0, fraction, seed, work);
            TextTable t = new TextTable("rows", "seconds", "s per 100k", "peak heap MB", "peak RSS MB", "k-medoid cost",
                    "random cost", "cost / random", "selected");
            for (SelectScaleBench.Result r : results) {
                t.row(r.n(), String.format(Locale.ROOT, "%.1f", r.seconds()),
                        String.format(Locale.ROOT, "%.1f", r.seconds() * 100_000 / r.n()), r.peakHeapBytes() >> 20,
                        r.peakRssBytes() < 0 ? "n/a" : String.valueOf(r.peakRssBytes() >> 20),
                        String.format(Locale.ROOT, "%.6g", r.kMedoidCost()), String.format(Locale.ROOT, "%.6g", r.randomCost()),
                        String.format(Locale.ROOT, "%.4f", r.kMedoidCost() / r.randomCost()), r.selected());
            }
            System.out.print(t);
            TextTable p = new TextTable("rows", "stage", "seconds");
            for (SelectScaleBench.Result r : results) {
                r.stageSeconds().forEach((stage, sec) -> p.row(r.n(), stage, String.format(Locale.ROOT, "%.1f", sec)));
            }
            System.out.print(p);
            return 0;
        }
    }

    @Command(name = "score", mixinStandardHelpOptions = true,
            description = {"The coreset score job on this session's cores against a plain single-thread DJL batch loop"
                    + " over the same rows (same JVM, alternating): samples per second, and the job with PyTorch's"
                    + " default intra-op threads for comparison.",
                    "Example: JAVA_OPTS=-Xmx4g bin/coreset bench score --master 'local[2]' --samples fm --models mlp,cnn"})
    static final class Score implements Callable<Integer> {
        @Option(names = "--samples", required = true, description = "Samples table (its train rows are scored).")
        String samples;
        @Option(names = "--models", required = true, split = ",",
                description = "Run directories of `coreset train`; each is scored at its last checkpoint.")
        List<String> models;
        @Option(names = "--rows", defaultValue = "54000", description = "Train rows, the first by id (default ${DEFAULT-VALUE}).")
        int rows;
        @Option(names = "--copies", defaultValue = "4", description = "Times the job scores each row and the loop passes"
                + " over them (default ${DEFAULT-VALUE}), so fixed costs do not decide the rate.")
        int copies;
        @Option(names = "--batch-size", defaultValue = "128", description = "Rows per forward pass (default ${DEFAULT-VALUE}, as coreset score).")
        int batch;
        @Option(names = "--rounds", defaultValue = "2", description = "Timed rounds per model (default ${DEFAULT-VALUE}).")
        int rounds;
        @Option(names = "--all-checkpoints", description = "Score every checkpoint of each run (coreset score's default),"
                + " not only the last: rows and rates then count sample-checkpoints.")
        boolean allCheckpoints;
        @Option(names = "--embedding", defaultValue = "none", description = "As coreset score: none (default) | logits-grad"
                + " | last-layer-grad; the loop computes the same embedding.")
        String embedding;
        @Option(names = "--dim", defaultValue = "0", description = "As coreset score: projection of the embedding (0 = off).")
        int dim;
        @Mixin
        SparkOptions sparkOptions;

        @Override
        public Integer call() throws IOException {
            Path work = Files.createTempDirectory("coreset-bench-score");
            try {
                List<ScoreBench.Result> results = ScoreBench.run(sparkOptions.session(), samples, models, rows, copies,
                        batch, rounds, allCheckpoints, embedding, dim, work);
                // Rates in samples/s; "/ (cores x single)" = the rate over cores x the single-thread rate of the round;
                // ceiling = the best ratio a job that must read the rows from Parquet can reach (ScoreBench.Round);
                // loops = cores single-thread loops at once, no Spark: what concurrent loops get on this machine.
                TextTable t = new TextTable("model", "rows", "cores", "round", "threads", "single /s", "read only /s",
                        "command /s", "Spark job /s", "command / (cores x single)", "Spark job / (cores x single)",
                        "ceiling", "loops / (cores x single)", "CPU us per sample (single / command)", "task us per sample (read / model / output)");
                for (ScoreBench.Result r : results) {
                    for (int i = 0; i < r.rounds().size(); i++) {
                        ScoreBench.Round x = r.rounds().get(i);
                        double ideal = r.cores() * x.singleRate();
                        for (boolean pinned : new boolean[] {true, false}) {
                            ScoreBench.Run run = pinned ? x.pinned() : x.defaultThreads();
                            t.row(r.model() + " epoch " + r.epochs(), r.rows(), r.cores(), i + 1,
                                    pinned ? "task cores" : "PyTorch default", fmt("%.0f", x.singleRate()),
                                    fmt("%.0f", x.readRate()), fmt("%.0f", run.commandRate()),
                                    fmt("%.0f", run.sparkJobRate()), fmt("%.2f", run.commandRate() / ideal),
                                    fmt("%.2f", run.sparkJobRate() / ideal), fmt("%.2f", x.ceiling(r.cores())),
                                    fmt("%.2f", x.parallelLoopsRate() / ideal),
                                    fmt("%.1f", x.singleCpuMicros()) + " / " + fmt("%.1f", run.cpuMicros()),
                                    fmt("%.1f", run.readMicros()) + " / " + fmt("%.1f", run.modelMicros()) + " / "
                                            + fmt("%.1f", run.outputMicros()));
                        }
                    }
                }
                System.out.print(t);
            } finally {
                Crest.deleteTree(work);
            }
            return 0;
        }
    }

    private static String fmt(String format, double v) {
        return String.format(Locale.ROOT, format, v);
    }

    @Command(name = "crest", mixinStandardHelpOptions = true,
            description = {"CREST against full-data training with the same recipe on a samples table with a test split:"
                    + " CREST's wall time to the full-data run's final test accuracy minus 1 point.",
                    "Example: JAVA_OPTS=-Xmx4g bin/coreset bench crest --samples fm"})
    static final class Crest implements Callable<Integer> {
        @Option(names = "--samples", required = true, description = "Samples table with a test split.")
        String samples;
        @Mixin
        RecipeOptions recipe;
        @Option(names = "--epochs", defaultValue = "5", description = "Epochs of full-data training = CREST's"
                + " epoch-equivalents (default ${DEFAULT-VALUE}).")
        int epochs;
        @Option(names = "--cache-mb", defaultValue = "1024")
        long cacheMb;
        @Option(names = "--margin", defaultValue = "0.01", description = "Accuracy below the full-data run's that counts"
                + " as reached (default ${DEFAULT-VALUE} = 1 point).")
        double margin;
        @Option(names = "--out", description = "Keep both runs here (full/, crest/); default: a temporary folder.")
        String out;
        @Mixin
        CrestCliOptions crestOptions;

        @Override
        public Integer call() throws Exception {
            SamplesTableInfo info = SamplesTableInfo.read(samples, new Configuration());
            ModelSpec spec = recipe.spec(info, samples);
            Path dir = out != null ? Path.of(out) : Files.createTempDirectory("coreset-bench-crest");
            try {
                CrestBench.Result result = CrestBench.run(samples, spec, recipe.options(epochs), crestOptions.toOptions(),
                        cacheMb << 20, margin, dir, true);
                System.out.print(result.toTable());
            } finally {
                if (out == null) {
                    deleteTree(dir);
                }
            }
            return 0;
        }

        static void deleteTree(Path dir) throws IOException {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Command(name = "select-job", mixinStandardHelpOptions = true,
            description = {"Facility location through the real select job (GreeDi on Spark, CRAIG weights, manifest) on a"
                    + " synthetic scores table of n samples: wall time, peak heap (MemoryMXBean) and peak RSS.",
                    "Run with the heap you mean to test, e.g. JAVA_OPTS=-Xmx4g bin/coreset bench select-job."})
    static final class SelectJobRun implements Callable<Integer> {
        @Option(names = "--n", defaultValue = "10000000")
        long n;
        @Option(names = "--d", defaultValue = "16")
        int d;
        @Option(names = "--classes", defaultValue = "10")
        int classes;
        @Option(names = "--components", defaultValue = "8", description = "Gaussian components per class.")
        int components;
        @Option(names = "--fraction", defaultValue = "0.01")
        double fraction;
        @Option(names = "--partition-size", defaultValue = "10000")
        int partitionSize;
        @Option(names = "--optimizer", defaultValue = "lazy")
        String optimizer;
        @Option(names = "--memo-bytes", defaultValue = "268435456")
        long memoBytes;
        @Option(names = "--seed", defaultValue = "42")
        long seed;
        @Option(names = "--work", description = "Directory for the synthetic table and manifest (default: a temp dir).")
        java.nio.file.Path work;
        @Option(names = "--keep", description = "Keep the work directory (the table is reused by the next run).")
        boolean keep;
        @Mixin
        SparkOptions sparkOptions;

        @Override
        public Integer call() {
            SelectJobBench.Result r = SelectJobBench.run(sparkOptions.session(), new SelectJobBench.Options(n, d,
                    classes, components, fraction, partitionSize, optimizer, seed, memoBytes, work, keep));
            TextTable t = new TextTable("samples", "d", "selected", "generate s", "select s", "peak heap MB",
                    "peak live heap MB", "peak RSS MB", "max heap MB", "k-medoid cost");
            t.row(r.n(), d, r.selected(), String.format(Locale.ROOT, "%.1f", r.generateSeconds()),
                    String.format(Locale.ROOT, "%.1f", r.selectSeconds()), r.peaks().heapBytes() >> 20,
                    r.peaks().liveHeapBytes() >> 20,
                    r.peaks().rssBytes() < 0 ? "n/a" : String.valueOf(r.peaks().rssBytes() >> 20),
                    r.maxHeapBytes() >> 20, String.format(Locale.ROOT, "%.6g", r.kMedoidCost()));
            System.out.print(t);
            return 0;
        }
    }

    @Command(name = "ingest", mixinStandardHelpOptions = true,
            description = {"CSV ingest through the real ingest job (coreset ingest --format csv --header --label-column"
                    + " label --val-fraction 0.1) on a synthetic CSV of --rows rows written first: ingest wall time,"
                    + " rows/s, peak heap, live heap and RSS; the split counts are read back from the written table.",
                    "Run with the heap you mean to test, e.g. JAVA_OPTS=-Xmx1g bin/coreset bench ingest --master 'local[2]'"})
    static final class Ingest implements Callable<Integer> {
        @Option(names = "--rows", defaultValue = "10000000", description = "CSV rows (default ${DEFAULT-VALUE}).")
        long rows;
        @Option(names = "--dim", defaultValue = "16", description = "Feature columns (default ${DEFAULT-VALUE}).")
        int dim;
        @Option(names = "--classes", defaultValue = "10", description = "Label classes (default ${DEFAULT-VALUE}).")
        int classes;
        @Option(names = "--label-noise", defaultValue = "0", description = "Passed to ingest (default ${DEFAULT-VALUE}).")
        double labelNoise;
        @Option(names = "--gzip", description = "Write and ingest a gzipped CSV (.csv.gz) instead of plain CSV.")
        boolean gzip;
        @Option(names = "--seed", defaultValue = "42", description = "Data and split seed (default ${DEFAULT-VALUE}).")
        long seed;
        @Option(names = "--work", description = "Directory for the CSV and the samples table (default: a temp dir).")
        java.nio.file.Path work;
        @Option(names = "--keep", description = "Keep the work directory.")
        boolean keep;
        @Mixin
        SparkOptions sparkOptions;

        @Override
        public Integer call() {
            if (rows < 1 || dim < 1 || classes < 2) {
                throw new dev.coreset.schemas.CoresetInputException("--rows " + rows + ", --dim " + dim + ", --classes "
                        + classes + ": need at least 1 row, 1 feature and 2 classes.");
            }
            IngestBench.Result r = IngestBench.run(sparkOptions.session(), new IngestBench.Options(rows, dim, classes,
                    seed, labelNoise, gzip, work, keep));
            TextTable t = new TextTable("rows", "d", "CSV MB", "generate s", "ingest s", "rows/s", "peak heap MB",
                    "peak live heap MB", "peak RSS MB", "max heap MB");
            t.row(r.rows(), dim, r.csvBytes() >> 20, fmt("%.1f", r.generateSeconds()), fmt("%.1f", r.ingestSeconds()),
                    fmt("%.0f", r.rowsPerSecond()), r.peaks().heapBytes() >> 20, r.peaks().liveHeapBytes() >> 20,
                    r.peaks().rssBytes() < 0 ? "n/a" : String.valueOf(r.peaks().rssBytes() >> 20),
                    r.maxHeapBytes() >> 20);
            System.out.print(t);
            TextTable splits = new TextTable("split", "rows (read back)");
            r.splits().forEach(splits::row);
            System.out.print(splits);
            if (labelNoise > 0) {
                System.out.printf(Locale.ROOT, "label noise: %d train labels flipped%n", r.noisy());
            }
            return 0;
        }
    }

    @Command(name = "images", mixinStandardHelpOptions = true,
            description = {"Images kept encoded: the first --rows Fashion-MNIST training images as PNG class folders,"
                    + " ingested as an image table and (from the IDX files) as a float table. Prints images decoded per"
                    + " second per core (one thread, and per task second in Spark) against the CNN's forward rate on"
                    + " one thread, the score job's rate on both tables (same untrained CNN), and the tables' size on"
                    + " disk.",
                    "Example: JAVA_OPTS=-Xmx2g bin/coreset bench images --master 'local[2]'"})
    static final class Images implements Callable<Integer> {
        @Option(names = "--idx-dir", defaultValue = "/usr/share/datasets/fashion-mnist",
                description = "Folder with train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz (default"
                        + " ${DEFAULT-VALUE}).")
        java.nio.file.Path idxDir;
        @Option(names = "--rows", defaultValue = "20000", description = "Images (default ${DEFAULT-VALUE}).")
        int rows;
        @Option(names = "--batch-size", defaultValue = "128", description = "Scoring batch (default ${DEFAULT-VALUE}).")
        int batch;
        @Option(names = "--rounds", defaultValue = "2", description = "Score job runs per table; the best is"
                + " reported (default ${DEFAULT-VALUE}).")
        int rounds;
        @Option(names = "--seed", defaultValue = "42")
        long seed;
        @Option(names = "--work", description = "Directory for the PNGs and tables (default: a temp dir).")
        java.nio.file.Path work;
        @Option(names = "--keep", description = "Keep the work directory.")
        boolean keep;
        @Mixin
        SparkOptions sparkOptions;

        @Override
        public Integer call() throws IOException {
            if (rows < 1 || batch < 1 || rounds < 1) {
                throw new dev.coreset.schemas.CoresetInputException("--rows, --batch-size and --rounds must be positive.");
            }
            ImageBench.Result r = ImageBench.run(sparkOptions.session(), new ImageBench.Options(idxDir, rows, batch,
                    rounds, seed, work, keep));
            TextTable rates = new TextTable("images", "decode/s per core (loop)", "decode/s per task second (Spark)",
                    "CNN forward/s (1 thread)", "decode / forward", "score job rows/s: images", "floats",
                    "images / floats", "cores");
            rates.row(r.rows(), fmt("%.0f", r.decodePerCore()), fmt("%.0f", r.sparkDecodePerCore()),
                    fmt("%.0f", r.cnnForwardPerCore()), fmt("%.2f", r.decodePerCore() / r.cnnForwardPerCore()),
                    fmt("%.0f", r.scoreImages()), fmt("%.0f", r.scoreFloats()),
                    fmt("%.2f", r.scoreImages() / r.scoreFloats()), r.cores());
            System.out.print(rates);
            TextTable sizes = new TextTable("PNG files KB", "image table KB", "float table KB", "float / image",
                    "ingest s: images", "floats (IDX)");
            sizes.row(r.pngBytes() >> 10, r.imageTableBytes() >> 10, r.floatTableBytes() >> 10,
                    fmt("%.1f", (double) r.floatTableBytes() / r.imageTableBytes()), fmt("%.1f", r.ingestImagesSeconds()),
                    fmt("%.1f", r.ingestFloatsSeconds()));
            System.out.print(sizes);
            return 0;
        }
    }

    @Command(name = "cld", mixinStandardHelpOptions = true,
            description = "CLD job on a synthetic scores table of n samples x T checkpoints: wall time and peak heap.")
    static final class Cld implements Callable<Integer> {
        @Option(names = "--n", defaultValue = "1000000")
        long n;
        @Option(names = "--checkpoints", defaultValue = "20")
        int checkpoints;
        @Option(names = "--classes", defaultValue = "10")
        int classes;
        @Option(names = "--seed", defaultValue = "0")
        long seed;
        @Option(names = "--layout", defaultValue = "score",
                description = "The scores table's row order: score (as coreset score writes it: each batch of 128 "
                        + "samples at every checkpoint) or checkpoint (all samples at one checkpoint, then the next)."
                        + " Default: ${DEFAULT-VALUE}.")
        String layoutName;
        @Mixin
        SparkOptions sparkOptions;

        @Override
        public Integer call() {
            CldBench.Layout layout = switch (layoutName) {
                case "score" -> CldBench.Layout.SCORE;
                case "checkpoint" -> CldBench.Layout.CHECKPOINT;
                default -> throw new CoresetInputException("--layout " + layoutName
                        + " is not a layout: pass score or checkpoint.");
            };
            CldBench.Result r = CldBench.runDetailed(sparkOptions.session(), n, checkpoints, classes, seed, layout);
            TextTable t = new TextTable("samples", "checkpoints", "layout", "selected", "seconds", "peak heap MB");
            t.row(r.trainSamples(), checkpoints, layout.name().toLowerCase(Locale.ROOT), r.selected(),
                    String.format(Locale.ROOT, "%.1f", r.seconds()), r.peakHeapBytes() / (1 << 20));
            System.out.print(t);
            return 0;
        }
    }

    @Command(name = "pruning", mixinStandardHelpOptions = true,
            description = {"ccs and dual against cld, d2 against facility location, on one scores table in one session:"
                    + " a real one (--scores) or a synthetic one (--n samples x --checkpoints, --dim-dimensional"
                    + " embedding at the last checkpoint). Median seconds over --rounds and peak heap per method.",
                    "Example: JAVA_OPTS=-Xmx4g bin/coreset bench pruning --n 1000000 --checkpoints 20 --dim 64"})
    static final class Pruning implements Callable<Integer> {
        @Option(names = "--scores", description = "A scores table with embeddings (default: a synthetic one).")
        String scores;
        @Option(names = "--n", defaultValue = "1000000")
        long n;
        @Option(names = "--checkpoints", defaultValue = "20")
        int checkpoints;
        @Option(names = "--dim", defaultValue = "64")
        int dim;
        @Option(names = "--classes", defaultValue = "10")
        int classes;
        @Option(names = "--fraction", defaultValue = "0.1")
        double fraction;
        @Option(names = "--window", defaultValue = "all", description = "The methods' --window (default ${DEFAULT-VALUE}).")
        String window;
        @Option(names = "--rounds", defaultValue = "1")
        int rounds;
        @Option(names = "--seed", defaultValue = "0")
        long seed;
        @Mixin
        SparkOptions sparkOptions;

        @Override
        public Integer call() {
            SparkSession spark = sparkOptions.session();
            Path work = PruningBench.tempDir();
            try {
                String table = scores;
                double generate = 0;
                if (table == null) {
                    table = work.resolve("scores").toString();
                    long t0 = System.nanoTime();
                    PruningBench.writeSynthetic(spark, n, checkpoints, dim, classes, seed, table);
                    generate = (System.nanoTime() - t0) / 1e9;
                }
                List<PruningBench.Result> results = PruningBench.run(spark,
                        table, rounds, fraction, window, seed, work);
                System.out.printf(Locale.ROOT, "scores %s%s, max heap %d MB, %d round(s)%n",
                        scores == null ? String.format(Locale.ROOT, "synthetic: %d x %d checkpoints, dim %d (written in"
                                + " %.1f s)", n, checkpoints, dim, generate) : scores, "",
                        Runtime.getRuntime().maxMemory() >> 20, rounds);
                double cld = results.get(0).medianSeconds();
                double fl = results.get(3).medianSeconds();
                TextTable t = new TextTable("method", "median s", "rounds s", "vs", "ratio", "peak heap MB", "selected");
                for (var r : results) {
                    String against = r.method().equals("ccs") || r.method().equals("dual") ? "cld"
                            : r.method().equals("d2") ? "facility-location" : "";
                    double base = against.equals("cld") ? cld : fl;
                    t.row(r.method(), String.format(Locale.ROOT, "%.1f", r.medianSeconds()),
                            r.seconds().stream().map(x -> String.format(Locale.ROOT, "%.1f", x))
                                    .collect(java.util.stream.Collectors.joining(" ")), against,
                            against.isEmpty() ? "" : String.format(Locale.ROOT, "%.2f", r.medianSeconds() / base),
                            r.peakHeapBytes() >> 20, r.selected());
                }
                System.out.print(t);
                return 0;
            } finally {
                PruningBench.deleteTree(work);
            }
        }
    }

    @Command(name = "parts", mixinStandardHelpOptions = true,
            description = "coreset select (facility location, GreeDi) with random vs k-means parts on a synthetic "
                    + "blob mixture: wall time, k-medoid cost, heap.")
    static final class Parts implements Callable<Integer> {
        @Option(names = "--n", defaultValue = "1000000")
        long n;
        @Option(names = "--d", defaultValue = "64")
        int d;
        @Option(names = "--classes", defaultValue = "10")
        int classes;
        @Option(names = "--components", defaultValue = "20", description = "Gaussian blobs per class.")
        int components;
        @Option(names = "--spread", defaultValue = "3.0", description = "Std of the blob centers (noise std is 1).")
        double spread;
        @Option(names = "--fraction", defaultValue = "0.1")
        double fraction;
        @Option(names = "--partition-size", defaultValue = "10000")
        int partitionSize;
        @Option(names = "--optimizer", defaultValue = "lazy")
        String optimizer;
        @Option(names = "--modes", split = ",", defaultValue = "random,kmeans")
        List<String> modes;
        @Option(names = "--seed", defaultValue = "0")
        long seed;
        @Mixin
        SparkOptions sparkOptions;

        @Override
        public Integer call() {
            List<PartsBench.Result> results = PartsBench.run(sparkOptions.session(), n, d, classes, components, spread,
                    fraction, partitionSize, optimizer, seed, modes.stream().map(PartsMode::parse).toList());
            TextTable t = new TextTable("parts", "seconds", "k-medoid cost", "selected", "peak heap MB");
            for (PartsBench.Result r : results) {
                t.row(r.parts().cliName(), String.format(Locale.ROOT, "%.1f", r.seconds()),
                        String.format(Locale.ROOT, "%.6g", r.kMedoidCost()), r.selected(), r.peakHeapBytes() >> 20);
            }
            System.out.print(t);
            return 0;
        }
    }

    @Command(name = "blas", mixinStandardHelpOptions = true,
            description = "One squared-distance block (q queries x n points) on one thread: the selection kernel vs "
                    + "MLlib's BLAS (netlib sgemm) vs MLlib DenseMatrix.multiply.")
    static final class Blas implements Callable<Integer> {
        @Option(names = "--n", defaultValue = "20000")
        int n;
        @Option(names = "--q", defaultValue = "256")
        int q;
        @Option(names = "--d", defaultValue = "64")
        int d;
        @Option(names = "--reps", defaultValue = "5")
        int reps;
        @Option(names = "--seed", defaultValue = "1")
        long seed;

        @Override
        public Integer call() {
            TextTable t = new TextTable("implementation", "ms per block", "GFLOP/s", "max rel. error");
            for (DistanceBlasBench.Row r : DistanceBlasBench.run(n, q, d, reps, seed)) {
                t.row(r.implementation(), String.format(Locale.ROOT, "%.1f", r.millis()),
                        String.format(Locale.ROOT, "%.1f", r.gflops()), String.format(Locale.ROOT, "%.1e", r.maxRelError()));
            }
            System.out.print(t);
            return 0;
        }
    }

    @Command(name = "dedup", mixinStandardHelpOptions = true,
            description = "coreset dedup on n x d synthetic embeddings with injected near copies: time, peak heap,"
                    + " precision and recall, and a brute-force check of a sample of points against all rows.")
    static final class Dedup implements Callable<Integer> {
        @Option(names = "--n", defaultValue = "1000000")
        long n;
        @Option(names = "--dim", defaultValue = "64")
        int dim;
        @Option(names = "--classes", defaultValue = "10")
        int classes;
        @Option(names = "--duplicates", defaultValue = "0.1", description = "Share of rows that are injected near copies.")
        double duplicates;
        @Option(names = "--noise", defaultValue = "0.05", description = "Per-coordinate noise of a copy.")
        double noise;
        @Option(names = "--epsilon", defaultValue = "0.01")
        double epsilon;
        @Option(names = "--partition-size", defaultValue = "20000")
        int partitionSize;
        @Option(names = "--components", defaultValue = "1000")
        int components;
        @Option(names = "--sample", defaultValue = "1000", description = "Points checked against all rows by brute force.")
        int sample;
        @Option(names = "--seed", defaultValue = "0")
        long seed;
        @Mixin
        SparkOptions sparkOptions;

        @Override
        public Integer call() {
            DedupBench.Result r = DedupBench.run(sparkOptions.session(), n, dim, classes, duplicates, noise, epsilon,
                    partitionSize, components, sample, seed);
            TextTable t = new TextTable("rows", "injected", "flagged", "precision", "recall", "seconds", "peak heap MB",
                    "clusters", "largest", "tasks", "brute-force pairs", "covered");
            t.row(r.rows(), r.injected(), r.flagged(), String.format(Locale.ROOT, "%.4f", r.precision()),
                    String.format(Locale.ROOT, "%.4f", r.recall()), String.format(Locale.ROOT, "%.1f", r.seconds()),
                    r.peakHeapBytes() / (1 << 20), r.clusters(), r.largestCluster(), r.tasks(), r.brutePairs(),
                    r.bruteCovered());
            System.out.print(t);
            return 0;
        }
    }
}
