package dev.coreset.jobs.score;

import dev.coreset.jobs.image.ImageDecoder;
import dev.coreset.jobs.image.ImageDecoding;
import dev.coreset.jobs.image.UndecodableImageException;
import dev.coreset.schemas.CoresetInputException;
import java.io.Serializable;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;

/**
 * How a scoring task turns a row's input column into the model's floats: an array&lt;float&gt; copied as it is,
 * or encoded image bytes decoded on the executor (the table stays encoded; the decoding is the table's).
 */
public interface RowFeatures extends Serializable {
    /**
     * Writes the row's {@code width} floats to {@code flat[offset ..]}; a row of another length is an input error.
     *
     * @param ordinal the input column's position in {@code row}
     */
    void copy(InternalRow row, int ordinal, float[] flat, int offset, int width);

    /** A float-array column (the features of a samples table, or any DataFrame's). */
    static RowFeatures floats() {
        return (row, ordinal, flat, offset, width) -> {
            ArrayData f = row.getArray(ordinal);
            if (f.numElements() != width) {
                throw new CoresetInputException("a row's features have " + f.numElements() + " values but the model"
                        + " takes " + width + "; score with a model trained on these features.");
            }
            ScoreJob.copyFeatures(f, flat, offset);
        };
    }

    /**
     * An array&lt;int&gt; column of token ids, padded with {@code padId} (or cut) to the model's {@code width}; the ids
     * travel as floats (exact below 2^24, which ingest checks) and reach a text model as int64.
     */
    static RowFeatures tokens(int padId) {
        return (row, ordinal, flat, offset, width) -> {
            ArrayData ids = row.getArray(ordinal);
            int n = Math.min(ids.numElements(), width);
            for (int i = 0; i < n; i++) {
                flat[offset + i] = ids.getInt(i);
            }
            java.util.Arrays.fill(flat, offset + n, offset + width, padId);
        };
    }

    /** A binary column of encoded images, decoded as {@code decoding} says. */
    static RowFeatures images(ImageDecoding decoding) {
        return new RowFeatures() {
            private transient ImageDecoder decoder;

            @Override
            public void copy(InternalRow row, int ordinal, float[] flat, int offset, int width) {
                if (decoding.featureDim() != width) {
                    throw new CoresetInputException("images decode to " + decoding.channels() + " x "
                            + decoding.height() + " x " + decoding.width() + " = " + decoding.featureDim()
                            + " values but the model takes " + width + "; score with a model trained on this table.");
                }
                if (decoder == null) {
                    decoder = new ImageDecoder(decoding);
                }
                try {
                    decoder.decode(row.getBinary(ordinal), flat, offset);
                } catch (UndecodableImageException e) {
                    throw new CoresetInputException("an image in the scored rows does not decode (" + e.getMessage()
                            + "); re-ingest the table (ingest checks every image).", e);
                }
            }
        };
    }
}
