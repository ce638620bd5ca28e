package dev.coreset.scoring.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.coreset.schemas.CoresetInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checkpoint folders on the local file system: {@code <runDir>/epoch-NNN/} holding {@code checkpoint.json}
 * and the DJL parameter file {@code model-0000.params}. Folders are written under a temporary name and
 * renamed, so a reader never sees half a checkpoint. (On HDFS/S3 the caller copies the folder; DJL reads
 * local files only.)
 */
public final class Checkpoints {
    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern EPOCH_DIR = Pattern.compile("epoch-(\\d{3,})");

    private Checkpoints() {
    }

    public static String dirName(int epoch) {
        return String.format("epoch-%03d", epoch);
    }

    /** A new PyTorch model holding the spec's block, uninitialised. */
    public static Model newModel(ModelSpec spec, Device device) {
        Model model = Model.newInstance("coreset-" + spec.architecture(), device, "PyTorch");
        model.setBlock(ModelBlocks.build(spec));
        return model;
    }

    /** A new model with weights initialised from {@code seed} (see {@link SeededInitializer}). */
    public static Model newInitializedModel(ModelSpec spec, Device device, long seed) {
        Model model = newModel(spec, device);
        BodyHeadBlock block = (BodyHeadBlock) model.getBlock();
        block.setInitializer(new SeededInitializer(seed), ai.djl.nn.Parameter.Type.WEIGHT);
        block.setInitializer(ai.djl.training.initializer.Initializer.ZEROS, ai.djl.nn.Parameter.Type.BIAS);
        block.initialize(model.getNDManager(), DataType.FLOAT32, batchShape(spec, 1));
        return model;
    }

    public static Shape batchShape(ModelSpec spec, long rows) {
        long[] dims = new long[spec.inputShape().size() + 1];
        dims[0] = rows;
        for (int i = 0; i < spec.inputShape().size(); i++) {
            dims[i + 1] = spec.inputShape().get(i);
        }
        return new Shape(dims);
    }

    /** Writes {@code <runDir>/epoch-NNN/} and returns it; replaces an existing folder of that epoch. */
    public static Path save(Model model, ModelSpec spec, Path runDir, int epoch, long seed) {
        Path target = runDir.resolve(dirName(epoch));
        Path tmp = runDir.resolve("." + dirName(epoch) + ".tmp");
        try {
            Files.createDirectories(runDir);
            deleteRecursively(tmp);
            Files.createDirectories(tmp);
            model.save(tmp, CheckpointInfo.PARAMS_PREFIX);
            JSON.writeValue(tmp.resolve(CheckpointInfo.FILE_NAME).toFile(), CheckpointInfo.of(spec, epoch, seed));
            deleteRecursively(target);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + target + ": " + e.getMessage(), e);
        }
    }

    /** Reads {@code checkpoint.json}; a one-line {@link CoresetInputException} when the folder is not a checkpoint. */
    public static CheckpointInfo readInfo(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new CoresetInputException("checkpoint folder not found: " + dir
                    + " (pass an epoch-NNN folder written by coreset train, e.g. <run>/epoch-003)");
        }
        Path json = dir.resolve(CheckpointInfo.FILE_NAME);
        if (!Files.isRegularFile(json)) {
            throw new CoresetInputException("not a coreset checkpoint: " + json + " is missing"
                    + " (pass an epoch-NNN folder written by coreset train, not the run folder or a file)");
        }
        try {
            CheckpointInfo info = JSON.readValue(json.toFile(), CheckpointInfo.class);
            if (!CheckpointInfo.FORMAT.equals(info.format()) || info.spec() == null) {
                throw new CoresetInputException("not a coreset checkpoint: " + json + " has format '" + info.format()
                        + "', expected '" + CheckpointInfo.FORMAT + "'");
            }
            return info;
        } catch (IOException e) {
            throw inputError("checkpoint metadata " + json, e);
        }
    }

    /** Loads a checkpoint folder onto {@code device}. */
    public static Model load(Path dir, Device device) {
        CheckpointInfo info = readInfo(dir);
        Model model = newModel(info.spec(), device);
        try {
            model.load(dir, info.paramsPrefix());
            requireSpecShapes(model, info.spec(), dir);
            return model;
        } catch (CoresetInputException e) {
            model.close();
            throw e;
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            String why = e.getMessage() == null ? e.toString() : e.getMessage().split("\n")[0];
            throw new CoresetInputException("cannot load checkpoint parameters from " + dir + " (" + why
                    + "): its parameters do not match the model in checkpoint.json; re-train, or restore the"
                    + " epoch folder as coreset train wrote it.", e);
        }
    }

    /**
     * DJL takes parameter shapes from the file, so a parameter file of another architecture loads without
     * complaint; compare every shape with those of the spec's model (a tiny fresh copy on the CPU).
     */
    private static void requireSpecShapes(Model loaded, ModelSpec spec, Path dir) {
        try (Model expected = newInitializedModel(spec, Device.cpu(), 0)) {
            var want = expected.getBlock().getParameters();
            var got = loaded.getBlock().getParameters();
            for (int i = 0; i < Math.max(want.size(), got.size()); i++) {
                Shape w = i < want.size() ? want.valueAt(i).getArray().getShape() : null;
                Shape g = i < got.size() && got.valueAt(i).isInitialized() ? got.valueAt(i).getArray().getShape() : null;
                if (w == null || !w.equals(g)) {
                    String name = i < want.size() ? want.keyAt(i) : got.keyAt(i);
                    throw new CoresetInputException("checkpoint " + dir + ": parameter " + name + " has shape " + g
                            + " but the model in " + CheckpointInfo.FILE_NAME + " (" + spec.architecture() + ", hidden "
                            + spec.hidden() + ") needs " + w + ": its parameters do not match the model in "
                            + CheckpointInfo.FILE_NAME + "; re-train, or restore the epoch folder as coreset train wrote it.");
                }
            }
        }
    }

    /** The {@code epoch-NNN} folders directly under {@code runDir}, by epoch. */
    public static List<Path> list(Path runDir) {
        if (!Files.isDirectory(runDir)) {
            throw new CoresetInputException("training run folder not found: " + runDir);
        }
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(runDir)) {
            s.filter(p -> Files.isDirectory(p) && EPOCH_DIR.matcher(p.getFileName().toString()).matches())
                    .forEach(out::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort(Comparator.comparingInt(Checkpoints::epochOf));
        return out;
    }

    /** True for a folder named like {@code epoch-NNN}. */
    public static boolean isEpochDir(Path dir) {
        return dir.getFileName() != null && EPOCH_DIR.matcher(dir.getFileName().toString()).matches();
    }

    public static int epochOf(Path checkpointDir) {
        Matcher m = EPOCH_DIR.matcher(checkpointDir.getFileName().toString());
        if (!m.matches()) {
            throw new CoresetInputException("not an epoch-NNN folder: " + checkpointDir);
        }
        return Integer.parseInt(m.group(1));
    }

    /** A one-line input error for a JSON problem; a {@link CoresetInputException} thrown by a constructor is kept. */
    static CoresetInputException inputError(String what, IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CoresetInputException) {
                return new CoresetInputException(what + ": " + t.getMessage(), e);
            }
        }
        String msg = e.getMessage() == null ? e.toString() : e.getMessage().split("\n")[0];
        return new CoresetInputException("unreadable " + what + ": " + msg, e);
    }

    static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(q);
            }
        }
    }
}
