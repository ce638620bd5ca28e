package dev.coreset.jobs.io;

import java.util.Arrays;
import java.util.Comparator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * The schema Spark stores in the footer of each Parquet file it writes, read on the driver: given to the reader, it
 * spares opening a table the Spark job that infers the schema (Spark reads the same footer key of one file when it
 * infers it). Null, and Spark infers as usual, when the table is not flat Parquet files, a file lacks the key (written
 * by another tool) or anything cannot be read.
 */
final class FooterSchema {
    /** Where Spark keeps the schema in a Parquet footer's key-value metadata. */
    private static final String SPARK_ROW_METADATA = "org.apache.spark.sql.parquet.row.metadata";

    private FooterSchema() {
    }

    static StructType of(Path dir, Configuration conf) {
        try {
            FileStatus[] files = ParquetDataFiles.of(dir, conf);
            if (files == null) {
                return null;
            }
            FileStatus first = Arrays.stream(files).min(Comparator.comparing(f -> f.getPath().getName())).get();
            try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromStatus(first, conf))) {
                String json = reader.getFooter().getFileMetaData().getKeyValueMetaData().get(SPARK_ROW_METADATA);
                return json == null ? null : DataType.fromJson(json) instanceof StructType s ? s : null;
            }
        } catch (Exception e) { // the Spark read reports an unreadable table with its one-line error
            return null;
        }
    }
}
