package dev.coreset.jobs;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Test inputs: the committed digits CSV, and tiny IDX files written on the spot. */
public final class Fixtures {
    private Fixtures() {
    }

    /** Copies the committed digits.csv.gz (1,797 x 64, 10 classes) into {@code dir}. */
    public static Path digitsCsv(Path dir) throws IOException {
        Path target = dir.resolve("digits.csv.gz");
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/digits.csv.gz")) {
            Files.copy(in, target);
        }
        return target;
    }

    /** The first {@code rows} lines of digits.csv.gz as {@code name} in {@code dir}: the same rows, so the same ids. */
    public static Path digitsCsvHead(Path dir, String name, int rows) throws IOException {
        Path target = dir.resolve(name);
        try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(new java.util.zip.GZIPInputStream(
                Fixtures.class.getResourceAsStream("/fixtures/digits.csv.gz")), java.nio.charset.StandardCharsets.UTF_8));
             var out = new java.io.PrintWriter(new java.io.OutputStreamWriter(open(target, true),
                     java.nio.charset.StandardCharsets.UTF_8))) {
            in.lines().limit(rows).forEach(out::println);
        }
        return target;
    }

    /** Writes an IDX image file and label file: image i has every pixel (i % 256), label i % classes. */
    public static Path[] idx(Path dir, String prefix, int count, int side, int classes, boolean gzip) throws IOException {
        Path images = dir.resolve(prefix + "-images-idx3-ubyte" + (gzip ? ".gz" : ""));
        Path labels = dir.resolve(prefix + "-labels-idx1-ubyte" + (gzip ? ".gz" : ""));
        try (DataOutputStream out = new DataOutputStream(open(images, gzip))) {
            out.writeInt(0x00000803);
            out.writeInt(count);
            out.writeInt(side);
            out.writeInt(side);
            for (int i = 0; i < count; i++) {
                for (int p = 0; p < side * side; p++) {
                    out.writeByte(i % 256);
                }
            }
        }
        try (DataOutputStream out = new DataOutputStream(open(labels, gzip))) {
            out.writeInt(0x00000801);
            out.writeInt(count);
            for (int i = 0; i < count; i++) {
                out.writeByte(i % classes);
            }
        }
        return new Path[] {images, labels};
    }

    private static OutputStream open(Path p, boolean gzip) throws IOException {
        OutputStream out = Files.newOutputStream(p);
        return gzip ? new GZIPOutputStream(out) : out;
    }
}
