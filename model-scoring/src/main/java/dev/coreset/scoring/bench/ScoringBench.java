package dev.coreset.scoring.bench;

import ai.djl.Device;
import ai.djl.Model;
import dev.coreset.scoring.BatchScorer;
import dev.coreset.scoring.Engines;
import dev.coreset.scoring.ScoreOptions;
import dev.coreset.scoring.ScoringModel;
import dev.coreset.scoring.model.Checkpoints;
import dev.coreset.scoring.model.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Single-thread baseline for {@code coreset bench score}: a plain loop of {@link BatchScorer} batches over
 * rows already in memory, one thread, PyTorch intra-op threads set to 1 for the duration (restored after).
 * The Spark scoring job does the same per-row work, so samples/second of the two compare directly.
 */
public final class ScoringBench {
    private ScoringBench() {
    }

    /**
     * @param samplesPerSecond rows / seconds over the timed passes
     * @param seconds          wall time of the timed passes (warm-up excluded)
     */
    public record Result(String model, String device, int rows, int batchSize, int passes, double seconds,
                         double samplesPerSecond, String embedding, int draws) {
        @Override
        public String toString() {
            return String.format("%s on %s: %d rows x %d passes, batch %d, %s, draws %d: %.3f s, %.0f samples/s",
                    model, device, rows, passes, batchSize, embedding, draws, seconds, samplesPerSecond);
        }
    }

    /**
     * Times {@code passes} passes over {@code rows} rows of {@code features} (rows x model input length) after
     * one warm-up batch.
     */
    public static Result time(ScoringModel model, float[] features, int[] labels, ScoreOptions options, int passes) {
        if (passes < 1) {
            throw new IllegalArgumentException("passes must be >= 1");
        }
        int n = model.inputLength();
        int rows = labels.length;
        int batch = options.maxBatchRows();
        int previousThreads = Engines.setIntraOpThreads(1);
        try (BatchScorer scorer = new BatchScorer(model, options)) {
            int warm = Math.min(batch, rows);
            scorer.score(java.util.Arrays.copyOf(features, warm * n), java.util.Arrays.copyOf(labels, warm));
            float[] x = new float[batch * n];
            int[] y = new int[batch];
            long t0 = System.nanoTime();
            double sink = 0;
            for (int p = 0; p < passes; p++) {
                for (int start = 0; start < rows; start += batch) {
                    int r = Math.min(batch, rows - start);
                    float[] xb = r == batch ? x : new float[r * n];
                    int[] yb = r == batch ? y : new int[r];
                    System.arraycopy(features, start * n, xb, 0, r * n);
                    System.arraycopy(labels, start, yb, 0, r);
                    sink += scorer.score(xb, yb).loss()[0];
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (Double.isNaN(sink)) {
                throw new IllegalStateException("NaN loss in benchmark");
            }
            String name = model.spec() != null ? model.spec().architecture() + model.spec().hidden() : model.kind().toString();
            return new Result(name, model.device().toString(), rows, batch, passes, seconds,
                    (double) rows * passes / seconds, options.embedding().toString(), options.effectiveDraws());
        } finally {
            Engines.setIntraOpThreads(previousThreads);
        }
    }

    /** Times an untrained (seeded) model of {@code spec} on the CPU. */
    public static Result time(ModelSpec spec, float[] features, int[] labels, ScoreOptions options, int passes, long seed) {
        Engines.pytorch();
        try (Model m = Checkpoints.newInitializedModel(spec, Device.cpu(), seed)) {
            return time(ScoringModel.of(m, spec), features, labels, options, passes);
        }
    }

    /**
     * MLP (784 -> 256 -> 128 -> 10) and CNN (1x28x28, conv 16/32, dense 128) on {@code rows} random
     * Fashion-MNIST-sized rows: a self-contained baseline when no data set is given.
     */
    public static List<Result> mlpAndCnn(int rows, ScoreOptions options, int passes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[rows * 784];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        int[] y = new int[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = r.nextInt(10);
        }
        List<Result> out = new ArrayList<>();
        out.add(time(ModelSpec.mlp(784, 10), x, y, options, passes, seed));
        out.add(time(ModelSpec.cnn(1, 28, 28, 10), x, y, options, passes, seed));
        return out;
    }
}
