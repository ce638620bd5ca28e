package dev.coreset.scoring.train;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.scoring.Engines;
import dev.coreset.scoring.model.Checkpoints;
import dev.coreset.scoring.model.ModelSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a proxy model with Adam on rows streamed from a {@link RowSource} for a number of epochs or of optimizer
 * steps, writing a checkpoint after every epoch (or only after the last one, {@link CheckpointPolicy#LAST}) and
 * measuring val/test accuracy after every epoch. Layout of {@code runDir}:
 * <pre>
 *   epoch-000/   initialisation (only with {@link TrainOptions#saveInitial()}; t = 0 of loss trajectories)
 *   epoch-001/   after the first full pass ... epoch-E/ after the last
 *   metrics.json {"spec":..., "options":..., "epochs":[{epoch, steps, trainLoss, trainRows, valAccuracy,
 *                testAccuracy, seconds, checkpoint}, ...]} rewritten (atomically) after every epoch
 * </pre>
 * A step budget of N steps runs epochs until the N-th step; the last epoch stops right after it, mid-pass if
 * need be, and is evaluated and checkpointed there, so epochs = ceil(N / steps per epoch) and every run ends with
 * an accuracy measured at its final step.
 * <p>Loss: softmax cross-entropy, per batch {@code sum_i w_i l_i / sum_i w_i} (plain mean when weights are off
 * or all 1). So a row of weight 2 counts exactly like the same row present twice in the batch. Batches whose
 * weights are all 0 are skipped (no step).
 * <p>Determinism: weights come from {@link dev.coreset.scoring.model.SeededInitializer}, shuffling from a
 * seeded {@link ShuffleBuffer}, the engine seed is set too; two runs with the same seed, data order and
 * thread count give bit-identical parameters. Memory: the shuffle buffer plus one batch, and the val/test
 * splits packed for evaluation up to a bound ({@link EvaluationSet}); never the training set.
 * Runs on the driver (or any JVM); nothing here depends on Spark.
 */
public final class ProxyTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyTrainer.class);
    public static final String METRICS_FILE = "metrics.json";

    private ProxyTrainer() {
    }

    /**
     * @param val  validation rows for per-epoch accuracy, or null
     * @param test test rows for per-epoch accuracy, or null
     */
    public static TrainingResult train(ModelSpec spec, RowSource train, RowSource val, RowSource test,
                                       TrainOptions options, Path runDir) {
        Engines.pytorch().setRandomSeed((int) options.seed());
        List<Path> checkpoints = new ArrayList<>();
        List<EpochMetrics> metrics = new ArrayList<>();
        try (Model model = Checkpoints.newInitializedModel(spec, options.device(), options.seed());
             Trainer trainer = model.newTrainer(config(options));
             EvaluationSet valSet = EvaluationSet.of(trainer, spec, val);
             EvaluationSet testSet = EvaluationSet.of(trainer, spec, test)) {
            trainer.initialize(Checkpoints.batchShape(spec, 1));
            if (options.saveInitial()) {
                long t0 = System.nanoTime();
                Path dir = Checkpoints.save(model, spec, runDir, 0, options.seed());
                checkpoints.add(dir);
                metrics.add(new EpochMetrics(0, 0, null, 0, accuracy(valSet, trainer), accuracy(testSet, trainer),
                        (System.nanoTime() - t0) / 1e9, dir.getFileName().toString()));
                writeMetrics(runDir, spec, options, metrics);
            }
            long steps = 0;
            for (int epoch = 1; ; epoch++) {
                long t0 = System.nanoTime();
                long stepsLeft = options.hasStepBudget() ? options.steps() - steps : Long.MAX_VALUE;
                EpochTotals totals = runEpoch(trainer, spec, train, options, epoch, steps, stepsLeft);
                steps += totals.steps();
                boolean last = options.hasStepBudget() ? steps >= options.steps() : epoch == options.epochs();
                Path dir = null;
                if (options.checkpoints().saves(last)) {
                    dir = Checkpoints.save(model, spec, runDir, epoch, options.seed());
                    checkpoints.add(dir);
                }
                Double valAcc = accuracy(valSet, trainer);
                Double testAcc = accuracy(testSet, trainer);
                EpochMetrics m = new EpochMetrics(epoch, steps, totals.meanLoss(), totals.rows(), valAcc, testAcc,
                        (System.nanoTime() - t0) / 1e9, dir == null ? null : dir.getFileName().toString());
                metrics.add(m);
                writeMetrics(runDir, spec, options, metrics);
                LOG.info("epoch {}{}: step {}{}, train loss {} over {} rows, val acc {}, test acc {}, {} s", epoch,
                        options.hasStepBudget() ? "" : "/" + options.epochs(), steps,
                        options.hasStepBudget() ? "/" + options.steps() : "", String.format("%.4f", m.trainLoss()),
                        m.trainRows(), valAcc, testAcc, String.format("%.1f", m.seconds()));
                if (last) {
                    break;
                }
            }
        }
        return new TrainingResult(runDir, List.copyOf(checkpoints), List.copyOf(metrics));
    }

    private static Double accuracy(EvaluationSet set, Trainer trainer) {
        return set == null ? null : set.accuracy(trainer);
    }

    /** Softmax cross-entropy, Adam at the options' fixed learning rate, on the options' device. */
    public static DefaultTrainingConfig config(TrainOptions options) {
        return new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(options.learningRate())).build())
                .optDevices(new ai.djl.Device[] {options.device()});
    }

    /** Per-epoch seed derived from the run seed (SplitMix64 finaliser). */
    public static long mix(long seed, long k) {
        return dev.coreset.scoring.Seeds.mix(seed, k);
    }

    /**
     * Weighted softmax cross-entropy of a batch: {@code sum_i w_i l_i / sum_i w_i}, l_i = -log softmax(z_i)[y_i].
     */
    public static NDArray weightedLoss(NDArray logits, NDArray labels, NDArray weights) {
        long classes = logits.getShape().get(1);
        NDArray onehot = labels.toType(DataType.INT64, false).oneHot((int) classes).toType(DataType.FLOAT32, false);
        NDArray perSample = logits.logSoftmax(1).mul(onehot).sum(new int[] {1}).neg();
        return perSample.mul(weights).sum().div(weights.sum());
    }

    /** What one epoch trained: weighted loss sum and weight sum over its steps, rows back-propagated, steps. */
    private record EpochTotals(double weightedLoss, double weights, long rows, long steps) {
        double meanLoss() {
            return weights > 0 ? weightedLoss / weights : Double.NaN;
        }
    }

    /**
     * One pass over the source, or its first {@code maxSteps} steps when the step budget ends within it;
     * {@code stepsBefore} is the run's step count so far, for messages.
     */
    private static EpochTotals runEpoch(Trainer trainer, ModelSpec spec, RowSource source, TrainOptions options,
                                        int epoch, long stepsBefore, long maxSteps) {
        long epochSeed = mix(options.seed(), epoch);
        int n = spec.inputLength();
        int b = options.batchSize();
        float[] x = new float[b * n];
        int[] y = new int[b];
        float[] w = new float[b];
        double sumWeightedLoss = 0;
        double sumWeights = 0;
        long read = 0;
        long trained = 0;
        long steps = 0;
        try (CloseableIterator<LabeledRow> raw = source.open(epochSeed)) {
            Iterator<LabeledRow> it = options.shuffleBuffer() > 0
                    ? new ShuffleBuffer<>(raw, options.shuffleBuffer(), mix(epochSeed, 1)) : raw;
            int filled = 0;
            while (it.hasNext()) {
                LabeledRow row = it.next();
                checkRow(row, spec, "training");
                System.arraycopy(row.features(), 0, x, filled * n, n);
                y[filled] = row.label();
                w[filled] = options.useWeights() ? row.weight() : 1f;
                filled++;
                read++;
                if (filled == b) {
                    double[] lw = step(trainer, spec, x, y, w, filled);
                    requireFiniteLoss(lw, epoch, stepsBefore + steps + 1, options);
                    if (lw[1] > 0) {
                        sumWeightedLoss += lw[0];
                        sumWeights += lw[1];
                        trained += filled;
                        steps++;
                    }
                    filled = 0;
                    if (steps == maxSteps) {
                        break; // the step budget ends mid-pass
                    }
                }
            }
            if (filled > 0) {
                double[] lw = step(trainer, spec, x, y, w, filled);
                requireFiniteLoss(lw, epoch, stepsBefore + steps + 1, options);
                if (lw[1] > 0) {
                    sumWeightedLoss += lw[0];
                    sumWeights += lw[1];
                    trained += filled;
                    steps++;
                }
            }
        }
        if (read == 0) {
            throw new CoresetInputException("training source yielded no rows in epoch " + epoch);
        }
        if (steps == 0 && options.hasStepBudget()) {
            throw new CoresetInputException("epoch " + epoch + " took no optimizer step: every batch's weights are 0,"
                    + " so --steps " + options.steps() + " can never be reached; give the rows positive weights"
                    + " (or train with --weights uniform).");
        }
        return new EpochTotals(sumWeightedLoss, sumWeights, trained, steps);
    }

    /**
     * One Adam step on the first {@code rows} rows of x (row-major), y, w with the weighted loss; returns
     * {loss * sum(w), sum(w)} ({0, 0} and no step when every weight is 0). Also used by the CREST trainer.
     */
    public static double[] step(Trainer trainer, ModelSpec spec, float[] x, int[] y, float[] w, int rows) {
        double sumW = 0;
        for (int i = 0; i < rows; i++) {
            sumW += w[i];
        }
        if (sumW <= 0) {
            LOG.debug("skipping a batch whose weights are all 0");
            return new double[] {0, 0};
        }
        int n = spec.inputLength();
        try (NDManager m = trainer.getManager().newSubManager()) {
            NDArray xs = m.create(rows == y.length ? x : java.util.Arrays.copyOf(x, rows * n),
                    Checkpoints.batchShape(spec, rows));
            NDArray ys = m.create(java.util.Arrays.copyOf(y, rows));
            NDArray ws = m.create(java.util.Arrays.copyOf(w, rows));
            float loss;
            try (GradientCollector gc = trainer.newGradientCollector()) {
                NDArray logits = trainer.forward(new NDList(xs)).get(0);
                NDArray l = weightedLoss(logits, ys, ws);
                gc.backward(l);
                loss = l.getFloat();
            }
            trainer.step();
            return new double[] {loss * sumW, sumW};
        }
    }

    /**
     * Stops a run whose loss left the finite range: every later step and checkpoint would hold NaN weights, and
     * scores computed from them would rank nothing. {@code lw} is what {@link #step} returned.
     */
    public static void requireFiniteLoss(double[] lw, int epoch, long step, TrainOptions options) {
        if (lw[1] > 0 && !Double.isFinite(lw[0])) {
            throw new CoresetInputException("training diverged: the loss at step " + step + " (epoch " + epoch
                    + ") is " + (lw[0] / lw[1]) + " (learning rate " + options.learningRate() + ", batch size "
                    + options.batchSize() + "); train with a lower --lr, or scale features with extreme values");
        }
    }

    /** A one-line input error for a row the model cannot take (feature length, label range, weight). */
    public static void checkRow(LabeledRow row, ModelSpec spec, String what) {
        if (row.features() == null || row.features().length != spec.inputLength()) {
            throw new CoresetInputException(what + " row id=" + row.id() + " has "
                    + (row.features() == null ? "no" : String.valueOf(row.features().length))
                    + " features but the model expects " + spec.inputLength() + " (input shape " + spec.inputShape() + ")");
        }
        if (row.label() < 0 || row.label() >= spec.numClasses()) {
            throw new CoresetInputException(what + " row id=" + row.id() + " has label " + row.label()
                    + " but the model has " + spec.numClasses() + " classes (labels 0.." + (spec.numClasses() - 1) + ")");
        }
        if (!(row.weight() >= 0) || Float.isInfinite(row.weight())) {
            throw new CoresetInputException(what + " row id=" + row.id() + " has weight " + row.weight()
                    + "; weights must be finite and >= 0");
        }
    }

    /**
     * The JSON written to metrics.json. Exactly one of plannedEpochs and plannedSteps is set (the run's budget;
     * files written before step budgets have no plannedSteps); checkpoints is every-epoch or last.
     */
    public record MetricsFile(@JsonProperty("spec") ModelSpec spec,
                              @JsonProperty("seed") long seed,
                              @JsonProperty("plannedEpochs") Integer plannedEpochs,
                              @JsonProperty("plannedSteps") Long plannedSteps,
                              @JsonProperty("batchSize") int batchSize,
                              @JsonProperty("learningRate") float learningRate,
                              @JsonProperty("shuffleBuffer") int shuffleBuffer,
                              @JsonProperty("useWeights") boolean useWeights,
                              @JsonProperty("device") String device,
                              @JsonProperty("checkpoints") String checkpoints,
                              @JsonProperty("epochs") List<EpochMetrics> epochs) {
    }

    /** Writes (atomically replaces) {@code runDir/metrics.json}. */
    public static void writeMetrics(Path runDir, ModelSpec spec, TrainOptions o, List<EpochMetrics> metrics) {
        MetricsFile file = new MetricsFile(spec, o.seed(), o.hasStepBudget() ? null : o.epochs(),
                o.hasStepBudget() ? o.steps() : null, o.batchSize(), o.learningRate(), o.shuffleBuffer(),
                o.useWeights(), o.device().toString(), o.checkpoints().cliName(), List.copyOf(metrics));
        Path target = runDir.resolve(METRICS_FILE);
        Path tmp = runDir.resolve("." + METRICS_FILE + ".tmp");
        try {
            Files.createDirectories(runDir); // with --checkpoints last no epoch folder may have made it yet
            Checkpoints.JSON.writeValue(tmp.toFile(), file);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Reads a run's metrics.json. */
    public static MetricsFile readMetrics(Path runDir) {
        Path file = runDir.resolve(METRICS_FILE);
        if (!Files.isRegularFile(file)) {
            throw new CoresetInputException("metrics file not found: " + file + " (pass the folder coreset train wrote)");
        }
        try {
            return Checkpoints.JSON.readValue(file.toFile(), MetricsFile.class);
        } catch (IOException e) {
            throw new CoresetInputException("unreadable metrics file " + file + ": " + e.getMessage(), e);
        }
    }
}
