package dev.coreset.jobs.ingest;

import dev.coreset.schemas.CoresetInputException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads an IDX image file and its label file together (the MNIST / Fashion-MNIST format), gzipped or
 * plain: pixels are unsigned bytes scaled to [0,1], one image flattened row-major per sample. Read on the driver
 * through Hadoop's file systems, so the files may be local or on HDFS / S3.
 */
public final class IdxSource implements RawSource {
    private static final int IMAGES_MAGIC = 0x00000803;
    private static final int LABELS_MAGIC = 0x00000801;

    private final String imagesFile;
    private final String labelsFile;
    private final DataInputStream images;
    private final DataInputStream labels;
    private final int count;
    private final int pixels;
    private final byte[] buffer;
    private long row;

    public IdxSource(String imagesFile, String labelsFile, Configuration conf) throws IOException {
        this.imagesFile = imagesFile;
        this.labelsFile = labelsFile;
        this.images = open(imagesFile, conf);
        DataInputStream opened = null;
        try {
            opened = open(labelsFile, conf);
        } finally {
            if (opened == null) {
                images.close();
            }
        }
        this.labels = opened;
        int imagesMagic = readHeaderInt(images, imagesFile);
        if (imagesMagic != IMAGES_MAGIC) {
            throw new CoresetInputException(String.format("%s: not an IDX image file (magic 0x%08x, expected 0x%08x); "
                    + "pass the *-images-idx3-ubyte[.gz] file as --train-images/--test-images.",
                    imagesFile, imagesMagic, IMAGES_MAGIC));
        }
        int labelsMagic = readHeaderInt(labels, labelsFile);
        if (labelsMagic != LABELS_MAGIC) {
            throw new CoresetInputException(String.format("%s: not an IDX label file (magic 0x%08x, expected 0x%08x); "
                    + "pass the *-labels-idx1-ubyte[.gz] file as --train-labels/--test-labels.",
                    labelsFile, labelsMagic, LABELS_MAGIC));
        }
        int imageCount = readHeaderInt(images, imagesFile);
        int rows = readHeaderInt(images, imagesFile);
        int cols = readHeaderInt(images, imagesFile);
        int labelCount = readHeaderInt(labels, labelsFile);
        if (imageCount != labelCount) {
            throw new CoresetInputException(String.format("%s holds %d images but %s holds %d labels; "
                    + "pass the label file that belongs to these images.", imagesFile, imageCount, labelsFile, labelCount));
        }
        this.count = imageCount;
        this.pixels = rows * cols;
        this.buffer = new byte[pixels];
    }

    private static DataInputStream open(String file, Configuration conf) throws IOException {
        Path path = new Path(file);
        FileSystem fs = path.getFileSystem(conf);
        if (!fs.isFile(path)) {
            throw new CoresetInputException(file + ": no such file; check the path (Fashion-MNIST: "
                    + "apt-get install dataset-fashion-mnist puts it under /usr/share/datasets/fashion-mnist).");
        }
        InputStream in = new BufferedInputStream(fs.open(path, 1 << 16), 1 << 16);
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        if (b1 == 0x1f && b2 == 0x8b) {
            in = new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
        }
        return new DataInputStream(in);
    }

    private static int readHeaderInt(DataInputStream in, String file) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw new CoresetInputException(file + ": file ends inside the IDX header; it is truncated: download it again.");
        }
    }

    public int count() {
        return count;
    }

    public int featureCount() {
        return pixels;
    }

    @Override
    public RawRow next() throws IOException {
        if (row >= count) {
            return null;
        }
        try {
            images.readFully(buffer);
            int label = labels.readUnsignedByte();
            float[] features = new float[pixels];
            for (int i = 0; i < pixels; i++) {
                features[i] = (buffer[i] & 0xff) / 255f;
            }
            return new RawRow(row++, label, features);
        } catch (EOFException e) {
            throw new CoresetInputException(String.format("%s / %s: file ends at sample %d of %d; it is truncated: "
                    + "download it again.", imagesFile, labelsFile, row, count));
        }
    }

    @Override
    public String name() {
        return new Path(imagesFile).getName();
    }

    @Override
    public void close() throws IOException {
        images.close();
        labels.close();
    }
}
