package dev.coreset.jobs.image;

import dev.coreset.jobs.io.FileTree;
import dev.coreset.schemas.CoresetInputException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A class-folder tree of images (the ImageFolder convention): DIR/&lt;class&gt;/**.png|jpg|jpeg, or DIR/train/&lt;class&gt;/...
 * plus an optional DIR/test/&lt;class&gt;/... for a given test split. Class names sorted give labels 0..C-1 (the train
 * folder's classes; a test class outside them is refused). Files are listed in a fixed order (class, then relative
 * path), so a row's position, and with it its id, is the same on every ingest of the same tree. Any Hadoop file
 * system; hidden files and folders (".", "_") and other extensions are skipped.
 */
public final class ImageFolder {
    private static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg");
    public static final String TRAIN = "train";
    public static final String TEST = "test";

    /** One image file: its path relative to DIR (the source column), and its class index. */
    public record Entry(Path file, String relative, int label) {
    }

    private final Path root;
    private final List<String> classes;
    private final List<Entry> train;
    private final List<Entry> test;

    private ImageFolder(Path root, List<String> classes, List<Entry> train, List<Entry> test) {
        this.root = root;
        this.classes = classes;
        this.train = train;
        this.test = test;
    }

    /** Lists {@code dir}; an empty tree, an empty class folder or a test class unknown to train is an input error. */
    public static ImageFolder list(String dir, Configuration conf) throws IOException {
        Path root = new Path(dir);
        FileSystem fs = root.getFileSystem(conf);
        if (!fs.exists(root) || !fs.getFileStatus(root).isDirectory()) {
            throw new CoresetInputException(dir + ": no such directory; --format images takes a folder of class"
                    + " folders (DIR/<class>/*.png) with --input.");
        }
        root = fs.makeQualified(root);
        Path trainDir = new Path(root, TRAIN);
        boolean splitLayout = fs.exists(trainDir) && fs.getFileStatus(trainDir).isDirectory()
                && !subfolders(fs, trainDir).isEmpty();
        Path classRoot = splitLayout ? trainDir : root;
        List<String> classes = subfolders(fs, classRoot);
        if (classes.isEmpty()) {
            throw new CoresetInputException(dir + ": no class folders inside; put each class's images in a folder"
                    + " named after the class (DIR/<class>/*.png), or use DIR/train/<class>/.");
        }
        List<Entry> train = entries(fs, root, classRoot, classes, classes);
        List<Entry> test = List.of();
        Path testDir = new Path(root, TEST);
        if (splitLayout && fs.exists(testDir)) {
            List<String> testClasses = subfolders(fs, testDir);
            for (String c : testClasses) {
                if (!classes.contains(c)) {
                    throw new CoresetInputException(new Path(testDir, c) + ": class '" + c + "' has no train folder"
                            + " (train classes: " + classes + "); add " + new Path(trainDir, c) + " or remove it.");
                }
            }
            test = entries(fs, root, testDir, testClasses, classes);
        }
        return new ImageFolder(root, classes, train, test);
    }

    public Path root() {
        return root;
    }

    /** Class names in label order. */
    public List<String> classes() {
        return classes;
    }

    public List<Entry> train() {
        return train;
    }

    /** The given test split's images (empty without DIR/test). */
    public List<Entry> test() {
        return test;
    }

    private static List<String> subfolders(FileSystem fs, Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        for (FileStatus s : fs.listStatus(dir)) {
            if (s.isDirectory() && !hidden(s.getPath().getName())) {
                names.add(s.getPath().getName());
            }
        }
        names.sort(Comparator.naturalOrder());
        return names;
    }

    private static List<Entry> entries(FileSystem fs, Path root, Path classRoot, List<String> folders,
                                       List<String> labels) throws IOException {
        String rootPath = root.toUri().getPath();
        List<Entry> all = new ArrayList<>();
        for (String c : folders) {
            Path classDir = new Path(classRoot, c);
            List<Entry> inClass = new ArrayList<>();
            for (FileStatus file : FileTree.files(fs, classDir)) {
                Path p = file.getPath();
                String relative = p.toUri().getPath().substring(rootPath.length() + 1);
                if (isImage(p.getName()) && Arrays.stream(relative.split("/")).noneMatch(ImageFolder::hidden)) {
                    inClass.add(new Entry(p, relative, labels.indexOf(c)));
                }
            }
            if (inClass.isEmpty()) {
                throw new CoresetInputException(classDir + ": no .png, .jpg or .jpeg files in class folder '" + c
                        + "'; add its images or remove the folder.");
            }
            inClass.sort(Comparator.comparing(Entry::relative));
            all.addAll(inClass);
        }
        return all;
    }

    private static boolean isImage(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static boolean hidden(String name) {
        return name.startsWith(".") || name.startsWith("_");
    }
}
