package dev.coreset.jobs.cli;

import dev.coreset.jobs.cld.CldBench;
import dev.coreset.selection.bench.SelectionKernelBench;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Benchmarks (not tests): figures go to docs/BENCHMARKS.md and issue notes, never into assertions. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Run a benchmark and print its figures.",
        subcommands = {BenchCommand.SelectKernel.class, BenchCommand.Cld.class})
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
}
