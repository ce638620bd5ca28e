package dev.coreset.scoring.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.Trainer;
import dev.coreset.scoring.model.Checkpoints;
import dev.coreset.scoring.model.ModelSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A val or test split whose accuracy the trainer measures after every epoch; a step budget on a small subset
 * makes that a hundred times and more per run. The rows are read once and packed into engine arrays of
 * {@link #batchRows} rows on the trainer's device (when they take at most {@link #MAX_PACKED_BYTES}); each
 * evaluation is then forward passes and a count of argmax == label inside the engine: no per-row copy, no
 * buffer allocation, one number back per batch. Larger splits are streamed from their source every time through
 * one reused buffer. Close it before the trainer.
 */
public final class EvaluationSet implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EvaluationSet.class);
    /** Bound on a packed split (features, 4 bytes each): 256 MiB holds 85,000 rows of 784 features. */
    static final long MAX_PACKED_BYTES = 256L << 20;
    /** Floats per inference batch: large batches cut the per-call overhead; 2^20 is 1,024 rows of 784 features. */
    private static final int BATCH_FLOATS = 1 << 20;
    private static final int MAX_BATCH_ROWS = 4096;

    private final ModelSpec spec;
    private final RowSource source;
    private final int batchRows;
    private final NDManager packedManager;
    private final List<NDArray> features;
    private final List<NDArray> labels;
    private final long rows;

    private EvaluationSet(ModelSpec spec, RowSource source, int batchRows, NDManager packedManager,
                          List<NDArray> features, List<NDArray> labels, long rows) {
        this.spec = spec;
        this.source = source;
        this.batchRows = batchRows;
        this.packedManager = packedManager;
        this.features = features;
        this.labels = labels;
        this.rows = rows;
    }

    /** Rows per inference batch for a model input of {@code inputLength} floats (a power of two, 1..4096). */
    static int batchRows(int inputLength) {
        return Integer.highestOneBit(Math.max(1, Math.min(MAX_BATCH_ROWS, BATCH_FLOATS / inputLength)));
    }

    /**
     * Reads {@code source} once and packs it on the trainer's device, or keeps it to stream when it is larger
     * than {@link #MAX_PACKED_BYTES}. Null when {@code source} is null (no such split).
     */
    public static EvaluationSet of(Trainer trainer, ModelSpec spec, RowSource source) {
        return source == null ? null
                : of(trainer, spec, source, MAX_PACKED_BYTES, batchRows(spec.inputLength()));
    }

    /** As above with a given bound and batch size (tests: several batches, the streamed path). */
    static EvaluationSet of(Trainer trainer, ModelSpec spec, RowSource source, long maxPackedBytes, int b) {
        int n = spec.inputLength();
        NDManager manager = trainer.getManager().newSubManager();
        List<NDArray> features = new ArrayList<>();
        List<NDArray> labels = new ArrayList<>();
        float[] x = new float[b * n];
        long[] y = new long[b];
        long rows = 0;
        try (CloseableIterator<LabeledRow> it = source.open(0)) {
            int filled = 0;
            while (it.hasNext()) {
                LabeledRow row = it.next();
                ProxyTrainer.checkRow(row, spec, "evaluation");
                if ((rows + 1) * n * (long) Float.BYTES > maxPackedBytes) {
                    manager.close();
                    LOG.info("evaluation split over {} MiB: streamed from its source at every evaluation",
                            maxPackedBytes >> 20);
                    return new EvaluationSet(spec, source, b, null, List.of(), List.of(), -1);
                }
                System.arraycopy(row.features(), 0, x, filled * n, n);
                y[filled++] = row.label();
                rows++;
                if (filled == b || !it.hasNext()) {
                    features.add(manager.create(filled == b ? x : Arrays.copyOf(x, filled * n),
                            Checkpoints.batchShape(spec, filled)));
                    labels.add(manager.create(filled == b ? y : Arrays.copyOf(y, filled)));
                    filled = 0;
                }
            }
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        return new EvaluationSet(spec, source, b, manager, features, labels, rows);
    }

    /** Whether the rows are held as engine arrays (false: streamed at every evaluation). */
    public boolean packed() {
        return packedManager != null;
    }

    /** Arrays the packed rows hold (one features and one labels array per batch; 0 when streamed): tests check that
     * evaluations leave nothing behind. */
    int heldArrays() {
        return packedManager == null ? 0 : packedManager.getManagedArrays().size();
    }

    /** Accuracy of the trainer's current model, or null when the split has no rows. */
    public Double accuracy(Trainer trainer) {
        return packed() ? packedAccuracy(trainer) : streamedAccuracy(trainer);
    }

    private Double packedAccuracy(Trainer trainer) {
        if (rows == 0) {
            return null;
        }
        long correct = 0;
        for (int i = 0; i < features.size(); i++) {
            // Everything the forward pass creates follows its input's manager: lend the batch to a scratch
            // manager so that activations are freed with it, and the batch returns to the packed set.
            try (NDManager scratch = packedManager.newSubManager()) {
                NDArray x = features.get(i);
                x.tempAttach(scratch);
                correct += correct(trainer, x, labels.get(i));
            }
        }
        return (double) correct / rows;
    }

    private Double streamedAccuracy(Trainer trainer) {
        int n = spec.inputLength();
        float[] x = new float[batchRows * n];
        long[] y = new long[batchRows];
        long correct = 0;
        long total = 0;
        try (CloseableIterator<LabeledRow> it = source.open(0)) {
            int filled = 0;
            while (it.hasNext()) {
                LabeledRow row = it.next();
                ProxyTrainer.checkRow(row, spec, "evaluation");
                System.arraycopy(row.features(), 0, x, filled * n, n);
                y[filled++] = row.label();
                if (filled == batchRows || !it.hasNext()) {
                    try (NDManager scratch = trainer.getManager().newSubManager()) {
                        NDArray xs = scratch.create(filled == batchRows ? x : Arrays.copyOf(x, filled * n),
                                Checkpoints.batchShape(spec, filled));
                        NDArray ys = scratch.create(filled == batchRows ? y : Arrays.copyOf(y, filled));
                        correct += correct(trainer, xs, ys);
                    }
                    total += filled;
                    filled = 0;
                }
            }
        }
        return total == 0 ? null : (double) correct / total;
    }

    /** Rows of the batch whose highest logit is their label (an exact count: the same bits every run). */
    private static long correct(Trainer trainer, NDArray x, NDArray y) {
        NDArray logits = trainer.evaluate(new NDList(x)).get(0);
        return logits.argMax(1).toType(DataType.INT64, false).eq(y).sum().getLong();
    }

    @Override
    public void close() {
        if (packedManager != null) {
            packedManager.close();
        }
    }
}
