package dev.coreset.schemas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;

/**
 * Streams the rows of a samples table without Spark, file by file in name order, optionally keeping
 * only some splits. Memory: one Parquet row group, whatever the table size. Used by training, which
 * runs on one JVM and must not collect the table.
 */
public final class SamplesReader {
    /** One sample as stored: its features, or (image tables) its encoded image bytes, the other null. */
    public record Sample(long sampleId, int label, String split, float[] features, byte[] image) {
    }

    private final List<Path> files;
    private final Configuration conf;
    private final Set<String> splits;

    public SamplesReader(String table, Set<String> splits, Configuration conf) {
        this.conf = conf;
        this.splits = Set.copyOf(splits);
        try {
            this.files = ParquetRows.dataFiles(PublishedOutput.resolve(new Path(table), conf), conf);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (files.isEmpty()) {
            throw new CoresetInputException(table + ": no Parquet files; point to a samples table made by `coreset ingest`.");
        }
        SchemaCheck.check(Tables.SAMPLES, ParquetRows.columnTypes(ParquetRows.schema(files.get(0), conf)), files.get(0).toString());
    }

    /** A fresh pass over the table; close it to release the open file. */
    public Rows open() {
        return new Rows();
    }

    /** Iterator over the selected splits' rows. */
    public final class Rows implements Iterator<Sample>, AutoCloseable {
        private int fileIndex = -1;
        private ParquetReader<Group> reader;
        private Sample next;

        private Rows() {
            advance();
        }

        private void advance() {
            try {
                next = null;
                while (next == null) {
                    Group g = reader == null ? null : reader.read();
                    if (g == null) {
                        if (reader != null) {
                            reader.close();
                            reader = null;
                        }
                        if (++fileIndex >= files.size()) {
                            return;
                        }
                        reader = ParquetRows.open(files.get(fileIndex), conf);
                        continue;
                    }
                    String split = g.getString(Tables.SPLIT, 0);
                    if (splits.isEmpty() || splits.contains(split)) {
                        boolean image = g.getType().containsField(Tables.IMAGE);
                        next = new Sample(g.getLong(Tables.SAMPLE_ID, 0), g.getInteger(Tables.LABEL, 0), split,
                                image ? null : ParquetRows.floatArray(g, Tables.FEATURES),
                                image ? g.getBinary(Tables.IMAGE, 0).getBytes() : null);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public Sample next() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            Sample s = next;
            advance();
            return s;
        }

        @Override
        public void close() {
            try {
                if (reader != null) {
                    reader.close();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
