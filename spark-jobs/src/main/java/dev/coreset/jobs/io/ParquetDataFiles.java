package dev.coreset.jobs.io;

import java.io.IOException;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * The data files of a flat Parquet table directory (names starting with "_" or "." are Spark's and Hadoop's
 * markers), for the driver-side readers of footers. Null when there are none or the table has subdirectories
 * (partitioned): Spark's own listing handles those.
 */
public final class ParquetDataFiles {
    private ParquetDataFiles() {
    }

    public static FileStatus[] of(Path dir, Configuration conf) throws IOException {
        FileStatus[] files = Arrays.stream(dir.getFileSystem(conf).listStatus(dir)).filter(f ->
                !f.getPath().getName().startsWith("_") && !f.getPath().getName().startsWith(".")).toArray(FileStatus[]::new);
        return files.length == 0 || Arrays.stream(files).anyMatch(FileStatus::isDirectory) ? null : files;
    }
}
