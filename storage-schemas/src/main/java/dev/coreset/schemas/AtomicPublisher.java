package dev.coreset.schemas;

import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes an output directory in one step: writers fill a hidden staging directory beside the target
 * and end with {@code _SUCCESS}; publishing renames it into place. An existing output is moved aside
 * first and only deleted once the new one is in place, so a killed run leaves the old one intact (or
 * restorable from its hidden backup, which {@link #recover} puts back).
 *
 * <p>That is {@link PublishMode#RENAME}. Where {@link PublishMode#forTarget} picks {@link PublishMode#POINTER}
 * (object stores), the "staging directory" is a new version under the target and publishing writes its pointer
 * ({@link VersionedPublisher}); writers call the same methods either way.
 */
public final class AtomicPublisher {
    public static final String SUCCESS = "_SUCCESS";
    private static final Logger LOG = LoggerFactory.getLogger(AtomicPublisher.class);

    private final Configuration conf;
    private final VersionedPublisher versions;

    public AtomicPublisher(Configuration conf) {
        this.conf = conf;
        this.versions = new VersionedPublisher(conf, this);
    }

    private static final String STAGING_MARK = ".staging-";
    private static final String BACKUP_MARK = ".previous-";

    /** A fresh staging path beside {@code target}, hidden from readers that skip dot files. */
    public Path stagingFor(Path target) {
        return new Path(target.getParent(), "." + target.getName() + STAGING_MARK + UUID.randomUUID());
    }

    /**
     * Creates a fresh staging directory for {@code target} with its {@link StagingOwner} record, and registers it
     * with {@link LiveStaging} so a stop by signal removes it. Writers fill it, then {@link #publish} or
     * {@link #discard} it.
     */
    public Path createStaging(Path target) throws IOException {
        Path staging = PublishMode.forTarget(target, conf) == PublishMode.POINTER
                ? VersionedPublisher.newVersion(target) : stagingFor(target);
        FileSystem fs = staging.getFileSystem(conf);
        LiveStaging.add(staging, conf);
        if (!fs.mkdirs(staging)) {
            LiveStaging.forget(staging);
            throw new IOException("could not create " + fs.makeQualified(staging));
        }
        StagingOwner.self().writeTo(staging, conf);
        return staging;
    }

    /** True for a staging directory (unpublished: its run was killed or is still writing). */
    public static boolean isStaging(Path dir) {
        return dir.getName().startsWith(".") && dir.getName().contains(STAGING_MARK);
    }

    /** True for the hidden copy of a previous output that a publish moved aside. */
    public static boolean isBackup(Path dir) {
        return dir.getName().startsWith(".") && dir.getName().contains(BACKUP_MARK);
    }

    /** The output a staging or backup directory belongs to. */
    public static Path targetOf(Path hidden) {
        String name = hidden.getName();
        int mark = Math.max(name.lastIndexOf(STAGING_MARK), name.lastIndexOf(BACKUP_MARK));
        return new Path(hidden.getParent(), name.substring(1, mark));
    }

    /** Backups of {@code target} left by a run that died between the two renames of {@link #publish}. */
    public FileStatus[] backupsOf(Path target) throws IOException {
        FileSystem fs = target.getFileSystem(conf);
        Path parent = target.getParent();
        if (parent == null || !fs.exists(parent)) {
            return new FileStatus[0];
        }
        return fs.listStatus(parent, p -> p.getName().startsWith("." + target.getName() + BACKUP_MARK));
    }

    /** Refuses early (before any work) when the target exists and overwriting was not asked for. */
    public void checkTarget(Path target, boolean overwrite) throws IOException {
        recover(target);
        if (PublishedOutput.exists(target, conf) && !overwrite) {
            throw new CoresetInputException(target + ": output already exists; pass --overwrite to replace it "
                    + "or choose another --out.");
        }
    }

    public void markSuccess(Path staging) throws IOException {
        FileSystem fs = staging.getFileSystem(conf);
        fs.create(new Path(staging, SUCCESS), true).close();
    }

    /** Moves a complete staging directory to {@code target}, replacing an existing one when allowed. */
    public void publish(Path staging, Path target, boolean overwrite) throws IOException {
        FileSystem fs = target.getFileSystem(conf);
        if (!fs.exists(new Path(staging, SUCCESS))) {
            throw new IllegalStateException(staging + " has no " + SUCCESS + "; refusing to publish a partial output");
        }
        TestHooks.pauseAt(TestHooks.BEFORE_PUBLISH, staging);
        if (OutputPointer.isVersion(staging)) {
            versions.publish(staging, target, overwrite);
            return;
        }
        // Under LiveStaging's lock: a stop by signal either waits for this to finish or removes staging first.
        LiveStaging.whileOpen(staging, () -> {
            // The owner record is about the staging directory, not part of the output.
            fs.delete(new Path(staging, StagingOwner.FILE_NAME), false);
            Path backup = null;
            if (fs.exists(target)) {
                if (!overwrite) {
                    throw new CoresetInputException(target + ": output already exists; pass --overwrite to replace it.");
                }
                backup = new Path(target.getParent(), "." + target.getName() + BACKUP_MARK + UUID.randomUUID());
                rename(fs, target, backup);
                TestHooks.pauseAt(TestHooks.BETWEEN_RENAMES, backup);
            }
            rename(fs, staging, target);
            LiveStaging.forget(staging);
            if (backup != null) {
                fs.delete(backup, true);
            }
        });
        LOG.info("published {}", target);
    }

    /** Removes a staging directory after a failure; never touches the target. */
    public void discard(Path staging) {
        LiveStaging.forget(staging);
        try {
            FileSystem fs = staging.getFileSystem(conf);
            fs.delete(staging, true);
        } catch (IOException e) {
            LOG.warn("could not remove staging directory {}: {}", staging, e.toString());
        }
    }

    /**
     * Restores a previous output that a killed run had moved aside but not yet replaced, and removes the
     * staging directories that killed runs left beside {@code target} (see {@link #removeAbandonedStaging}).
     */
    public void recover(Path target) throws IOException {
        FileSystem fs = target.getFileSystem(conf);
        for (FileStatus backup : backupsOf(target)) {
            if (!fs.exists(target)) {
                LOG.warn("restoring {} from {} left by an interrupted run", target, backup.getPath());
                rename(fs, backup.getPath(), target);
            } else {
                fs.delete(backup.getPath(), true);
            }
        }
        removeAbandonedStaging(target);
        versions.removeUnreferenced(target);
    }

    /**
     * Deletes the staging directories beside {@code target} whose owner is gone ({@link StagingOwner#isGone});
     * a run still writing keeps its own. One without an owner record (an older coreset, or a run killed between
     * creating it and recording itself) counts as abandoned once untouched for {@link StagingOwner#FOREIGN_MAX_AGE}.
     */
    public void removeAbandonedStaging(Path target) throws IOException {
        FileSystem fs = target.getFileSystem(conf);
        Path parent = target.getParent();
        if (parent == null || !fs.exists(parent)) {
            return;
        }
        Instant now = Instant.now();
        String prefix = "." + target.getName() + STAGING_MARK;
        for (FileStatus staging : fs.listStatus(parent, p -> p.getName().startsWith(prefix))) {
            if (abandoned(staging, now) && fs.delete(staging.getPath(), true)) {
                LOG.info("removed {} left by a run that was killed", staging.getPath());
            }
        }
    }

    /** True when the run that made this staging (or version) directory can no longer be writing it. */
    boolean abandoned(FileStatus staging, Instant now) {
        Optional<StagingOwner> owner = ownerOf(staging.getPath());
        return owner.map(o -> o.isGone(now)).orElseGet(() -> Instant.ofEpochMilli(
                staging.getModificationTime()).plus(StagingOwner.FOREIGN_MAX_AGE).isBefore(now));
    }

    private Optional<StagingOwner> ownerOf(Path staging) {
        try {
            return StagingOwner.readFrom(staging, conf);
        } catch (IOException e) {
            return Optional.empty(); // unreadable record (written half by a killed run): judged by age
        }
    }

    private static void rename(FileSystem fs, Path from, Path to) throws IOException {
        if (!fs.rename(from, to)) {
            throw new IOException("could not rename " + from + " to " + to);
        }
    }
}
