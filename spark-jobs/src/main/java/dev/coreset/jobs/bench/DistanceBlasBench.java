package dev.coreset.jobs.bench;

import dev.coreset.selection.kernel.BlockKernel;
import dev.coreset.selection.kernel.PointSet;
import dev.coreset.selection.kernel.Queries;
import dev.coreset.selection.kernel.Workers;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.linalg.DenseMatrix;

/**
 * One distance block, three ways, on one thread: q queries against n points (d dims), squared Euclidean
 * distances ||p||^2 + ||q||^2 - 2 p.q. (1) the selection module's Vector API kernel ({@link BlockKernel});
 * (2) the BLAS MLlib calls through (dev.ludovic.netlib: native if a system BLAS is installed, else its Java /
 * Vector API build) with sgemm; (3) MLlib's public linear algebra, {@link DenseMatrix#multiply} (double dgemm).
 * Norms and layouts (the kernel's panels, the double copies) are prepared once outside the timing, as they are
 * per point set in the selection; each block is timed as the best of {@code reps} after warm-up runs.
 */
public final class DistanceBlasBench {
    private DistanceBlasBench() {
    }

    /** One implementation: best wall time of a block, its GFLOP/s (2 n q d flops) and its largest error. */
    public record Row(String implementation, double millis, double gflops, double maxRelError) {
    }

    public static List<Row> run(int n, int q, int d, int reps, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] points = new float[n * d];
        float[] queries = new float[q * d];
        for (int i = 0; i < points.length; i++) points[i] = (float) rnd.nextDouble(-1, 1);
        for (int i = 0; i < queries.length; i++) queries[i] = (float) rnd.nextDouble(-1, 1);
        float[] pn = norms(points, n, d);
        float[] qn = norms(queries, q, d);
        double flops = 2.0 * n * q * d;
        List<Row> rows = new ArrayList<>();

        PointSet pts = PointSet.of(points, n, d);
        Queries qs = Queries.ofArray(queries, d, 0, q);
        int stride = pts.paddedSize();
        float[] kernelOut = new float[q * stride];
        double ms = best(reps, () -> BlockKernel.compute(pts, qs, BlockKernel.Output.SQ_DIST, 0f, kernelOut, stride,
                Workers.inline()));
        rows.add(new Row("selection BlockKernel (Vector API)", ms, flops / ms / 1e6,
                error(points, queries, n, q, d, (i, j) -> kernelOut[j * stride + i])));

        dev.ludovic.netlib.blas.BLAS blas = dev.ludovic.netlib.blas.BLAS.getInstance();
        float[] gemmOut = new float[n * q];
        ms = best(reps, () -> {
            // Column-major: points are a d x n matrix P, queries d x q Q; out (n x q) = -2 P^T Q, then the norms.
            blas.sgemm("T", "N", n, q, d, -2f, points, d, queries, d, 0f, gemmOut, n);
            for (int j = 0; j < q; j++) {
                for (int i = 0; i < n; i++) {
                    gemmOut[j * n + i] = Math.max(0f, gemmOut[j * n + i] + pn[i] + qn[j]);
                }
            }
        });
        rows.add(new Row("netlib sgemm (" + blas.getClass().getSimpleName() + ", what MLlib uses)", ms,
                flops / ms / 1e6, error(points, queries, n, q, d, (i, j) -> gemmOut[j * n + i])));

        DenseMatrix a = new DenseMatrix(n, d, toDouble(points), true);
        DenseMatrix b = new DenseMatrix(d, q, toDouble(queries), false);
        double[][] mllibOut = new double[1][];
        ms = best(reps, () -> {
            double[] c = a.multiply(b).values();
            for (int j = 0; j < q; j++) {
                for (int i = 0; i < n; i++) {
                    c[j * n + i] = Math.max(0, pn[i] + qn[j] - 2 * c[j * n + i]);
                }
            }
            mllibOut[0] = c;
        });
        rows.add(new Row("MLlib DenseMatrix.multiply (dgemm)", ms, flops / ms / 1e6,
                error(points, queries, n, q, d, (i, j) -> mllibOut[0][j * n + i])));
        return rows;
    }

    private interface Cell {
        double at(int point, int query);
    }

    /** Largest |value - exact| / max(1, exact) over a sample of cells, against a double-precision loop. */
    private static double error(float[] p, float[] qs, int n, int q, int d, Cell cell) {
        double worst = 0;
        for (int j = 0; j < q; j += Math.max(1, q / 16)) {
            for (int i = 0; i < n; i += Math.max(1, n / 512)) {
                double s = 0;
                for (int t = 0; t < d; t++) {
                    double diff = (double) p[i * d + t] - qs[j * d + t];
                    s += diff * diff;
                }
                worst = Math.max(worst, Math.abs(cell.at(i, j) - s) / Math.max(1, s));
            }
        }
        return worst;
    }

    private static double best(int reps, Runnable block) {
        for (int i = 0; i < 3; i++) block.run();
        double best = Double.MAX_VALUE;
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            block.run();
            best = Math.min(best, (System.nanoTime() - t0) / 1e6);
        }
        return best;
    }

    private static float[] norms(float[] x, int n, int d) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            float s = 0;
            for (int t = 0; t < d; t++) s += x[i * d + t] * x[i * d + t];
            out[i] = s;
        }
        return out;
    }

    private static double[] toDouble(float[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = x[i];
        return out;
    }
}
