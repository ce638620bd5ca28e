package dev.coreset.scoring;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.TranslateException;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.scoring.model.BodyHeadBlock;
import dev.coreset.scoring.model.ModelSpec;
import java.util.Arrays;
import java.util.List;

/**
 * A loaded model, shared by all task threads of a JVM (get it from {@link ModelCache}). It is thread-safe;
 * the per-thread part is the {@link Session} (one DJL Predictor), so each task / partition opens its own
 * (cheap) and closes it when done. {@link BatchScorer} does that for you.
 * <p>For coreset checkpoints the forward pass yields h and the logits are computed in Java from h and the
 * head (W, b) copied to the heap at load time; TorchScript and ONNX models give their own logits (and h when
 * their forward returns a (logits, embedding) tuple).
 */
public final class ScoringModel implements AutoCloseable {
    private final ModelRef ref;
    private final Device device;
    private final Model model;
    private final long[] inputShape;
    private final int inputLength;
    private final ModelSpec spec;
    private final LinearHead head;
    private final boolean ownsModel;
    private volatile int numClasses;
    private volatile boolean closeAllowed = true;

    ScoringModel(ModelRef ref, Device device, Model model, long[] inputShape, ModelSpec spec, LinearHead head,
                 int numClasses, boolean ownsModel) {
        this.ref = ref;
        this.device = device;
        this.model = model;
        this.inputShape = inputShape.clone();
        long n = 1;
        for (long d : inputShape) {
            n *= d;
        }
        this.inputLength = Math.toIntExact(n);
        this.spec = spec;
        this.head = head;
        this.numClasses = numClasses;
        this.ownsModel = ownsModel;
    }

    /**
     * Wraps an in-memory coreset model (e.g. fresh from training, or built with
     * {@link dev.coreset.scoring.model.Checkpoints#newInitializedModel}); the caller keeps ownership of it. The
     * head is copied now: later training steps are not seen.
     */
    public static ScoringModel of(Model model, ModelSpec spec) {
        BodyHeadBlock block = (BodyHeadBlock) model.getBlock();
        return new ScoringModel(new ModelRef("memory:" + model.getName(), ModelRef.Kind.CHECKPOINT, spec.inputShape(), 0),
                model.getNDManager().getDevice(), model, spec.inputShapeArray(), spec, headOf(block), spec.numClasses(), false);
    }

    static LinearHead headOf(BodyHeadBlock block) {
        NDArray w = block.head().getParameters().get("weight").getArray();
        NDArray b = block.head().getParameters().get("bias").getArray();
        Shape s = w.getShape();
        return new LinearHead((int) s.get(0), (int) s.get(1), w.toFloatArray(), b.toFloatArray());
    }

    public ModelRef ref() {
        return ref;
    }

    public ModelRef.Kind kind() {
        return ref.kind();
    }

    public Device device() {
        return device;
    }

    public long[] inputShape() {
        return inputShape.clone();
    }

    /** Floats per sample. */
    public int inputLength() {
        return inputLength;
    }

    /** Class count; 0 for a TorchScript/ONNX model not yet run and given no class count. */
    public int numClasses() {
        return numClasses;
    }

    /** The architecture, for coreset checkpoints; null otherwise. */
    public ModelSpec spec() {
        return spec;
    }

    /** The last layer in Java (coreset checkpoints only; needed for posterior sampling); null otherwise. */
    public LinearHead head() {
        return head;
    }

    /** True when forward passes yield the penultimate activation h: always for checkpoints; for
     * TorchScript/ONNX only known after the first batch, so this returns true for them and
     * {@link BatchScorer} reports a clear error if the model turns out to return logits only. */
    public boolean mayHaveEmbedding() {
        return true;
    }

    /** The underlying DJL model (for tests and tools). */
    public Model djlModel() {
        return model;
    }

    public Session newSession() {
        return new Session();
    }

    void setCloseAllowed(boolean allowed) {
        this.closeAllowed = allowed;
    }

    /** Closes the DJL model; a no-op for models held by {@link ModelCache} (use {@link ModelCache#clear()}). */
    @Override
    public void close() {
        if (closeAllowed && ownsModel) {
            model.close();
        }
    }

    void closeFromCache() {
        if (ownsModel) {
            model.close();
        }
    }

    void learnNumClasses(int c) {
        int known = numClasses;
        if (known == 0) {
            numClasses = c;
        } else if (known != c) {
            throw new CoresetInputException("model " + ref.path() + " returned " + c + " logits per row but "
                    + known + " classes were expected");
        }
    }

    /** One DJL Predictor: use from one thread at a time; close when the task ends. */
    public final class Session implements AutoCloseable {
        private final Predictor<FloatBatchTranslator.Input, List<FloatBatchTranslator.Tensor>> predictor;

        private Session() {
            this.predictor = model.newPredictor(new FloatBatchTranslator(ref.inputType()), device);
        }

        public ScoringModel model() {
            return ScoringModel.this;
        }

        /** Forward pass over {@code rows} rows of {@code flat} (rows x inputLength, row-major). */
        public ForwardOutput forward(float[] flat, int rows) {
            if (flat.length < (long) rows * inputLength) {
                throw new CoresetInputException("feature buffer holds " + flat.length + " floats, " + rows
                        + " rows need " + (long) rows * inputLength);
            }
            float[] data = flat.length == rows * inputLength ? flat : Arrays.copyOf(flat, rows * inputLength);
            long[] dims = new long[inputShape.length + 1];
            dims[0] = rows;
            System.arraycopy(inputShape, 0, dims, 1, inputShape.length);
            List<FloatBatchTranslator.Tensor> out;
            try {
                out = predictor.predict(new FloatBatchTranslator.Input(data, new Shape(dims)));
            } catch (TranslateException e) {
                throw new IllegalStateException("forward pass of " + ref.path() + " failed: " + e.getMessage(), e);
            }
            if (head != null) {
                // coreset checkpoint: outputs are (DJL logits, h); logits recomputed in Java from h.
                FloatBatchTranslator.Tensor h = out.get(1);
                float[] logits = new float[rows * head.numClasses()];
                head.logits(h.data(), rows, logits);
                return new ForwardOutput(rows, logits, head.numClasses(), h.data(), head.inputDim());
            }
            if (out.isEmpty()) {
                throw new CoresetInputException("model " + ref.path() + " returned no floating-point output");
            }
            FloatBatchTranslator.Tensor z = out.get(0);
            if (z.shape().length < 1 || z.shape()[0] != rows) {
                throw new CoresetInputException("model " + ref.path() + " returned logits of shape "
                        + Arrays.toString(z.shape()) + " for " + rows + " rows; expected [" + rows + ", classes]");
            }
            int c = z.rowWidth();
            learnNumClasses(c);
            float[] emb = null;
            int embDim = 0;
            if (out.size() > 1 && out.get(1).shape().length >= 1 && out.get(1).shape()[0] == rows) {
                emb = out.get(1).data();
                embDim = out.get(1).rowWidth();
            }
            return new ForwardOutput(rows, z.data(), c, emb, embDim);
        }

        @Override
        public void close() {
            predictor.close();
        }
    }
}
