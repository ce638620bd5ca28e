package dev.coreset.selection.bench;

import java.util.List;
import java.util.Locale;

/** The figures of one {@link SelectionKernelBench} run: one row per method. */
public record BenchResult(String data, int n, int d, int k, long seed, int threads, long cacheBytes, int warmups, int timed,
                          List<Row> rows) {

    /**
     * @param firstMillis   the method's first run in this call (before any warm-up; in a fresh JVM the first
     *                      method's first run includes the JIT compilation a command pays)
     * @param wallMillis    median wall time of the timed runs of the selection alone (data generation and cost
     *                      evaluation excluded); {@code minMillis} and {@code maxMillis} their range
     * @param peakHeapBytes largest used heap sampled every millisecond during the selection (after a GC; the
     *                      data set and not-yet-collected garbage included)
     * @param kMedoidCost   sum of distances from every point to its nearest selected point (lower is better)
     * @param rowsComputed  candidate evaluations that needed the kernel
     * @param pairsComputed candidate-point similarities computed (n x n would be the full matrix)
     */
    public record Row(String method, double firstMillis, double wallMillis, double minMillis, double maxMillis, long peakHeapBytes, double kMedoidCost,
                      double objective, long rowsComputed, long pairsComputed) {
    }

    /** A small fixed-width table. */
    public String toTable() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s: n=%d d=%d k=%d seed=%d threads=%d memo bound=%d MB, %d warm-up + %d"
                + " timed runs per method%n", data, n, d, k, seed, threads, cacheBytes >> 20, warmups, timed));
        sb.append(String.format(Locale.ROOT, "%-24s %10s %14s %16s %12s %16s %12s %10s%n", "method", "first ms",
                "warm ms median", "min-max", "peak heap MB", "k-medoid cost", "kernel rows", "pairs"));
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "%-24s %10.0f %14.0f %16s %12.1f %16.1f %12d %10.3g%n", r.method(),
                    r.firstMillis(), r.wallMillis(),
                    String.format(Locale.ROOT, "%.0f-%.0f", r.minMillis(), r.maxMillis()),
                    r.peakHeapBytes() / 1048576.0, r.kMedoidCost(), r.rowsComputed(), (double) r.pairsComputed()));
        }
        return sb.toString();
    }
}
