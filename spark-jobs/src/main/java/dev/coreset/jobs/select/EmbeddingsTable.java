package dev.coreset.jobs.select;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.coreset.jobs.io.TableInputs;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.Tables;
import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code select --embeddings}: a user's Parquet table of id, label and embedding (CLIP or DINO vectors computed
 * elsewhere), read as the rows the scores path selects from: sample_id bigint, label int, split 'train',
 * checkpoint 0, embedding array&lt;float&gt;. So facility location, k-center and random run the scores path's code
 * unchanged. Every row is a candidate and there is no loss, so the methods that need a model's scores are refused
 * ({@link SelectJob}). Missing columns and wrong types fail here, before any job; bad rows (nulls, duplicate ids,
 * ragged vectors) in {@link ScoresRowChecks}' one pass.
 */
public final class EmbeddingsTable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddingsTable.class);
    private static final String FIX = "pass a Parquet table of id, label and embedding columns to --embeddings";

    /** Which of the table's columns hold the id, the label and the embedding (the --*-column options). */
    public record Columns(String idColumn, String labelColumn, String embeddingColumn) {
        public static final Columns DEFAULTS = new Columns(Tables.SAMPLE_ID, Tables.LABEL, Tables.EMBEDDING);

        /** A null component takes its default. */
        public Columns {
            idColumn = idColumn == null ? Tables.SAMPLE_ID : idColumn;
            labelColumn = labelColumn == null ? Tables.LABEL : labelColumn;
            embeddingColumn = embeddingColumn == null ? Tables.EMBEDDING : embeddingColumn;
        }
    }

    private EmbeddingsTable() {
    }

    /** @param extra further columns of the user's table to keep under their own names (e.g. dedup's --keep score:C) */
    public static Dataset<Row> read(SparkSession spark, String path, Columns columns, String... extra) {
        return candidates(TableInputs.readUserTable(spark, path, "embeddings", "--embeddings", FIX), path, columns,
                extra);
    }

    /** The table's rows under the scores table's names, after checking that the three columns exist and fit. */
    static Dataset<Row> candidates(Dataset<Row> table, String path, Columns c, String... extra) {
        StructType schema = table.schema();
        DataType id = require(schema, path, c.idColumn(), "--id-column", "id");
        DataType label = require(schema, path, c.labelColumn(), "--label-column", "label");
        DataType embedding = require(schema, path, c.embeddingColumn(), "--embedding-column", "embedding");
        if (!integral(id)) {
            throw wrongType(path, c.idColumn(), "--id-column", id, "an integer id (bigint or int)",
                    "add one when writing the table, e.g. the samples table's sample_id");
        }
        if (!integral(label)) {
            throw wrongType(path, c.labelColumn(), "--label-column", label, "an integer class index 0..C-1",
                    "map the classes to 0..C-1 when writing the table");
        }
        if (!FloatVectorColumns.accepts(embedding)) {
            throw wrongType(path, c.embeddingColumn(), "--embedding-column", embedding, FloatVectorColumns.ACCEPTED,
                    "write the vectors as one of those");
        }
        LOG.info("{}: id '{}' ({}), label '{}' ({}), embedding '{}' ({}); every row is a candidate", path,
                c.idColumn(), id.simpleString(), c.labelColumn(), label.simpleString(), c.embeddingColumn(),
                embedding.simpleString());
        Column labelColumn = col(c.labelColumn());
        // A bigint label beyond int range would wrap; -1 makes ScoresRowChecks report it as not a class index.
        Column labelInt = label == DataTypes.LongType
                ? when(labelColumn.between(0, Integer.MAX_VALUE), labelColumn.cast(DataTypes.IntegerType)).otherwise(lit(-1))
                : labelColumn.cast(DataTypes.IntegerType);
        java.util.List<Column> out = new java.util.ArrayList<>(java.util.List.of(
                col(c.idColumn()).cast(DataTypes.LongType).as(Tables.SAMPLE_ID),
                labelInt.as(Tables.LABEL),
                lit(Tables.SPLIT_TRAIN).as(Tables.SPLIT),
                lit(0).as(Tables.CHECKPOINT),
                FloatVectorColumns.asFloatArray(c.embeddingColumn(), embedding).as(Tables.EMBEDDING)));
        for (String e : extra) {
            require(schema, path, e, "--keep", "score");
            out.add(col(e));
        }
        return table.select(out.toArray(Column[]::new));
    }

    private static DataType require(StructType schema, String path, String column, String option, String role) {
        if (!Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new CoresetInputException(path + ": no column '" + column + "' (" + option + "; columns: "
                    + String.join(", ", schema.fieldNames()) + "); name the " + role + " column with " + option + ".");
        }
        return schema.apply(column).dataType();
    }

    private static boolean integral(DataType t) {
        return t == DataTypes.LongType || t == DataTypes.IntegerType || t == DataTypes.ShortType
                || t == DataTypes.ByteType;
    }

    private static CoresetInputException wrongType(String path, String column, String option, DataType t,
                                                   String expected, String fix) {
        return new CoresetInputException(path + ": column '" + column + "' (" + option + ") is " + t.simpleString()
                + "; it must be " + expected + ": " + fix + ".");
    }
}
