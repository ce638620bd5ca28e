package dev.coreset.schemas;

import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

/**
 * Streams rows of a contract table into one Parquet file without Spark: used where data arrives on one
 * machine (IDX, CSV and image-folder ingest) and by tests. Memory is one row group, not the file. A row holds its
 * values as they are (a float array stays one array) and is written straight to Parquet's record consumer: the
 * example {@code Group} rows it replaced built one object per array element, most of an IDX ingest's staging time.
 */
public final class ParquetTableWriter implements AutoCloseable {
    private final MessageType schema;
    private final Map<String, Integer> fieldIndex = new HashMap<>();
    private final ParquetWriter<Row> writer;
    private long rows;

    public ParquetTableWriter(Path file, TableSchema table, Collection<String> optionalColumns, Configuration conf)
            throws IOException {
        this.schema = ParquetSchemas.messageType(table, optionalColumns);
        for (int i = 0; i < schema.getFieldCount(); i++) {
            fieldIndex.put(schema.getFieldName(i), i);
        }
        this.writer = new Builder(file, schema)
                .withConf(conf)
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .build();
    }

    /** A new empty row of this table; fill it with {@link Row#add} and pass it to {@link #write}. */
    public Row newRow() {
        return new Row();
    }

    /** Adds a float array (written in the 3-level LIST layout). */
    public static void addFloats(Row row, String field, float[] values) {
        row.add(field, values);
    }

    public void write(Row row) throws IOException {
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

    /** One row: a value per column of the table (unset columns are null). */
    public final class Row {
        private final Object[] values = new Object[schema.getFieldCount()];

        public Row add(String column, long value) {
            return set(column, value);
        }

        public Row add(String column, int value) {
            return set(column, value);
        }

        public Row add(String column, float value) {
            return set(column, value);
        }

        public Row add(String column, double value) {
            return set(column, value);
        }

        public Row add(String column, boolean value) {
            return set(column, value);
        }

        public Row add(String column, String value) {
            return set(column, Binary.fromString(value));
        }

        public Row add(String column, Binary value) {
            return set(column, value);
        }

        public Row add(String column, float[] value) {
            return set(column, value);
        }

        public Row add(String column, int[] value) {
            return set(column, value);
        }

        private Row set(String column, Object value) {
            Integer i = fieldIndex.get(column);
            if (i == null) {
                throw new IllegalArgumentException("no column '" + column + "' in " + schema.getName());
            }
            values[i] = value;
            return this;
        }
    }

    private static final class Builder extends ParquetWriter.Builder<Row, Builder> {
        private final MessageType schema;

        Builder(Path file, MessageType schema) {
            super(file);
            this.schema = schema;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<Row> getWriteSupport(Configuration conf) {
            return new RowWriteSupport(schema);
        }
    }

    /** Writes a {@link Row} field by field in the schema's order; arrays as LIST groups of required elements. */
    private static final class RowWriteSupport extends WriteSupport<Row> {
        private final MessageType schema;
        private final ColumnType[] types;
        private RecordConsumer out;

        RowWriteSupport(MessageType schema) {
            this.schema = schema;
            this.types = new ColumnType[schema.getFieldCount()];
            for (int i = 0; i < types.length; i++) {
                types[i] = ParquetSchemas.columnTypeOf(schema.getType(i));
            }
        }

        @Override
        public WriteContext init(Configuration configuration) {
            return new WriteContext(schema, Map.of());
        }

        @Override
        public void prepareForWrite(RecordConsumer recordConsumer) {
            this.out = recordConsumer;
        }

        @Override
        public void write(Row row) {
            out.startMessage();
            for (int i = 0; i < types.length; i++) {
                Object v = row.values[i];
                if (v == null) {
                    continue; // a missing required column fails in endMessage, as Parquet's own writers do
                }
                String name = schema.getFieldName(i);
                out.startField(name, i);
                switch (types[i]) {
                    case LONG -> out.addLong(((Number) v).longValue());
                    case INT -> out.addInteger(((Number) v).intValue());
                    case FLOAT -> out.addFloat(((Number) v).floatValue());
                    case DOUBLE -> out.addDouble(((Number) v).doubleValue());
                    case BOOLEAN -> out.addBoolean((Boolean) v);
                    case STRING, BINARY -> out.addBinary((Binary) v);
                    case FLOAT_ARRAY -> writeList(((float[]) v).length, j -> out.addFloat(((float[]) v)[j]));
                    case INT_ARRAY -> writeList(((int[]) v).length, j -> out.addInteger(((int[]) v)[j]));
                }
                out.endField(name, i);
            }
            out.endMessage();
        }

        private void writeList(int length, java.util.function.IntConsumer element) {
            out.startGroup();
            if (length > 0) {
                out.startField("list", 0);
                for (int j = 0; j < length; j++) {
                    out.startGroup();
                    out.startField("element", 0);
                    element.accept(j);
                    out.endField("element", 0);
                    out.endGroup();
                }
                out.endField("list", 0);
            }
            out.endGroup();
        }
    }
}
