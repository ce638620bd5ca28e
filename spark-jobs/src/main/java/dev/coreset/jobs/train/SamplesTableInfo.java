package dev.coreset.jobs.train;

import dev.coreset.jobs.image.ImageDecoding;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.Json;
import dev.coreset.schemas.PublishedOutput;
import dev.coreset.schemas.TableInfo;
import dev.coreset.schemas.Tables;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Reads the class count and feature dimension that ingest recorded beside a samples table; for a table of encoded
 * images also how they decode ({@code image}, null otherwise), whose C x H x W is the feature dimension; for a table
 * of token ids how rows are padded ({@code tokens}, null otherwise), whose length is the feature dimension.
 */
public record SamplesTableInfo(int classes, int featureDim, ImageDecoding image, Tokens tokens) {

    /** Token rows are padded with {@code padId} to {@code length} ids (the longest row) where they are used. */
    public record Tokens(int length, int padId) implements java.io.Serializable {
    }

    public SamplesTableInfo(int classes, int featureDim) {
        this(classes, featureDim, null, null);
    }

    public SamplesTableInfo(int classes, int featureDim, ImageDecoding image) {
        this(classes, featureDim, image, null);
    }

    /** The samples column the model's input comes from: image, tokens or features. */
    public String inputColumn() {
        return image != null ? Tables.IMAGE : tokens != null ? Tables.TOKENS : Tables.FEATURES;
    }

    /**
     * How the table's images decode, or null for a table of features; a table without a side file (written by
     * hand, as some tests do) reads as features.
     */
    public static ImageDecoding imageOf(String samples, Configuration conf) {
        try {
            Path file = new Path(PublishedOutput.resolve(new Path(samples), conf), TableInfo.FILE_NAME);
            return file.getFileSystem(conf).exists(file) ? read(samples, conf).image() : null;
        } catch (IOException e) {
            throw new CoresetInputException(samples + ": cannot open (" + e.getMessage() + "); check --samples.", e);
        }
    }

    public static SamplesTableInfo read(String samples, Configuration conf) {
        Path file = new Path(PublishedOutput.resolve(new Path(samples), conf), TableInfo.FILE_NAME);
        TableInfo info;
        try {
            if (!file.getFileSystem(conf).exists(file)) {
                throw new CoresetInputException(samples + ": no " + TableInfo.FILE_NAME
                        + "; point --samples to a table written by `coreset ingest`.");
            }
            info = Json.read(file, TableInfo.class, conf);
        } catch (IOException e) {
            throw new CoresetInputException(file + ": unreadable (" + e.getMessage() + "); re-run ingest.", e);
        }
        if (!Tables.SAMPLES.name().equals(info.table)) {
            throw new CoresetInputException(samples + ": this is a '" + info.table + "' table, not samples; pass the ingest output.");
        }
        if (info.formatVersion < Tables.SAMPLES_OLDEST_READABLE || info.formatVersion > Tables.SAMPLES.formatVersion()) {
            throw new CoresetInputException(samples + ": samples format version " + info.formatVersion
                    + " is unknown (this coreset reads " + Tables.SAMPLES_OLDEST_READABLE + " to "
                    + Tables.SAMPLES.formatVersion() + "); re-run ingest.");
        }
        Object classes = info.summary.get("classes");
        Object dim = info.summary.get("featureDim");
        if (classes == null || dim == null) {
            throw new CoresetInputException(file + ": no classes/featureDim summary; re-run ingest.");
        }
        Object image = info.summary.get(ImageDecoding.SUMMARY_KEY);
        Tokens tokens = null;
        if (info.summary.get("tokens") instanceof java.util.Map<?, ?> t && t.get("length") instanceof Number length
                && t.get("padId") instanceof Number pad) {
            tokens = new Tokens(length.intValue(), pad.intValue());
        }
        return new SamplesTableInfo(((Number) classes).intValue(), ((Number) dim).intValue(),
                image == null ? null : ImageDecoding.fromSummary(image, file.toString()), tokens);
    }
}
