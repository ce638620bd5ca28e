package dev.coreset.jobs;

import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local disk under another URI scheme, so a test can hand a job paths that are not local ones (as hdfs:// or
 * s3a:// paths are) and go through Hadoop's FileSystem API; subclasses change how it behaves.
 */
public abstract class LocalDiskUnderScheme extends RawLocalFileSystem {

    /** Registers {@code type} for {@code scheme} in {@code conf}, uncached so each test gets a fresh instance. */
    protected static void register(Configuration conf, String scheme, Class<? extends LocalDiskUnderScheme> type) {
        conf.set("fs." + scheme + ".impl", type.getName());
        conf.setBoolean("fs." + scheme + ".impl.disable.cache", true);
    }

    @Override
    public URI getUri() {
        return URI.create(getScheme() + ":///");
    }

    @Override
    public abstract String getScheme();
}
