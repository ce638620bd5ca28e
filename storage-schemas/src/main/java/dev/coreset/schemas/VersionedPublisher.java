package dev.coreset.schemas;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PublishMode#POINTER}: each run writes a new directory under {@code OUT/_versions/} (it never moves), and
 * publishing is one write of {@code OUT/_coreset_pointer.json}. Nothing is renamed, so a store whose rename is a
 * copy and a delete never shows a half-moved output. The previous version stays until the next publish (a reader
 * that resolved it before the pointer moved can finish); older ones, and versions of killed runs, are removed
 * only after the pointer has moved, by the publish and by {@link #removeUnreferenced} (which every writer's
 * {@link AtomicPublisher#recover} calls).
 */
final class VersionedPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(VersionedPublisher.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final Configuration conf;
    private final AtomicPublisher publisher;

    VersionedPublisher(Configuration conf, AtomicPublisher publisher) {
        this.conf = conf;
        this.publisher = publisher;
    }

    /** A fresh version path of {@code target}: UTC time (to the second) first, so a listing shows when each was made. */
    static Path newVersion(Path target) {
        String id = STAMP.format(Instant.now()) + "-" + UUID.randomUUID().toString().substring(0, 8);
        return new Path(OutputPointer.versionsOf(target), id);
    }

    /** Points {@code target} at the complete {@code version}, then removes what no reader can reach any more. */
    void publish(Path version, Path target, boolean overwrite) throws IOException {
        FileSystem fs = target.getFileSystem(conf);
        List<Path> replaced = new ArrayList<>();
        LiveStaging.whileOpen(version, () -> {
            Optional<OutputPointer> old = OutputPointer.readFrom(target, conf);
            replaced.addAll(renameModeContent(fs, target));
            if ((old.isPresent() || !replaced.isEmpty()) && !overwrite) {
                throw new CoresetInputException(target + ": output already exists; pass --overwrite to replace it.");
            }
            OutputPointer.to(version.getName(), old.map(OutputPointer::version).orElse(null)).writeTo(target, conf);
            LiveStaging.forget(version);
        });
        TestHooks.pauseAt(TestHooks.AFTER_POINTER, target);
        // Published: the owner record is about the writing run, not part of the output.
        fs.delete(new Path(version, StagingOwner.FILE_NAME), false);
        for (Path p : replaced) {
            fs.delete(p, true); // an earlier rename-mode output here, unreachable since the pointer exists
        }
        removeUnreferenced(target);
        LOG.info("published {} as {}", target, version.getName());
    }

    /**
     * Entries of {@code target} other than the versions and the pointer: a rename-mode output's files (hidden ones,
     * such as checksums, go with the file they belong to).
     */
    private static List<Path> renameModeContent(FileSystem fs, Path target) throws IOException {
        List<Path> found = new ArrayList<>();
        if (fs.exists(target)) {
            for (FileStatus s : fs.listStatus(target)) {
                String name = s.getPath().getName();
                if (!name.equals(OutputPointer.VERSIONS) && !name.equals(OutputPointer.FILE_NAME)
                        && !name.startsWith(".")) {
                    found.add(s.getPath());
                }
            }
        }
        return found;
    }

    /**
     * Deletes the versions of {@code target} that are neither current nor previous: superseded ones (published, so
     * without an owner record) and those of runs that are gone (judged like abandoned staging). Versions of a run
     * still writing keep their live owner and stay. Does nothing when the pointer cannot be read.
     */
    void removeUnreferenced(Path target) throws IOException {
        FileSystem fs = target.getFileSystem(conf);
        Path versions = OutputPointer.versionsOf(target);
        if (!fs.exists(versions)) {
            return;
        }
        Optional<OutputPointer> pointer;
        try {
            pointer = OutputPointer.readFrom(target, conf);
        } catch (IOException e) {
            LOG.warn("not cleaning {}: {}", versions, e.toString());
            return;
        }
        Set<String> keep = new HashSet<>();
        pointer.ifPresent(p -> {
            keep.add(p.version());
            keep.add(p.previous());
        });
        Instant now = Instant.now();
        for (FileStatus v : fs.listStatus(versions)) {
            String name = v.getPath().getName();
            if (!v.isDirectory() || keep.contains(name)) {
                continue;
            }
            boolean published = !fs.exists(new Path(v.getPath(), StagingOwner.FILE_NAME))
                    && fs.exists(new Path(v.getPath(), AtomicPublisher.SUCCESS));
            boolean remove = published ? pointer.isPresent() : publisher.abandoned(v, now);
            if (remove && fs.delete(v.getPath(), true)) {
                LOG.info("removed {} ({})", v.getPath(), published ? "superseded" : "left by a run that was killed");
            }
        }
    }
}
