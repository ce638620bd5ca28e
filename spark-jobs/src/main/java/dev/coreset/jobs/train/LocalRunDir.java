package dev.coreset.jobs.train;

import dev.coreset.schemas.LiveStaging;
import dev.coreset.schemas.StagingOwner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the trainer writes a run: DJL saves checkpoints to local files only. For an output on the local file system
 * that is the output's staging directory itself; for one on HDFS, S3 or any other Hadoop file system it is a local
 * temporary directory whose files {@link #upload} copies into the staging directory before publication.
 *
 * <p>A temporary directory carries its owner record ({@link StagingOwner}) and is registered with {@link LiveStaging},
 * so a SIGTERM removes it like the output's staging; what a SIGKILL'd run left is removed by the next run that makes
 * one, once its owner is gone.
 */
final class LocalRunDir implements AutoCloseable {
    static final String PREFIX = "coreset-train-";
    private static final Logger LOG = LoggerFactory.getLogger(LocalRunDir.class);

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
        return of(staging, conf, Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** As {@link #of(org.apache.hadoop.fs.Path, Configuration)}, with temporary directories made under {@code tmp}. */
    static LocalRunDir of(org.apache.hadoop.fs.Path staging, Configuration conf, Path tmp) throws IOException {
        FileSystem fs = staging.getFileSystem(conf);
        if ("file".equals(fs.getUri().getScheme())) {
            return new LocalRunDir(staging, fs, Path.of(staging.toUri().getPath()), false);
        }
        removeAbandoned(tmp);
        Path dir = Files.createTempDirectory(tmp, PREFIX);
        org.apache.hadoop.fs.Path local = localPath(dir);
        Configuration localConf = new Configuration();
        LiveStaging.add(local, localConf);
        StagingOwner.self().writeTo(local, localConf);
        return new LocalRunDir(staging, fs, dir, true);
    }

    /** Deletes the temporary run directories under {@code tmp} whose owner process is gone (killed runs). */
    static void removeAbandoned(Path tmp) {
        List<Path> candidates;
        try (Stream<Path> s = Files.list(tmp)) {
            candidates = s.filter(p -> p.getFileName().toString().startsWith(PREFIX) && Files.isDirectory(p)).toList();
        } catch (IOException e) {
            return; // nothing to tidy that this run could see
        }
        Instant now = Instant.now();
        for (Path candidate : candidates) {
            try {
                Optional<StagingOwner> owner = StagingOwner.readFrom(localPath(candidate), new Configuration());
                if (owner.isPresent() && owner.get().isGone(now)) {
                    deleteTree(candidate);
                    LOG.info("removed {}, left by a killed train run", candidate);
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("left {} in place: {}", candidate, e.toString());
            }
        }
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
            // the owner record (and its checksum file) belongs to this directory, not to the run
            entries = s.filter(p -> !p.getFileName().toString().contains(StagingOwner.FILE_NAME)).sorted().toList();
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
        deleteTree(dir);
        LiveStaging.forget(localPath(dir));
    }

    private static org.apache.hadoop.fs.Path localPath(Path dir) {
        return new org.apache.hadoop.fs.Path(dir.toUri());
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
