package dev.coreset.jobs.cli;

import dev.coreset.jobs.bench.SelectJobBench;
import dev.coreset.jobs.cld.CldBench;
import dev.coreset.selection.bench.SelectionKernelBench;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Benchmarks (not tests): figures go to docs/BENCHMARKS.md and issue notes, never into assertions. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Run a benchmark and print its figures.",
        subcommands = {BenchCommand.SelectKernel.class, BenchCommand.SelectJobRun.class, BenchCommand.Cld.class})
public final class BenchCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.err);
    }

    @Command(name = "select", mixinStandardHelpOptions = true,
            description = "Centralized facility location on a Gaussian mixture: lazy and stochastic greedy wall time, peak heap, k-medoid cost.")
    static final class SelectKernel implements Callable<Integer> {
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

        @Override
        public Integer call() {
            System.out.print(SelectionKernelBench.run(n, d, k, seed, threads, SelectionKernelBench.DEFAULT_CACHE_BYTES,
                    true).toTable());
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
        @Mixin
        SparkOptions sparkOptions;

        @Override
        public Integer call() {
            CldBench.Result r = CldBench.runDetailed(sparkOptions.session(), n, checkpoints, classes, seed);
            TextTable t = new TextTable("samples", "checkpoints", "selected", "seconds", "peak heap MB");
            t.row(r.trainSamples(), checkpoints, r.selected(), String.format(Locale.ROOT, "%.1f", r.seconds()),
                    r.peakHeapBytes() / (1 << 20));
            System.out.print(t);
            return 0;
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
}
