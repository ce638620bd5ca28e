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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Centralized facility-location (Euclidean) selection on a seeded Gaussian mixture: lazy greedy and stochastic
 * greedy (epsilon 0.01 and 0.1), with wall time, peak heap and k-medoid cost. A library entry point for the
 * {@code coreset bench select} command, and a main:
 * {@code java -Xmx1g --add-modules jdk.incubator.vector -cp selection/target/classes
 * dev.coreset.selection.bench.SelectionKernelBench [n d k seed threads memoMB warmups timed]}.
 */
public final class SelectionKernelBench {
    /** Default bound on the facility-location memo (uses about 33 MB at n = 20,000). */
    public static final long DEFAULT_CACHE_BYTES = FacilityLocation.DEFAULT_MEMO_BYTES;

    private SelectionKernelBench() {
    }

    /** Runs with all available processors, {@link #DEFAULT_CACHE_BYTES}, 3 warm-up and 5 timed runs. */
    public static BenchResult run(int n, int d, int k, long seed) {
        return run(n, d, k, seed, 0, DEFAULT_CACHE_BYTES, 3, 5);
    }

    /**
     * The Gaussian mixture of {@code n} points in {@code d} dimensions (10 components, seeded).
     *
     * @param threads    kernel threads; <= 0 = available processors
     * @param cacheBytes bound on the facility-location memo per run (see {@link FacilityLocation})
     * @param warmups    untimed runs of each method on the same problem first, so the timings measure compiled code
     *                   (as JMH's warm-up iterations do); the first of them is timed on its own
     * @param timed      timed runs of each method (at least 1): the row reports their median, min and max
     */
    public static BenchResult run(int n, int d, int k, long seed, int threads, long cacheBytes, int warmups, int timed) {
        GaussianMixture data = GaussianMixture.generate(n, d, 10, 4.0, seed);
        return run("gaussian mixture", PointSet.of(data.points(), n, d), k, seed, threads, cacheBytes, warmups, timed);
    }

    /**
     * Any point set (a real data set's embeddings, say). Each method's first run is timed apart from the warm
     * ones: in a fresh JVM the first method's first run is what a command pays, JIT compilation included.
     */
    public static BenchResult run(String data, PointSet pts, int k, long seed, int threads, long cacheBytes, int warmups,
                                  int timed) {
        if (timed < 1 || warmups < 0) throw new IllegalArgumentException("need timed >= 1 and warmups >= 0");
        if (k < 1 || k > pts.size()) throw new IllegalArgumentException("need 1 <= k <= n, got k " + k + ", n " + pts.size());
        Map<String, Supplier<Optimizer>> methods = new LinkedHashMap<>();
        methods.put("lazy greedy", LazyGreedy::new);
        methods.put("stochastic eps=0.01", () -> new StochasticGreedy(0.01, seed));
        methods.put("stochastic eps=0.1", () -> new StochasticGreedy(0.1, seed));
        List<BenchResult.Row> rows = new ArrayList<>();
        try (Workers workers = Workers.create(threads)) {
            for (Map.Entry<String, Supplier<Optimizer>> m : methods.entrySet()) {
                double firstMs = Double.NaN;
                for (int w = 0; w < warmups; w++) {
                    long t0 = System.nanoTime();
                    m.getValue().get().maximize(new FacilityLocation(pts, Similarity.euclidean(), cacheBytes, workers), k);
                    if (w == 0) firstMs = (System.nanoTime() - t0) / 1e6;
                }
                double[] ms = new double[timed];
                long peak = 0;
                SelectionResult r = null;
                FacilityLocation fl = null;
                for (int t = 0; t < timed; t++) {
                    System.gc();
                    HeapSampler sampler = HeapSampler.start();
                    long t0 = System.nanoTime();
                    fl = new FacilityLocation(pts, Similarity.euclidean(), cacheBytes, workers);
                    SelectionResult run = m.getValue().get().maximize(fl, k);
                    ms[t] = (System.nanoTime() - t0) / 1e6;
                    peak = Math.max(peak, sampler.stop());
                    if (r != null && !Arrays.equals(r.indices(), run.indices())) {
                        throw new IllegalStateException(m.getKey() + " picked a different set on a repeat run");
                    }
                    r = run;
                }
                if (warmups == 0) firstMs = ms[0];
                double cost = Objectives.summarize(pts, r.indices(), workers).kMedoidCost();
                double[] sorted = ms.clone();
                Arrays.sort(sorted);
                rows.add(new BenchResult.Row(m.getKey(), firstMs, sorted[timed / 2], sorted[0], sorted[timed - 1], peak,
                        cost, r.objective(), fl.rowsComputed(), fl.pairsComputed()));
            }
            return new BenchResult(data, pts.size(), pts.dim(), k, seed, workers.threads(), cacheBytes, warmups, timed, rows);
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
        int warmups = args.length > 6 ? Integer.parseInt(args[6]) : 3;
        int timed = args.length > 7 ? Integer.parseInt(args[7]) : 5;
        System.out.print(run(n, d, k, seed, threads, cache, warmups, timed).toTable());
    }
}
