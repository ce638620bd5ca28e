package dev.coreset.jobs.io;

import dev.coreset.jobs.LocalDiskUnderScheme;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * The local disk under the scheme "fulldisk:", full: a file takes its first KiB (small side files fit), then every
 * write fails with "No space left on device", as a full disk fails a Parquet writer when it flushes its rows.
 */
public final class FullDiskFileSystem extends LocalDiskUnderScheme {
    public static final String SCHEME = "fulldisk";
    private static final int ROOM_PER_FILE = 1024;

    /** Registers the scheme in {@code conf}. */
    public static void register(Configuration conf) {
        register(conf, SCHEME, FullDiskFileSystem.class);
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
            short replication, long blockSize, Progressable progress) throws IOException {
        FSDataOutputStream local = super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
        return new FSDataOutputStream(new Full(local), null);
    }

    @Override
    public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication, long blockSize,
            Progressable progress) throws IOException {
        return create(f, FsPermission.getFileDefault(), overwrite, bufferSize, replication, blockSize, progress);
    }

    private static final class Full extends FilterOutputStream {
        private long written;

        Full(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            room(1);
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            room(len);
            out.write(b, off, len);
        }

        private void room(int len) throws IOException {
            written += len;
            if (written > ROOM_PER_FILE) {
                throw new IOException("No space left on device");
            }
        }
    }
}
