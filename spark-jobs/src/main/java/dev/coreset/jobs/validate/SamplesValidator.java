package dev.coreset.jobs.validate;

import static org.apache.spark.sql.functions.*;

import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.Tables;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Data checks of a samples-like DataFrame (sample_id, label, features) in one distributed aggregate;
 * only when a check fails does a second query find the first offending sample_id for the message.
 */
public final class SamplesValidator {
    private SamplesValidator() {
    }

    /** What the checks learned about the data; classes = max label + 1. */
    public record Facts(long rows, int classes, int featureDim) {
    }

    /**
     * A DataFrame with an {@code image} column instead of {@code features} holds encoded images: checked for nulls
     * only here (ingest's image check decodes them), with featureDim 0 in the facts (their decoded size is chosen
     * by the decoding settings). One with a {@code tokens} column holds token ids: rows may differ in length
     * (padded where rows are used), ids must be non-negative, and featureDim is the longest row.
     *
     * @param numClasses the expected class count, or 0 to take max label + 1
     */
    public static Facts check(Dataset<Row> df, String path, int numClasses) {
        boolean images = java.util.Arrays.asList(df.columns()).contains(Tables.IMAGE);
        boolean tokens = java.util.Arrays.asList(df.columns()).contains(Tables.TOKENS);
        String input = images ? Tables.IMAGE : tokens ? Tables.TOKENS : Tables.FEATURES;
        Column badFeature = images ? lit(false) : tokens ? ArrayConditions.nullOrBelow(col(Tables.TOKENS), 0)
                : col(Tables.FEATURES).isNotNull().and(ArrayConditions.nullOrNonFinite(col(Tables.FEATURES)));
        Column length = images ? lit(0) : size(col(input));
        Row agg = df.agg(
                count(lit(1)),
                sum(when(col(Tables.SAMPLE_ID).isNull(), 1).otherwise(0)),
                sum(when(col(Tables.LABEL).isNull(), 1).otherwise(0)),
                min(col(Tables.LABEL)),
                max(col(Tables.LABEL)),
                sum(when(col(input).isNull(), 1).otherwise(0)),
                min(length),
                max(length),
                sum(when(badFeature, 1).otherwise(0)),
                countDistinct(col(Tables.LABEL)),
                sum(when(tokens ? ArrayConditions.atOrAbove(col(Tables.TOKENS), 1 << 24) : lit(false), 1).otherwise(0)))
                .first();
        long rows = agg.getLong(0);
        if (rows == 0) {
            throw new CoresetInputException(path + ": no rows; point to a non-empty table.");
        }
        if (agg.getLong(1) > 0) {
            throw new CoresetInputException(path + ": column 'sample_id' is null in " + agg.getLong(1)
                    + " rows; every sample needs an id: fill it or ingest without --id-column.");
        }
        if (agg.getLong(2) > 0) {
            throw offending(df, col(Tables.LABEL).isNull(), path, "column 'label' is null",
                    agg.getLong(2), "every sample needs a class index 0..C-1: fix or drop those rows.");
        }
        int minLabel = agg.getInt(3);
        int maxLabel = agg.getInt(4);
        if (minLabel < 0) {
            throw offending(df, col(Tables.LABEL).lt(0), path, "column 'label' is negative", -1,
                    "labels must be class indices 0..C-1: remap them.");
        }
        int classes = numClasses > 0 ? numClasses : maxLabel + 1;
        if (maxLabel >= classes) {
            throw offending(df, col(Tables.LABEL).geq(classes), path,
                    "column 'label' is out of range (>= " + classes + " classes)", -1,
                    "labels must be 0.." + (classes - 1) + ": remap them or raise --num-classes.");
        }
        if (agg.getLong(9) < classes) {
            java.util.Set<Integer> present = new java.util.HashSet<>(df.select(Tables.LABEL).distinct()
                    .as(org.apache.spark.sql.Encoders.INT()).collectAsList());
            int missing = 0;
            while (present.contains(missing)) {
                missing++;
            }
            throw new CoresetInputException(path + ": class " + missing + " has no samples (" + classes + " classes: "
                    + (numClasses > 0 ? "--num-classes " + numClasses + "); lower --num-classes or add samples of that class."
                    : "max label + 1); remap the labels to 0..C-1 without gaps."));
        }
        if (agg.getLong(5) > 0) {
            throw offending(df, col(input).isNull(), path, "column '" + input + "' is null", agg.getLong(5),
                    images ? "every sample needs its encoded image: fix or drop those rows."
                            : "every sample needs a feature vector: fix or drop those rows.");
        }
        int minDim = agg.getInt(6);
        int maxDim = agg.getInt(7);
        if (tokens) {
            if (minDim == 0) {
                throw offending(df, size(col(Tables.TOKENS)).equalTo(0), path, "column 'tokens' is empty", -1,
                        "every text sample needs at least one token id: drop empty rows.");
            }
            if (agg.getLong(8) > 0) {
                throw offending(df, badFeature, path, "column 'tokens' holds a negative or null id", agg.getLong(8),
                        "token ids are vocabulary indices >= 0: fix the tokenization.");
            }
            if (agg.getLong(10) > 0) {
                throw new CoresetInputException(path + ": column 'tokens' holds ids >= 2^24 (16,777,216); the scorer"
                        + " carries ids as floats, exact below that: remap the vocabulary.");
            }
        } else if (minDim != maxDim) {
            int firstDim = df.select(size(col(Tables.FEATURES))).first().getInt(0);
            throw offending(df, size(col(Tables.FEATURES)).notEqual(firstDim), path,
                    "column 'features' is ragged (lengths " + minDim + ".." + maxDim + ", first row " + firstDim + ")",
                    -1, "every feature vector needs the same length: pad or drop those rows.");
        }
        if (!tokens && agg.getLong(8) > 0) {
            throw offending(df, badFeature, path, "column 'features' holds NaN, infinity or null", agg.getLong(8),
                    "replace or drop non-finite values before ingesting.");
        }
        Long firstDup = DuplicateIds.smallest(df, rows);
        if (firstDup != null) {
            throw new CoresetInputException(path + ": column 'sample_id' holds " + firstDup
                    + " more than once; ids must be unique: deduplicate the input or fix --id-column.");
        }
        return new Facts(rows, classes, tokens ? maxDim : minDim);
    }

    private static CoresetInputException offending(Dataset<Row> df, Column condition, String path, String problem,
                                                   long count, String fix) {
        Row first = df.filter(condition).orderBy(Tables.SAMPLE_ID).select(Tables.SAMPLE_ID).limit(1).first();
        String where = "sample_id " + first.get(0) + (count > 1 ? " (first of " + count + " rows)" : "");
        return new CoresetInputException(path + ": " + problem + " at " + where + "; " + fix);
    }
}
