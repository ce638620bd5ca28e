package dev.coreset.jobs.ingest;

import static org.apache.spark.sql.functions.col;

import dev.coreset.jobs.image.ImageDecoder;
import dev.coreset.jobs.image.ImageDecoding;
import dev.coreset.jobs.image.ImageFileSource;
import dev.coreset.jobs.image.ImageFolder;
import dev.coreset.jobs.image.UndecodableImageException;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.Tables;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The image steps of ingest: staging a class-folder tree's files (encoded bytes as they are), checking that every
 * image decodes, and choosing how the table's images will be decoded (options, or the first image's size and
 * colour).
 */
final class ImageIngest {
    private static final Logger LOG = LoggerFactory.getLogger(ImageIngest.class);

    private ImageIngest() {
    }

    /** Stages the folder's train files (ids 0 << 40 | position) and test files (1 << 40 | position); rows staged. */
    static long stageFolder(ImageFolder folder, RawStager stager, Configuration conf, long limit) throws IOException {
        LOG.info("reading {} train and {} test images of {} classes from {}", folder.train().size(),
                folder.test().size(), folder.classes().size(), folder.root());
        long rows = stage(new ImageFileSource(folder.train(), conf, "train images"), stager, 0, Tables.SPLIT_TRAIN,
                folder.train().size(), limit);
        if (!folder.test().isEmpty()) {
            rows += stage(new ImageFileSource(folder.test(), conf, "test images"), stager, 1, Tables.SPLIT_TEST,
                    folder.test().size(), limit);
        }
        return rows;
    }

    private static long stage(RawSource source, RawStager stager, int ordinal, String split, long count, long limit)
            throws IOException {
        try (RawSource s = LimitedSource.of(source, limit)) {
            return stager.stage(s, ordinal, split, limit > 0 ? Math.min(count, limit) : count);
        }
    }

    /**
     * The decoding recorded with the table: --image-size and --channels, or else the first image's (smallest
     * sample_id) size and colour; --mean and --std, or else 0 and 1 (pixels in [0, 1]).
     */
    static ImageDecoding decoding(Dataset<Row> checked, ImageOptions o, String input) {
        List<Integer> size = o.imageSize();
        if (size != null && size.size() != 2) {
            throw new CoresetInputException("--image-size " + size + " needs two values, height and width: e.g. 28,28.");
        }
        Integer channels = o.channels() == null ? null : ImageDecoding.parseChannels(o.channels());
        if (size == null || channels == null) {
            BufferedImage first = first(checked, input);
            if (size == null) {
                size = List.of(first.getHeight(), first.getWidth());
            }
            if (channels == null) {
                channels = ImageDecoder.isColour(first) ? 3 : 1;
            }
        }
        return new ImageDecoding(channels, size.get(0), size.get(1), o.mean(), o.std());
    }

    private static BufferedImage first(Dataset<Row> checked, String input) {
        List<Row> rows = checked.filter(col(Tables.IMAGE).isNotNull()).orderBy(Tables.SAMPLE_ID)
                .select(Tables.IMAGE).limit(1).collectAsList();
        if (rows.isEmpty()) {
            throw new CoresetInputException(input + ": no decodable image; point to the images to ingest.");
        }
        try {
            return ImageDecoder.read((byte[]) rows.get(0).get(0));
        } catch (UndecodableImageException e) {
            throw new IllegalStateException("an image that passed the check does not decode", e);
        }
    }
}
