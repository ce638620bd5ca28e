package dev.coreset.scoring;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.scoring.model.BodyHeadBlock;
import dev.coreset.scoring.model.CheckpointInfo;
import dev.coreset.scoring.model.Checkpoints;
import dev.coreset.scoring.model.ModelSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Loads a {@link ModelRef} (nothing is downloaded). Prefer {@link ModelCache#get} on executors; this always
 * loads a new copy that the caller must close.
 * <ul>
 *   <li>CHECKPOINT: an {@code epoch-NNN/} folder from {@link dev.coreset.scoring.train.ProxyTrainer};</li>
 *   <li>TORCHSCRIPT: a .pt file whose forward(x) returns logits [N, C], or a tuple (logits [N, C],
 *       embedding [N, H]); x is float32 [N, inputShape...]; loaded with map_location to the chosen device;</li>
 *   <li>ONNX: an .onnx file run by ONNX Runtime (CPU unless a GPU build of onnxruntime is present), first input
 *       float32 [N, inputShape...], first float output = logits, an optional second float output = embedding.</li>
 * </ul>
 */
public final class ModelLoader {
    private ModelLoader() {
    }

    public static ScoringModel load(ModelRef ref, Device device) {
        Path path = ref.localPath();
        switch (ref.kind()) {
            case CHECKPOINT:
                return loadCheckpoint(ref, device);
            case TORCHSCRIPT:
                requireFile(path, "TorchScript");
                return loadExternal(ref, device, Engines.PYTORCH, Map.of("mapLocation", "true"));
            case ONNX:
                requireFile(path, "ONNX");
                return loadExternal(ref, device, Engines.ONNX, Map.of());
            default:
                throw new IllegalStateException("unknown model kind " + ref.kind());
        }
    }

    private static void requireFile(Path path, String what) {
        if (!Files.isRegularFile(path)) {
            throw new CoresetInputException(what + " model file not found: " + path
                    + " (check the path; on a cluster it must exist on every executor, e.g. shipped with --files)");
        }
    }

    private static ScoringModel loadCheckpoint(ModelRef ref, Device device) {
        Path dir = ref.localPath();
        CheckpointInfo info = Checkpoints.readInfo(dir);
        ModelSpec spec = info.spec();
        if (ref.inputShape() != null && !ref.inputShape().equals(spec.inputShape())) {
            throw new CoresetInputException("checkpoint " + dir + " expects input shape " + spec.inputShape()
                    + " but " + ref.inputShape() + " was given");
        }
        Engines.pytorch();
        Model model = Checkpoints.load(dir, device);
        try {
            LinearHead head = ScoringModel.headOf((BodyHeadBlock) model.getBlock());
            return new ScoringModel(ref, device, model, spec.inputShapeArray(), spec, head, spec.numClasses(), true);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private static ScoringModel loadExternal(ModelRef ref, Device device, String engine, Map<String, ?> options) {
        if (Engines.PYTORCH.equals(engine)) {
            Engines.pytorch();
        }
        Path file = ref.localPath();
        Device d = device;
        if (Engines.ONNX.equals(engine) && device.isGpu() && ai.djl.engine.Engine.getEngine(engine).getGpuCount() == 0) {
            d = Device.cpu(); // CPU build of ONNX Runtime
        }
        Model model = Model.newInstance(file.getFileName().toString(), d, engine);
        try {
            model.load(file, null, options);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw new CoresetInputException("cannot load " + ref.kind() + " model " + file + ": " + e.getMessage(), e);
        }
        List<Integer> shape = ref.inputShape();
        long[] dims = shape.stream().mapToLong(Integer::longValue).toArray();
        return new ScoringModel(ref, d, model, dims, null, null, ref.numClasses(), true);
    }
}
