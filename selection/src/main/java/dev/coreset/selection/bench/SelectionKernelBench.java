package dev.coreset.selection.bench;

import dev.coreset.selection.assign.Objectives;
import dev.coreset.selection.data.GaussianMixture;
import dev.coreset.selection.function.FacilityLocation;
import dev.coreset.selection.function.Similarity;
import dev.coreset.selection.kernel.PointSet;
import dev.coreset.selection.kernel.Workers;
import dev.coreset.selection.optimize.LazyGreedy;
import dev.coreset.selection.optimize.Optimizer;
import dev.coreset.selection.optimize.SelectionResult;
import dev.coreset.selection.optimize.StochasticGreedy;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Centralized facility-location (Euclidean) selection on a seeded Gaussian mixture: lazy greedy and stochastic
 * greedy (epsilon 0.01 and 0.1), with wall time, peak heap and k-medoid cost. A library entry point for the
 * {@code coreset bench select} command, and a main:
 * {@code java -Xmx1g --add-modules jdk.incubator.vector -cp selection/target/classes
 * dev.coreset.selection.bench.SelectionKernelBench [n d k seed threads cacheMB]}.
 */
public final class SelectionKernelBench {
    /** Default bound on cached similarity rows: fits with the data in a 1 GB heap at n = 20,000. */
    public static final long DEFAULT_CACHE_BYTES = 256L << 20;

    private SelectionKernelBench() {
    }

    /** Runs with all available processors and {@link #DEFAULT_CACHE_BYTES}. */
    public static BenchResult run(int n, int d, int k, long seed) {
        return run(n, d, k, seed, 0, DEFAULT_CACHE_BYTES);
    }

    /**
     * @param threads    kernel threads; <= 0 = available processors
     * @param cacheBytes bound on cached similarity rows per run
     */
    public static BenchResult run(int n, int d, int k, long seed, int threads, long cacheBytes) {
        GaussianMixture data = GaussianMixture.generate(n, d, 10, 4.0, seed);
        PointSet pts = PointSet.of(data.points(), n, d);
        Map<String, Optimizer> methods = new LinkedHashMap<>();
        methods.put("lazy greedy", new LazyGreedy());
        methods.put("stochastic eps=0.01", new StochasticGreedy(0.01, seed));
        methods.put("stochastic eps=0.1", new StochasticGreedy(0.1, seed));
        List<BenchResult.Row> rows = new ArrayList<>();
        try (Workers workers = Workers.create(threads)) {
            for (Map.Entry<String, Optimizer> m : methods.entrySet()) {
                resetPeaks();
                long t0 = System.nanoTime();
                FacilityLocation fl = new FacilityLocation(pts, Similarity.euclidean(), cacheBytes, workers);
                SelectionResult r = m.getValue().maximize(fl, k);
                double ms = (System.nanoTime() - t0) / 1e6;
                long peak = peakHeap();
                double cost = Objectives.summarize(pts, r.indices(), workers).kMedoidCost();
                rows.add(new BenchResult.Row(m.getKey(), ms, peak, cost, r.objective(), fl.rowsComputed(),
                        fl.pairsComputed()));
            }
            return new BenchResult(n, d, k, seed, workers.threads(), cacheBytes, rows);
        }
    }

    private static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) p.resetPeakUsage();
        }
    }

    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) sum += p.getPeakUsage().getUsed();
        }
        return sum;
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int d = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int k = args.length > 2 ? Integer.parseInt(args[2]) : 2_000;
        long seed = args.length > 3 ? Long.parseLong(args[3]) : 42L;
        int threads = args.length > 4 ? Integer.parseInt(args[4]) : 0;
        long cache = args.length > 5 ? Long.parseLong(args[5]) << 20 : DEFAULT_CACHE_BYTES;
        System.out.print(run(n, d, k, seed, threads, cache).toTable());
    }
}
