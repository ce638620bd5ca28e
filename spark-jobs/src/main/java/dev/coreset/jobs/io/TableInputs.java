package dev.coreset.jobs.io;

import dev.coreset.schemas.CoresetInputException;
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

/** Opens the tables the cld, noise and select commands read, with one-line errors naming the path and the fix. */
public final class TableInputs {
    private TableInputs() {
    }

    /**
     * @param option the CLI option that named the path, e.g. "--scores"
     * @param maker  what makes such a table, e.g. "coreset score"
     */
    public static Dataset<Row> read(SparkSession spark, String path, TableSchema schema, String option, String maker) {
        requireExists(spark, path, schema.name(), option, maker);
        Dataset<Row> df;
        try {
            df = spark.read().parquet(path);
        } catch (Exception e) {
            CoresetInputException unreadable = ReadFailures.of(e, "re-create it with " + maker + " and pass that to "
                    + option);
            if (unreadable != null) {
                throw unreadable;
            }
            throw new CoresetInputException(path + ": cannot read as a Parquet " + schema.name() + " table ("
                    + firstLine(e) + "); pass the output of " + maker + " to " + option + ".", e);
        }
        SparkSchemas.check(schema, df.schema(), path);
        return df;
    }

    /** A table that only needs a bigint sample_id column (e.g. --exclude flags). */
    public static Dataset<Row> readIds(SparkSession spark, String path, String option) {
        requireExists(spark, path, "flags", option, "coreset noise");
        Dataset<Row> df;
        try {
            df = spark.read().parquet(path);
        } catch (Exception e) {
            CoresetInputException unreadable = ReadFailures.of(e, "pass the output of coreset noise to " + option);
            if (unreadable != null) {
                throw unreadable;
            }
            throw new CoresetInputException(path + ": cannot read as Parquet (" + firstLine(e)
                    + "); pass the output of coreset noise to " + option + ".", e);
        }
        if (!Arrays.asList(df.schema().fieldNames()).contains(Tables.SAMPLE_ID)
                || !df.schema().apply(Tables.SAMPLE_ID).dataType().equals(DataTypes.LongType)) {
            throw new CoresetInputException(path + ": no bigint column 'sample_id' (columns: "
                    + String.join(", ", df.schema().fieldNames()) + "); pass the output of coreset noise to "
                    + option + ".");
        }
        return df;
    }

    /** The rows whose sample_id is not in {@code flags} (a {@link #readIds} table); --exclude of select and cld. */
    public static Dataset<Row> withoutIds(Dataset<Row> rows, Dataset<Row> flags) {
        Dataset<Row> ids = flags.select(Tables.SAMPLE_ID).distinct();
        return rows.join(ids, rows.col(Tables.SAMPLE_ID).equalTo(ids.col(Tables.SAMPLE_ID)), "left_anti");
    }

    private static void requireExists(SparkSession spark, String path, String what, String option, String maker) {
        try {
            Path p = new Path(path);
            FileSystem fs = p.getFileSystem(AtomicTableWriter.hadoopConf(spark));
            if (!fs.exists(p)) {
                throw new CoresetInputException(path + ": no such " + what + " table; pass the output of " + maker
                        + " to " + option + ".");
            }
        } catch (IOException e) {
            throw new CoresetInputException(path + ": cannot open (" + firstLine(e) + "); check " + option + ".", e);
        }
    }

    public static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
