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
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Centralized facility-location (Euclidean) selection on a seeded Gaussian mixture: lazy greedy and stochastic
 * greedy (epsilon 0.01 and 0.1), with wall time, peak heap and k-medoid cost. A library entry point for the
 * {@code coreset bench select} command, and a main:
 * {@code java -Xmx1g --add-modules jdk.incubator.vector -cp selection/target/classes
 * dev.coreset.selection.bench.SelectionKernelBench [n d k seed threads memoMB warmup]}.
 */
public final class SelectionKernelBench {
    /** Default bound on the facility-location memo (uses about 33 MB at n = 20,000). */
    public static final long DEFAULT_CACHE_BYTES = FacilityLocation.DEFAULT_MEMO_BYTES;

    private SelectionKernelBench() {
    }

    /** Runs with all available processors and {@link #DEFAULT_CACHE_BYTES}. */
    public static BenchResult run(int n, int d, int k, long seed) {
        return run(n, d, k, seed, 0, DEFAULT_CACHE_BYTES, true);
    }

    /**
     * @param threads    kernel threads; <= 0 = available processors
     * @param cacheBytes bound on the facility-location memo per run (see {@link FacilityLocation})
     * @param warmup     first run every method on a small problem so the timings exclude JIT compilation
     */
    public static BenchResult run(int n, int d, int k, long seed, int threads, long cacheBytes, boolean warmup) {
        GaussianMixture data = GaussianMixture.generate(n, d, 10, 4.0, seed);
        PointSet pts = PointSet.of(data.points(), n, d);
        Map<String, Optimizer> methods = new LinkedHashMap<>();
        methods.put("lazy greedy", new LazyGreedy());
        methods.put("stochastic eps=0.01", new StochasticGreedy(0.01, seed));
        methods.put("stochastic eps=0.1", new StochasticGreedy(0.1, seed));
        List<BenchResult.Row> rows = new ArrayList<>();
        try (Workers workers = Workers.create(threads)) {
            if (warmup) warmUp(workers, seed);
            for (Map.Entry<String, Optimizer> m : methods.entrySet()) {
                System.gc();
                HeapSampler sampler = HeapSampler.start();
                long t0 = System.nanoTime();
                FacilityLocation fl = new FacilityLocation(pts, Similarity.euclidean(), cacheBytes, workers);
                SelectionResult r = m.getValue().maximize(fl, k);
                double ms = (System.nanoTime() - t0) / 1e6;
                long peak = sampler.stop();
                double cost = Objectives.summarize(pts, r.indices(), workers).kMedoidCost();
                rows.add(new BenchResult.Row(m.getKey(), ms, peak, cost, r.objective(), fl.rowsComputed(),
                        fl.pairsComputed()));
            }
            return new BenchResult(n, d, k, seed, workers.threads(), cacheBytes, rows);
        }
    }

    /** The same code paths on a small problem, so the timed runs measure compiled code, not the JIT. */
    private static void warmUp(Workers workers, long seed) {
        GaussianMixture g = GaussianMixture.generate(4_000, 64, 10, 4.0, seed + 1);
        PointSet p = PointSet.of(g.points(), g.n(), g.d());
        for (int rep = 0; rep < 2; rep++) {
            new LazyGreedy().maximize(new FacilityLocation(p, Similarity.euclidean(), DEFAULT_CACHE_BYTES, workers), 400);
            new StochasticGreedy(0.1, seed).maximize(
                    new FacilityLocation(p, Similarity.euclidean(), DEFAULT_CACHE_BYTES, workers), 400);
        }
    }

    /** Samples the used heap every millisecond on a daemon thread; stop() returns the largest value seen. */
    private static final class HeapSampler implements Runnable {
        private final MemoryMXBean bean = ManagementFactory.getMemoryMXBean();
        private volatile boolean running = true;
        private volatile long peak;
        private Thread thread;

        static HeapSampler start() {
            HeapSampler s = new HeapSampler();
            s.peak = s.bean.getHeapMemoryUsage().getUsed();
            s.thread = new Thread(s, "heap-sampler");
            s.thread.setDaemon(true);
            s.thread.start();
            return s;
        }

        @Override
        public void run() {
            while (running) {
                peak = Math.max(peak, bean.getHeapMemoryUsage().getUsed());
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        long stop() {
            running = false;
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Math.max(peak, bean.getHeapMemoryUsage().getUsed());
        }
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int d = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int k = args.length > 2 ? Integer.parseInt(args[2]) : 2_000;
        long seed = args.length > 3 ? Long.parseLong(args[3]) : 42L;
        int threads = args.length > 4 ? Integer.parseInt(args[4]) : 0;
        long cache = args.length > 5 ? Long.parseLong(args[5]) << 20 : DEFAULT_CACHE_BYTES;
        boolean warmup = args.length <= 6 || Boolean.parseBoolean(args[6]);
        System.out.print(run(n, d, k, seed, threads, cache, warmup).toTable());
    }
}
