package dev.coreset.scoring;

import dev.coreset.schemas.CoresetInputException;
import dev.coreset.scoring.model.Checkpoints;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;

/**
 * Where a scoring model lives, as a small serializable value a Spark job can ship to executors. The path is a
 * local path, or a Hadoop URI (hdfs://, s3a://) that the job copies to a local cache before loading: the loader
 * itself reads local files only.
 *
 * @param path       checkpoint folder ({@code epoch-NNN/}), TorchScript file or ONNX file
 * @param kind       what it is
 * @param inputShape per-sample input shape, e.g. [784] or [1, 28, 28]; required for TorchScript and ONNX,
 *                   optional (checked) for checkpoints
 * @param numClasses expected class count for TorchScript/ONNX (0 = take it from the logits)
 * @param checkpoint the checkpoint number its scores are recorded under (the epoch of a run's folder, the number
 *                   in a per-epoch file's name, 0 for a lone model file)
 * @param inputType  what the model's input tensor holds: float32 features or pixels, or int64 token ids (a text
 *                   model taking [N, L]; ids arrive as floats, exact below 2^24, and are converted per batch)
 */
public record ModelRef(String path, Kind kind, List<Integer> inputShape, int numClasses, int checkpoint,
                       InputType inputType) implements Serializable {
    private static final long serialVersionUID = 1L;

    public enum Kind { CHECKPOINT, TORCHSCRIPT, ONNX }

    public enum InputType { FLOAT32, INT64 }

    public ModelRef {
        if (path == null || path.isBlank()) {
            throw new CoresetInputException("model path is empty; pass a checkpoint folder, a .pt or a .onnx file");
        }
        if (kind == null) {
            kind = detectKind(path);
        }
        if (inputShape != null) {
            inputShape = List.copyOf(inputShape);
        }
        if (inputType == null) {
            inputType = InputType.FLOAT32;
        }
        if (inputType == InputType.INT64 && kind == Kind.CHECKPOINT) {
            throw new CoresetInputException("token ids need a TorchScript or ONNX text model; " + path
                    + " is a coreset checkpoint, which takes float features");
        }
        if (checkpoint < 0) {
            throw new CoresetInputException("checkpoint number of " + path + " is negative: " + checkpoint);
        }
        if ((kind == Kind.TORCHSCRIPT || kind == Kind.ONNX) && (inputShape == null || inputShape.isEmpty())) {
            throw new CoresetInputException(kind + " model " + path + " needs the per-sample input shape"
                    + " (e.g. [784] or [1,28,28]); pass it with the model");
        }
    }

    public ModelRef(String path, Kind kind, List<Integer> inputShape, int numClasses) {
        this(path, kind, inputShape, numClasses, 0, InputType.FLOAT32);
    }

    public ModelRef(String path, Kind kind, List<Integer> inputShape, int numClasses, int checkpoint) {
        this(path, kind, inputShape, numClasses, checkpoint, InputType.FLOAT32);
    }

    /** A `coreset train` epoch folder, recorded under its epoch. */
    public static ModelRef checkpoint(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        return new ModelRef(abs.toString(), Kind.CHECKPOINT, null, 0, Checkpoints.isEpochDir(abs) ? Checkpoints.epochOf(abs) : 0);
    }

    public static ModelRef torchScript(Path file, List<Integer> inputShape) {
        return new ModelRef(file.toAbsolutePath().normalize().toString(), Kind.TORCHSCRIPT, inputShape, 0);
    }

    public static ModelRef onnx(Path file, List<Integer> inputShape) {
        return new ModelRef(file.toAbsolutePath().normalize().toString(), Kind.ONNX, inputShape, 0);
    }

    /** Kind from the path: a folder (or a name without a model extension) is a checkpoint, *.onnx ONNX, *.pt/*.pth/*.ts TorchScript. */
    public static ModelRef detect(Path path, List<Integer> inputShape) {
        return new ModelRef(path.toAbsolutePath().normalize().toString(), null, inputShape, 0);
    }

    /** The same model at another place (its local copy), everything else kept. */
    public ModelRef at(String newPath) {
        return new ModelRef(newPath, kind, inputShape, numClasses, checkpoint, inputType);
    }

    /** The same model recorded under checkpoint number {@code number}. */
    public ModelRef numbered(int number) {
        return new ModelRef(path, kind, inputShape, numClasses, number, inputType);
    }

    /** The same model fed {@code type}. */
    public ModelRef taking(InputType type) {
        return new ModelRef(path, kind, inputShape, numClasses, checkpoint, type);
    }

    /** True when {@link #path} is a path on this machine (no scheme, or file:). */
    public boolean isLocal() {
        return isLocal(path);
    }

    static boolean isLocal(String path) {
        int colon = path.indexOf(':');
        int slash = path.indexOf('/');
        // "C:" style drive letters aside, a scheme is letters before the first colon, ahead of any slash.
        return colon < 0 || (slash >= 0 && slash < colon) || path.startsWith("file:");
    }

    public Path localPath() {
        if (path.startsWith("file:")) {
            return Paths.get(java.net.URI.create(path));
        }
        if (!isLocal()) {
            throw new IllegalStateException(path + " is not on this machine; copy it first (ModelRef.at)");
        }
        return Paths.get(path);
    }

    static Kind detectKind(String path) {
        String name = path.toLowerCase(Locale.ROOT);
        if (name.endsWith(".onnx")) {
            return Kind.ONNX;
        }
        if (name.endsWith(".pt") || name.endsWith(".pth") || name.endsWith(".ts") || name.endsWith(".torchscript")) {
            return Kind.TORCHSCRIPT;
        }
        if (isLocal(path) && !path.startsWith("file:") && Files.isRegularFile(Paths.get(path))) {
            throw new CoresetInputException("cannot tell the model type of file " + path
                    + "; use a coreset checkpoint folder, a TorchScript .pt file or an .onnx file");
        }
        return Kind.CHECKPOINT;
    }
}
