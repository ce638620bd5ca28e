package dev.coreset.jobs.io;

import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.PublishedOutput;
import dev.coreset.schemas.SparkSchemas;
import dev.coreset.schemas.TableSchema;
import dev.coreset.schemas.Tables;
import java.io.IOException;
import java.util.Arrays;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Opens the tables the cld, noise and select commands read (and users' own tables for select --embeddings), with one-line errors naming the path and the fix. */
public final class TableInputs {
    private TableInputs() {
    }

    /**
     * @param option the CLI option that named the path, e.g. "--scores"
     * @param maker  what makes such a table, e.g. "coreset score"
     */
    public static Dataset<Row> read(SparkSession spark, String path, TableSchema schema, String option, String maker) {
        String fix = "pass the output of " + maker + " to " + option;
        requireExists(spark, path, schema.name(), option, fix);
        Dataset<Row> df = parquet(spark, path, "a Parquet " + schema.name() + " table", fix,
                "re-create it with " + maker + " and pass that to " + option);
        SparkSchemas.check(schema, df.schema(), path);
        return df;
    }

    /** A table that only needs a bigint sample_id column (e.g. --exclude flags). */
    public static Dataset<Row> readIds(SparkSession spark, String path, String option) {
        String fix = "pass the output of coreset noise or coreset dedup to " + option;
        requireExists(spark, path, "flags", option, fix);
        Dataset<Row> df = parquet(spark, path, "Parquet", fix, fix);
        if (!Arrays.asList(df.schema().fieldNames()).contains(Tables.SAMPLE_ID)
                || !df.schema().apply(Tables.SAMPLE_ID).dataType().equals(DataTypes.LongType)) {
            throw new CoresetInputException(path + ": no bigint column 'sample_id' (columns: "
                    + String.join(", ", df.schema().fieldNames()) + "); " + fix + ".");
        }
        return df;
    }

    /**
     * A Parquet table the user made, whose columns the caller checks (e.g. select --embeddings).
     * @param what what such a table is, e.g. "embeddings"
     * @param fix  what to pass instead, e.g. "pass a Parquet table of id, label and embedding to --embeddings"
     */
    public static Dataset<Row> readUserTable(SparkSession spark, String path, String what, String option, String fix) {
        requireExists(spark, path, what, option, fix);
        return parquet(spark, path, "a Parquet " + what + " table", fix, fix);
    }

    private static Dataset<Row> parquet(SparkSession spark, String path, String as, String fix, String unreadableFix) {
        try {
            // A pointer-mode output is read from its current version (PublishedOutput).
            String dir = PublishedOutput.resolve(path, AtomicTableWriter.hadoopConf(spark));
            StructType footer = FooterSchema.of(new Path(dir), AtomicTableWriter.hadoopConf(spark));
            return (footer == null ? spark.read() : spark.read().schema(footer)).parquet(dir);
        } catch (Exception e) {
            CoresetInputException unreadable = ReadFailures.of(e, unreadableFix);
            if (unreadable != null) {
                throw unreadable;
            }
            throw new CoresetInputException(path + ": cannot read as " + as + " (" + firstLine(e) + "); " + fix + ".", e);
        }
    }

    /** The rows whose sample_id is not in {@code flags} (a {@link #readIds} table); --exclude of select and cld. */
    public static Dataset<Row> withoutIds(Dataset<Row> rows, Dataset<Row> flags) {
        Dataset<Row> ids = flags.select(Tables.SAMPLE_ID).distinct();
        return rows.join(ids, rows.col(Tables.SAMPLE_ID).equalTo(ids.col(Tables.SAMPLE_ID)), "left_anti");
    }

    private static void requireExists(SparkSession spark, String path, String what, String option, String fix) {
        try {
            Path p = new Path(path);
            FileSystem fs = p.getFileSystem(AtomicTableWriter.hadoopConf(spark));
            if (!fs.exists(p)) {
                throw new CoresetInputException(path + ": no such " + what + " table; " + fix + ".");
            }
        } catch (IOException e) {
            throw new CoresetInputException(path + ": cannot open (" + firstLine(e) + "); check " + option + ".", e);
        }
    }

    public static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
