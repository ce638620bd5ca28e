package dev.coreset.schemas;

import java.io.IOException;
import java.util.Collection;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;

/**
 * Streams rows of a contract table into one Parquet file without Spark: used where data arrives on one
 * machine (IDX and CSV ingest) and by tests. Memory is one row group, not the file.
 */
public final class ParquetTableWriter implements AutoCloseable {
    private final MessageType schema;
    private final SimpleGroupFactory factory;
    private final ParquetWriter<Group> writer;
    private long rows;

    public ParquetTableWriter(Path file, TableSchema table, Collection<String> optionalColumns, Configuration conf)
            throws IOException {
        this.schema = ParquetSchemas.messageType(table, optionalColumns);
        this.factory = new SimpleGroupFactory(schema);
        this.writer = ExampleParquetWriter.builder(file)
                .withConf(conf)
                .withType(schema)
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .build();
    }

    /** A new empty row of this table; fill it with {@link Group#add} and pass it to {@link #write}. */
    public Group newRow() {
        return factory.newGroup();
    }

    /** Adds a float array in the 3-level LIST layout. */
    public static void addFloats(Group row, String field, float[] values) {
        Group list = row.addGroup(field);
        for (float v : values) {
            list.addGroup("list").append("element", v);
        }
    }

    public void write(Group row) throws IOException {
        writer.write(row);
        rows++;
    }

    public long rows() {
        return rows;
    }

    public MessageType schema() {
        return schema;
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }
}
