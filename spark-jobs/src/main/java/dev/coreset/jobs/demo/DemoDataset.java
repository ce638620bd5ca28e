package dev.coreset.jobs.demo;

import dev.coreset.schemas.CoresetInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The demo's input: {@code idx:DIR} (train/t10k IDX files as in MNIST and Fashion-MNIST, with a test file) or
 * {@code csv:FILE} (label in the last column, no header; the test split is held out by --test-fraction).
 */
record DemoDataset(String kind, Path path) {
    static final String FASHION_MNIST = "/usr/share/datasets/fashion-mnist";

    static DemoDataset parse(String spec) {
        int colon = spec.indexOf(':');
        String kind = colon < 0 ? "" : spec.substring(0, colon);
        if (!kind.equals("idx") && !kind.equals("csv")) {
            throw new CoresetInputException("--dataset " + spec + ": use idx:DIR (e.g. idx:" + FASHION_MNIST
                    + ") or csv:FILE (label in the last column).");
        }
        return new DemoDataset(kind, Path.of(spec.substring(colon + 1)));
    }

    void check() {
        for (Path p : files()) {
            if (!Files.isRegularFile(p)) {
                throw new CoresetInputException(p + ": no such file; " + (path.toString().equals(FASHION_MNIST)
                        ? "install Fashion-MNIST with `apt-get install dataset-fashion-mnist` (bin/demo does it)"
                        : "pass --dataset idx:DIR or csv:FILE") + ".");
            }
        }
    }

    private List<Path> files() {
        if (kind.equals("csv")) {
            return List.of(path);
        }
        return List.of(path.resolve("train-images-idx3-ubyte.gz"), path.resolve("train-labels-idx1-ubyte.gz"),
                path.resolve("t10k-images-idx3-ubyte.gz"), path.resolve("t10k-labels-idx1-ubyte.gz"));
    }

    /** `coreset ingest` arguments that read this dataset. */
    List<String> ingestArgs(double testFraction) {
        if (kind.equals("csv")) {
            return List.of("ingest", "--format", "csv", "--input", path.toString(), "--label-column", "-1",
                    "--test-fraction", DemoRunner.num(testFraction));
        }
        List<Path> f = files();
        return List.of("ingest", "--format", "idx", "--train-images", f.get(0).toString(), "--train-labels",
                f.get(1).toString(), "--test-images", f.get(2).toString(), "--test-labels", f.get(3).toString());
    }
}
