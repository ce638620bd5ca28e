package dev.coreset.jobs.ingest;

import dev.coreset.schemas.ParquetTableWriter;
import dev.coreset.schemas.Tables;
import java.io.IOException;
import java.util.List;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.io.api.Binary;

/**
 * Streams driver-side sources (IDX, CSV, image folders) into Parquet files of bounded size so Spark can take over:
 * memory is one row group per open file, whatever the input size. Ids are stable positions:
 * {@code sample_id = sourceOrdinal << 40 | rowIndex}, so re-ingesting the same files gives the same ids.
 */
public final class RawStager {
    public static final int ID_SHIFT = 40;
    private static final long ROWS_PER_FILE = 50_000;
    /** Encoded images are large and of any size: a staged file also ends after this many image bytes. */
    private static final long IMAGE_BYTES_PER_FILE = 128L << 20;

    private final Configuration conf;
    private final Path dir;
    private int fileIndex;

    public RawStager(Configuration conf, Path dir) {
        this.conf = conf;
        this.dir = dir;
    }

    public static long sampleId(int sourceOrdinal, long rowIndex) {
        return ((long) sourceOrdinal << ID_SHIFT) | rowIndex;
    }

    /** Copies every row of {@code source} with the given split; returns the row count. */
    public long stage(RawSource source, int sourceOrdinal, String split, long expectedRows) throws IOException {
        long rows = 0;
        long imageBytes = 0;
        ParquetTableWriter writer = null;
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName("read " + source.name())
                .setInitialMax(expectedRows).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(2000)
                .continuousUpdate().build()) {
            for (RawRow row = source.next(); row != null; row = source.next()) {
                if (writer == null || writer.rows() >= ROWS_PER_FILE || imageBytes >= IMAGE_BYTES_PER_FILE) {
                    if (writer != null) {
                        writer.close();
                    }
                    String input = row.image() != null ? Tables.IMAGE : Tables.FEATURES;
                    imageBytes = 0;
                    writer = new ParquetTableWriter(new Path(dir, String.format("part-%05d.parquet", fileIndex++)),
                            Tables.SAMPLES, List.of(input, Tables.SOURCE), conf);
                }
                ParquetTableWriter.Row g = writer.newRow();
                g.add(Tables.SAMPLE_ID, sampleId(sourceOrdinal, row.rowIndex()));
                g.add(Tables.LABEL, row.label());
                g.add(Tables.SPLIT, split);
                if (row.image() != null) {
                    g.add(Tables.IMAGE, Binary.fromConstantByteArray(row.image())); // kept encoded
                    imageBytes += row.image().length;
                } else {
                    ParquetTableWriter.addFloats(g, Tables.FEATURES, row.features());
                }
                g.add(Tables.SOURCE, row.source() != null ? row.source() : source.name());
                writer.write(g);
                rows++;
                bar.step();
            }
        } finally {
            if (writer != null) {
                writer.close();
            }
        }
        return rows;
    }
}
