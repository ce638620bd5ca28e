package dev.coreset.jobs.dedup;

import static org.apache.spark.sql.functions.col;

import dev.coreset.jobs.io.TableInputs;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.Tables;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What the exact pass compares: the embeddings dedup reads (default), or the raw content of the samples table they
 * were computed from (--samples), its features vectors or its encoded image bytes, joined by sample id. Raw content
 * catches copies whose embeddings differ by float noise (e.g. scored in different batches) and is what "the same
 * file twice" means; embeddings catch copies a re-encode made byte-different but that the model sees as one.
 */
final class ExactContent {
    static final String EMBEDDING = "embedding";
    static final String FEATURES = Tables.FEATURES;
    static final String IMAGE = Tables.IMAGE;
    private static final List<String> VALUES = List.of(EMBEDDING, FEATURES, IMAGE);

    private ExactContent() {
    }

    /** Refuses an unknown --exact-on, raw content without --samples, and --samples that nothing reads. */
    static void checkOption(String exactOn, String samples) {
        if (exactOn != null && !VALUES.contains(exactOn)) {
            throw new CoresetInputException("--exact-on " + exactOn + " is not embedding, features or image.");
        }
        if (samples == null && exactOn != null && !exactOn.equals(EMBEDDING)) {
            throw new CoresetInputException("--exact-on " + exactOn + " compares the samples table's " + exactOn
                    + "; pass that table with --samples (the output of coreset ingest).");
        }
        if (samples != null && EMBEDDING.equals(exactOn)) {
            throw new CoresetInputException("--samples is read only for --exact-on features or image; drop --samples"
                    + " or pass --exact-on features|image.");
        }
    }

    /** The column compared: --exact-on, else the samples table's features or image column, else the embedding. */
    static String resolve(SparkSession spark, String exactOn, String samples) {
        if (exactOn != null || samples == null) {
            return exactOn == null ? EMBEDDING : exactOn;
        }
        List<String> columns = Arrays.asList(samplesTable(spark, samples).columns());
        if (columns.contains(IMAGE)) {
            return IMAGE;
        }
        if (columns.contains(FEATURES)) {
            return FEATURES;
        }
        throw new CoresetInputException(samples + ": neither a 'features' nor an 'image' column to compare for exact"
                + " copies (columns: " + String.join(", ", columns) + "); drop --samples to compare the embeddings.");
    }

    /**
     * The points with the samples' {@code column} as {@link ExactPass#CONTENT}; every point's id must be in the
     * samples table, else nothing is compared and the run stops in one line.
     */
    static Dataset<Row> join(SparkSession spark, Dataset<Row> points, String samples, String column, String input) {
        Dataset<Row> table = samplesTable(spark, samples);
        List<String> columns = Arrays.asList(table.columns());
        if (!columns.contains(column)) {
            String other = column.equals(IMAGE) ? FEATURES : IMAGE;
            throw new CoresetInputException(samples + ": no '" + column + "' column for --exact-on " + column
                    + (columns.contains(other) ? " (this table holds " + other + "); pass --exact-on " + other + "."
                    : "; pass --exact-on embedding, or the samples table that holds " + column + "."));
        }
        Dataset<Row> content = table.select(col(Tables.SAMPLE_ID).as("id"), col(column).as(ExactPass.CONTENT));
        Dataset<Row> missing = points.select("id").join(content, scalaSeq("id"), "left_anti");
        Row absent = missing.orderBy("id").limit(1).collectAsList().stream().findFirst().orElse(null);
        if (absent != null) {
            throw new CoresetInputException(samples + ": no row for sample_id " + absent.getLong(0) + " of " + input
                    + "; pass the samples table these embeddings were computed from with --samples.");
        }
        return points.join(content, scalaSeq("id"));
    }

    private static Dataset<Row> samplesTable(SparkSession spark, String samples) {
        return TableInputs.read(spark, samples, Tables.SAMPLES, "--samples", "coreset ingest");
    }

    private static scala.collection.immutable.Seq<String> scalaSeq(String... names) {
        return scala.jdk.javaapi.CollectionConverters.asScala(List.of(names)).toSeq();
    }
}
