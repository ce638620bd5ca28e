package dev.coreset.jobs.score;

import dev.coreset.jobs.io.TableInputs;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.scoring.ModelRef;
import dev.coreset.schemas.PublishedOutput;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * What {@code --checkpoints} names, as the ordered models to score, on any Hadoop file system:
 * <ul>
 *   <li>the run folder of `coreset train` (its {@code epoch-NNN} folders, by epoch);</li>
 *   <li>one TorchScript or ONNX file: one model, checkpoint 0;</li>
 *   <li>a folder of such files, or a glob ({@code ckpts/epoch-*.pt}): one checkpoint per file, numbered and ordered by
 *       the last number in its name (epoch-2 before epoch-10), so trajectory scores work on a model trained
 *       elsewhere.</li>
 * </ul>
 * Local files keep plain paths; others keep their URI and are copied to each machine by {@link ModelLocalCopy}.
 */
public final class ModelFiles {
    private static final Pattern EPOCH_DIR = Pattern.compile("epoch-(\\d{3,})");
    private static final Pattern LAST_NUMBER = Pattern.compile("(\\d+)(?!.*\\d)");
    private static final List<String> MODEL_SUFFIXES = List.of(".pt", ".pth", ".ts", ".torchscript", ".onnx");

    private ModelFiles() {
    }

    /**
     * @param where      the --checkpoints value
     * @param epochs     "all" (or null), or checkpoint numbers such as 0,2,4
     * @param inputShape the per-sample shape model files take (ignored for run folders, whose checkpoints know it)
     */
    public static List<ModelRef> resolve(String where, String epochs, List<Integer> inputShape, Configuration conf) {
        // A train run published in pointer mode is read from its current version.
        Path path = isGlob(where) ? new Path(where) : PublishedOutput.resolve(new Path(where), conf);
        FileSystem fs;
        try {
            fs = path.getFileSystem(conf);
        } catch (IOException e) {
            throw new CoresetInputException("--checkpoints " + where + ": cannot open its file system ("
                    + TableInputs.firstLine(e) + "); check the URI scheme and the cluster's Hadoop settings.", e);
        }
        try {
            if (isGlob(where)) {
                FileStatus[] matched = fs.globStatus(path);
                List<FileStatus> models = matched == null ? List.of()
                        : Arrays.stream(matched).filter(s -> s.isFile() && isModelFile(s.getPath().getName())).toList();
                if (models.isEmpty()) {
                    throw new CoresetInputException("--checkpoints " + where + " matches no TorchScript (.pt) or ONNX"
                            + " (.onnx) file; check the pattern (quote it so the shell leaves it alone).");
                }
                return choose(numbered(models, where, fs, inputShape), epochs, where);
            }
            FileStatus status = fs.getFileStatus(path);
            if (status.isFile()) {
                if (epochs != null && !epochs.equals("all") && !epochs.equals("0")) {
                    throw new CoresetInputException("--epochs " + epochs + ": " + where + " is one model (checkpoint 0);"
                            + " pass --epochs all or 0.");
                }
                if (!isModelFile(status.getPath().getName())) {
                    throw new CoresetInputException("cannot tell the model type of file " + where
                            + "; use a coreset checkpoint folder, a TorchScript .pt file or an .onnx file");
                }
                return List.of(new ModelRef(name(fs, status.getPath()), null, inputShape, 0, 0));
            }
            FileStatus[] children = fs.listStatus(path);
            List<FileStatus> runFolders = Arrays.stream(children)
                    .filter(s -> s.isDirectory() && EPOCH_DIR.matcher(s.getPath().getName()).matches()).toList();
            if (!runFolders.isEmpty()) {
                List<ModelRef> refs = new ArrayList<>();
                for (FileStatus s : runFolders) {
                    Matcher m = EPOCH_DIR.matcher(s.getPath().getName());
                    m.matches();
                    refs.add(new ModelRef(name(fs, s.getPath()), ModelRef.Kind.CHECKPOINT, null, 0,
                            Integer.parseInt(m.group(1))));
                }
                refs.sort(Comparator.comparingInt(ModelRef::checkpoint));
                return choose(refs, epochs, where);
            }
            List<FileStatus> models = Arrays.stream(children)
                    .filter(s -> s.isFile() && isModelFile(s.getPath().getName())).toList();
            if (models.isEmpty()) {
                throw new CoresetInputException(where + ": no epoch-NNN checkpoints and no .pt or .onnx files inside;"
                        + " pass the --out of `coreset train`, a model file, or a folder of per-epoch model files.");
            }
            return choose(numbered(models, where, fs, inputShape), epochs, where);
        } catch (FileNotFoundException e) {
            throw new CoresetInputException(where + ": no such checkpoint directory or model file; pass the --out of"
                    + " `coreset train`, a TorchScript (.pt) or ONNX (.onnx) file, a folder of them or a glob.", e);
        } catch (IOException e) {
            throw new CoresetInputException("--checkpoints " + where + ": cannot list it ("
                    + TableInputs.firstLine(e) + "); check the path and your access to it.", e);
        }
    }

    /** One checkpoint per file, by the last number in its name; a lone file needs none. */
    private static List<ModelRef> numbered(List<FileStatus> files, String where, FileSystem fs, List<Integer> shape) {
        Map<Integer, String> byNumber = new TreeMap<>();
        for (FileStatus s : files) {
            String file = s.getPath().getName();
            Matcher m = LAST_NUMBER.matcher(stem(file));
            if (!m.find()) {
                if (files.size() == 1) {
                    byNumber.put(0, name(fs, s.getPath()));
                    continue;
                }
                throw new CoresetInputException(where + ": " + file + " has no number in its name, so its place among"
                        + " the " + files.size() + " checkpoints is unknown; name per-epoch files like epoch-3.pt.");
            }
            int n = Integer.parseInt(m.group(1));
            String earlier = byNumber.put(n, name(fs, s.getPath()));
            if (earlier != null) {
                throw new CoresetInputException(where + ": " + new Path(earlier).getName() + " and " + file
                        + " both give checkpoint " + n + "; keep one file per epoch.");
            }
        }
        List<ModelRef> refs = new ArrayList<>();
        byNumber.forEach((n, p) -> refs.add(new ModelRef(p, null, shape, 0, n)));
        return refs;
    }

    private static List<ModelRef> choose(List<ModelRef> all, String epochs, String where) {
        if (epochs == null || epochs.equals("all")) {
            return all;
        }
        List<ModelRef> chosen = new ArrayList<>();
        for (String e : epochs.split(",")) {
            int n;
            try {
                n = Integer.parseInt(e.trim());
            } catch (NumberFormatException ex) {
                throw new CoresetInputException("--epochs " + epochs + ": '" + e + "' is not an epoch number; use all or"
                        + " e.g. 0,2,4.");
            }
            chosen.add(all.stream().filter(r -> r.checkpoint() == n).findFirst()
                    .orElseThrow(() -> new CoresetInputException(where + ": no checkpoint for epoch " + n + " (have "
                            + all.stream().map(r -> String.valueOf(r.checkpoint())).toList() + ").")));
        }
        return chosen;
    }

    /** A local file as its plain absolute path (stable lineage), anything else as its full URI. */
    private static String name(FileSystem fs, Path p) {
        if ("file".equals(fs.getUri().getScheme())) {
            return java.nio.file.Path.of(p.toUri().getPath()).toAbsolutePath().normalize().toString();
        }
        return fs.makeQualified(p).toString();
    }

    static boolean isGlob(String where) {
        return where.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
    }

    static boolean isModelFile(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return MODEL_SUFFIXES.stream().anyMatch(n::endsWith);
    }

    private static String stem(String file) {
        int dot = file.lastIndexOf('.');
        return dot > 0 ? file.substring(0, dot) : file;
    }
}
