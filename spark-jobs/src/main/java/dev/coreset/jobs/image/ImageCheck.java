package dev.coreset.jobs.image;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.Tables;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * Ingest's check that every encoded image decodes, in one pass on the executors. An undecodable image is an input
 * error naming it, unless the run skips such images, which are then dropped and counted. Null images are left to
 * the samples validator, which names them as such.
 */
public final class ImageCheck {
    private static final String REASON = "reason";

    /** The rows to keep and how many undecodable images were dropped. */
    public record Result(Dataset<Row> rows, long skipped) {
    }

    private ImageCheck() {
    }

    /**
     * @param raw   rows with sample_id, source and image
     * @param where names a bad row (its sample_id and source) in the error: the file, or the row of a Parquet input
     * @param skip  drop undecodable images instead of refusing the input
     */
    public static Result run(Dataset<Row> raw, Function<Row, String> where, boolean skip) {
        UserDefinedFunction reason = udf((UDF1<byte[], String>) ImageCheck::reason, DataTypes.StringType);
        List<Row> bad = raw.select(col(Tables.SAMPLE_ID), col(Tables.SOURCE), reason.apply(col(Tables.IMAGE)).as(REASON))
                .filter(col(REASON).isNotNull()).orderBy(Tables.SAMPLE_ID).collectAsList();
        if (bad.isEmpty()) {
            return new Result(raw, 0);
        }
        if (!skip) {
            Row first = bad.get(0);
            throw new CoresetInputException(where.apply(first) + ": not a decodable image (" + first.getString(2) + ")"
                    + (bad.size() > 1 ? ", and " + (bad.size() - 1) + " more undecodable image(s)" : "")
                    + "; fix or remove it, or pass --skip-bad-images to leave such images out.");
        }
        Dataset<Row> ids = raw.sparkSession().createDataset(bad.stream().map(r -> r.getLong(0)).toList(), Encoders.LONG())
                .toDF(Tables.SAMPLE_ID);
        return new Result(raw.join(broadcast(ids), raw.col(Tables.SAMPLE_ID).equalTo(ids.col(Tables.SAMPLE_ID)),
                "left_anti"), bad.size());
    }

    /** Why these bytes do not decode, or null when they do (or are null: the validator's case). */
    static String reason(byte[] encoded) {
        if (encoded == null) {
            return null;
        }
        try {
            ImageDecoder.read(encoded);
            return null;
        } catch (UndecodableImageException e) {
            return e.getMessage();
        }
    }
}
