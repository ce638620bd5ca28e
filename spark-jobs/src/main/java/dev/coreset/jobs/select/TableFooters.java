package dev.coreset.jobs.select;

import dev.coreset.jobs.io.ParquetDataFiles;
import dev.coreset.schemas.PublishedOutput;
import dev.coreset.schemas.Tables;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * What a table's Parquet footers state, read on the driver with no Spark job: its rows, its uncompressed bytes (what
 * decides whether a selection may run on the driver) and its largest checkpoint (so {@code --checkpoint last} needs
 * no query). The checkpoint is the maximum over every split: the caller falls back to the distinct query when no
 * train row has it. Null (no facts) when the table is not flat Parquet files or has more than {@value #MAX_FILES}
 * files (the queries are then the cheaper way).
 *
 * @param lastCheckpoint null when a footer lacks the column's statistics (or the table has no checkpoint column)
 */
record TableFooters(long rows, long uncompressedBytes, Integer lastCheckpoint) {
    static final int MAX_FILES = 64;

    static TableFooters read(String table, Configuration conf) {
        try {
            Path dir = PublishedOutput.resolve(new Path(table), conf);
            FileStatus[] files = ParquetDataFiles.of(dir, conf);
            if (files == null || files.length > MAX_FILES) {
                return null;
            }
            long rows = 0;
            long bytes = 0;
            Integer max = null;
            boolean statsEverywhere = true;
            for (FileStatus f : files) {
                try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromStatus(f, conf))) {
                    for (BlockMetaData block : reader.getFooter().getBlocks()) {
                        rows += block.getRowCount();
                        bytes += block.getTotalByteSize();
                        Integer blockMax = maxCheckpoint(block);
                        if (blockMax == null && block.getRowCount() > 0) {
                            statsEverywhere = false;
                        }
                        if (blockMax != null && (max == null || blockMax > max)) {
                            max = blockMax;
                        }
                    }
                }
            }
            return new TableFooters(rows, bytes, statsEverywhere ? max : null);
        } catch (Exception e) { // unreadable here: the Spark read reports it with its one-line error
            return null;
        }
    }

    /** The table's last checkpoint from its footers, or null when they do not tell. */
    static Integer lastCheckpoint(String table, Configuration conf) {
        TableFooters f = read(table, conf);
        return f == null ? null : f.lastCheckpoint();
    }

    private static Integer maxCheckpoint(BlockMetaData block) {
        for (ColumnChunkMetaData c : block.getColumns()) {
            if (c.getPath().toDotString().equals(Tables.CHECKPOINT)) {
                Statistics<?> s = c.getStatistics();
                return s == null || !s.hasNonNullValue() ? null : (Integer) s.genericGetMax();
            }
        }
        return null;
    }
}
