package dev.coreset.scoring;

import dev.coreset.schemas.CoresetInputException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;

/**
 * Where a scoring model lives, as a small serializable value a Spark job can ship to executors (a local
 * path as the executor sees it; copy HDFS/S3 models to a local folder, e.g. with SparkFiles, first).
 *
 * @param path       checkpoint folder ({@code epoch-NNN/}), TorchScript file or ONNX file
 * @param kind       what it is
 * @param inputShape per-sample input shape, e.g. [784] or [1, 28, 28]; required for TorchScript and ONNX,
 *                   optional (checked) for checkpoints
 * @param numClasses expected class count for TorchScript/ONNX (0 = take it from the logits)
 */
public record ModelRef(String path, Kind kind, List<Integer> inputShape, int numClasses) implements Serializable {
    private static final long serialVersionUID = 1L;

    public enum Kind { CHECKPOINT, TORCHSCRIPT, ONNX }

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
        if ((kind == Kind.TORCHSCRIPT || kind == Kind.ONNX) && (inputShape == null || inputShape.isEmpty())) {
            throw new CoresetInputException(kind + " model " + path + " needs the per-sample input shape"
                    + " (e.g. [784] or [1,28,28]); pass it with the model");
        }
    }

    public static ModelRef checkpoint(Path dir) {
        return new ModelRef(dir.toAbsolutePath().normalize().toString(), Kind.CHECKPOINT, null, 0);
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

    public Path localPath() {
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
        if (Files.isRegularFile(Paths.get(path))) {
            throw new CoresetInputException("cannot tell the model type of file " + path
                    + "; use a coreset checkpoint folder, a TorchScript .pt file or an .onnx file");
        }
        return Kind.CHECKPOINT;
    }
}
