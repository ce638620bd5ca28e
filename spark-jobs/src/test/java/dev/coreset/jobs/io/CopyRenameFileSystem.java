package dev.coreset.jobs.io;

import dev.coreset.jobs.LocalDiskUnderScheme;
import dev.coreset.schemas.AtomicPublisher;
import dev.coreset.schemas.TestHooks;
import java.io.FileNotFoundException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * The local disk under the scheme "copyrename:", behaving like an object store: a rename copies every file (in name
 * order) and then deletes the source, so another process sees a half-copied target in between; a file appears
 * whole when its writer closes it (a single PUT), never half written. Registered through META-INF/services, so any
 * Hadoop Configuration in any JVM of the tests finds it.
 *
 * <p>Test hooks ({@link TestHooks#PAUSE_AT}), for renames of coreset staging directories only: {@value #MID_COPY}
 * (the first file copied, the rest not) and {@value #BEFORE_DELETE} (all copied, the source not yet deleted).
 */
public final class CopyRenameFileSystem extends LocalDiskUnderScheme {
    public static final String SCHEME = "copyrename";
    public static final String MID_COPY = "rename-mid-copy";
    public static final String BEFORE_DELETE = "rename-before-delete";
    /** Renames of coreset staging directories in this JVM, so a test can check that pointer mode made none. */
    public static final AtomicInteger STAGING_RENAMES = new AtomicInteger();

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public boolean rename(Path src, Path dst) throws IOException {
        if (!exists(src) || exists(dst)) {
            return false;
        }
        boolean staging = AtomicPublisher.isStaging(src);
        if (staging) {
            STAGING_RENAMES.incrementAndGet();
        }
        copy(src, dst, staging, new boolean[1]);
        if (staging) {
            TestHooks.pauseAt(BEFORE_DELETE, dst);
        }
        return delete(src, true);
    }

    private void copy(Path src, Path dst, boolean staging, boolean[] copiedOne) throws IOException {
        FileStatus status = getFileStatus(src);
        if (status.isFile()) {
            try (var in = open(src); var out = create(dst, false)) {
                in.transferTo(out);
            }
            if (staging && !copiedOne[0]) {
                copiedOne[0] = true;
                TestHooks.pauseAt(MID_COPY, dst);
            }
            return;
        }
        mkdirs(dst);
        FileStatus[] children = listStatus(src);
        Arrays.sort(children, Comparator.comparing(s -> s.getPath().getName()));
        for (FileStatus c : children) {
            copy(c.getPath(), new Path(dst, c.getPath().getName()), staging, copiedOne);
        }
    }

    @Override
    public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
            short replication, long blockSize, Progressable progress) throws IOException {
        java.nio.file.Path target = pathToFile(f).toPath();
        if (Files.isDirectory(target)) {
            throw new FileAlreadyExistsException(f + " is a directory");
        }
        if (!overwrite && Files.exists(target)) {
            throw new FileAlreadyExistsException(f + " already exists");
        }
        Files.createDirectories(target.getParent());
        // Written aside (outside the tree, so no listing sees it) and moved into place whole on close.
        java.nio.file.Path part = Files.createTempFile("copyrename-put-", ".part");
        return new FSDataOutputStream(new Put(Files.newOutputStream(part), part, target), statistics);
    }

    @Override
    public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication, long blockSize,
            Progressable progress) throws IOException {
        return create(f, FsPermission.getFileDefault(), overwrite, bufferSize, replication, blockSize, progress);
    }

    private static final class Put extends FilterOutputStream {
        private final java.nio.file.Path part;
        private final java.nio.file.Path target;
        private boolean closed;

        Put(OutputStream out, java.nio.file.Path part, java.nio.file.Path target) {
            super(out);
            this.part = part;
            this.target = target;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            super.close();
            if (!Files.isDirectory(target.getParent())) {
                throw new FileNotFoundException(target.getParent() + " was removed while " + target + " was written");
            }
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
