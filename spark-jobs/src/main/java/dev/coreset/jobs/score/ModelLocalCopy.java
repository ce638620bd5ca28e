package dev.coreset.jobs.score;

import dev.coreset.jobs.io.TableInputs;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.scoring.ModelRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a model on a Hadoop file system (hdfs://, s3a://, ...) to this machine once per JVM, so the engines, which
 * read local files only, can load it and a cluster needs no shared local disk. A copy is keyed by the URI, size and
 * modification time (a rewritten model is fetched again) and appears by an atomic rename, so executors on one
 * machine never load a half-written file. Local paths pass through untouched.
 */
public final class ModelLocalCopy {
    private static final Logger LOG = LoggerFactory.getLogger(ModelLocalCopy.class);
    /** Where copies go: a system property for tests and clusters with a fast local disk, else the JVM's temp folder. */
    public static final String CACHE_DIR_PROPERTY = "coreset.model.cache";
    private static final Map<String, Path> COPIES = new ConcurrentHashMap<>();

    private ModelLocalCopy() {
    }

    /** {@code ref} at a local path: itself when already local, else its copy in the cache. */
    public static ModelRef localize(ModelRef ref, Configuration conf) {
        if (ref.isLocal()) {
            return ref;
        }
        org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(ref.path());
        try {
            FileSystem fs = remote.getFileSystem(conf);
            FileStatus status = fs.getFileStatus(remote);
            long size = status.isDirectory() ? 0 : status.getLen();
            String key = ref.path() + "|" + size + "|" + status.getModificationTime();
            Path local = COPIES.computeIfAbsent(key, k -> copy(fs, status, k));
            return ref.at(local.toString());
        } catch (IOException e) {
            throw new CoresetInputException("cannot read model " + ref.path() + " (" + TableInputs.firstLine(e)
                    + "); check the path and that this machine can reach its file system.", e);
        }
    }

    private static Path copy(FileSystem fs, FileStatus status, String key) {
        Path root = cacheRoot().resolve(sha256(key));
        Path target = root.resolve(status.getPath().getName());
        try {
            if (Files.exists(target)) {
                return target; // another executor JVM on this machine copied it already
            }
            Files.createDirectories(root);
            long t0 = System.nanoTime();
            Path staging = Files.createTempDirectory(root, ".copy-");
            Path copied = staging.resolve(status.getPath().getName());
            fs.copyToLocalFile(false, status.getPath(), new org.apache.hadoop.fs.Path(copied.toUri()), true);
            try {
                Files.move(copied, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException raced) {
                LOG.debug("{} was copied by another process meanwhile", target);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(copied, target);
            }
            deleteQuietly(staging);
            LOG.info("copied model {} to {} in {} ms", status.getPath(), target, (System.nanoTime() - t0) / 1_000_000);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy model " + status.getPath() + " to " + root, e);
        }
    }

    static Path cacheRoot() {
        String dir = System.getProperty(CACHE_DIR_PROPERTY);
        return dir != null ? Path.of(dir) : Path.of(System.getProperty("java.io.tmpdir"), "coreset-models");
    }

    private static void deleteQuietly(Path dir) {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.debug("could not remove {}", dir, e);
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8))).substring(0, 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
