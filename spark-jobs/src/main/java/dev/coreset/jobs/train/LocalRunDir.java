package dev.coreset.jobs.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * Where the trainer writes a run: DJL saves checkpoints to local files only. For an output on the local file system
 * that is the output's staging directory itself; for one on HDFS, S3 or any other Hadoop file system it is a local
 * temporary directory whose files {@link #upload} copies into the staging directory before publication.
 */
final class LocalRunDir implements AutoCloseable {
    private final org.apache.hadoop.fs.Path staging;
    private final FileSystem fs;
    private final Path dir;
    private final boolean temporary;

    private LocalRunDir(org.apache.hadoop.fs.Path staging, FileSystem fs, Path dir, boolean temporary) {
        this.staging = staging;
        this.fs = fs;
        this.dir = dir;
        this.temporary = temporary;
    }

    static LocalRunDir of(org.apache.hadoop.fs.Path staging, Configuration conf) throws IOException {
        FileSystem fs = staging.getFileSystem(conf);
        if ("file".equals(fs.getUri().getScheme())) {
            return new LocalRunDir(staging, fs, Path.of(staging.toUri().getPath()), false);
        }
        return new LocalRunDir(staging, fs, Files.createTempDirectory("coreset-train-"), true);
    }

    /** The local directory the trainer writes into. */
    Path dir() {
        return dir;
    }

    /** Copies the run's files into the staging directory (nothing to do when that is the local directory). */
    void upload() throws IOException {
        if (!temporary) {
            return;
        }
        List<Path> entries;
        try (Stream<Path> s = Files.list(dir)) {
            entries = s.sorted().toList();
        }
        for (Path entry : entries) {
            fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(entry.toUri()),
                    new org.apache.hadoop.fs.Path(staging, entry.getFileName().toString()));
        }
    }

    /** Removes the temporary directory (the staging directory is the publisher's). */
    @Override
    public void close() throws IOException {
        if (!temporary) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
