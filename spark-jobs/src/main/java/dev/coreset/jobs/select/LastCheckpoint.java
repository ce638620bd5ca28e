package dev.coreset.jobs.select;

import dev.coreset.schemas.PublishedOutput;
import dev.coreset.schemas.Tables;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * The largest checkpoint of a scores table as its Parquet footers' column statistics state it, read on the driver,
 * so {@code --checkpoint last} needs no Spark job. It is the maximum over every split: the caller falls back to
 * the distinct query when no train row has it. No hint (null) when a footer lacks the statistics, the table is not
 * flat Parquet files, or it has more than {@value #MAX_FILES} files (the query is then the cheaper way).
 */
final class LastCheckpoint {
    static final int MAX_FILES = 64;

    private LastCheckpoint() {
    }

    static Integer fromFooters(String table, Configuration conf) {
        try {
            Path dir = PublishedOutput.resolve(new Path(table), conf);
            FileSystem fs = dir.getFileSystem(conf);
            FileStatus[] all = fs.listStatus(dir);
            FileStatus[] files = Arrays.stream(all).filter(f -> !f.getPath().getName().startsWith("_")
                    && !f.getPath().getName().startsWith(".")).toArray(FileStatus[]::new);
            if (files.length == 0 || files.length > MAX_FILES || Arrays.stream(files).anyMatch(FileStatus::isDirectory)) {
                return null;
            }
            Integer max = null;
            for (FileStatus f : files) {
                try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromStatus(f, conf))) {
                    for (BlockMetaData block : reader.getFooter().getBlocks()) {
                        Integer blockMax = maxOf(block);
                        if (blockMax == null && block.getRowCount() > 0) {
                            return null;
                        }
                        if (blockMax != null && (max == null || blockMax > max)) {
                            max = blockMax;
                        }
                    }
                }
            }
            return max;
        } catch (Exception e) { // unreadable here: the Spark read reports it with its one-line error
            return null;
        }
    }

    private static Integer maxOf(BlockMetaData block) {
        for (ColumnChunkMetaData c : block.getColumns()) {
            if (c.getPath().toDotString().equals(Tables.CHECKPOINT)) {
                Statistics<?> s = c.getStatistics();
                return s == null || !s.hasNonNullValue() ? null : (Integer) s.genericGetMax();
            }
        }
        return null;
    }
}
