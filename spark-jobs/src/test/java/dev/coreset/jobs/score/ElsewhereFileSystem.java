package dev.coreset.jobs.score;

import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local disk under the scheme "elsewhere:", so a test can hand the job a model URI that is not a local path, as
 * an hdfs:// or s3a:// one is, and see executors copy it through Hadoop's FileSystem API.
 */
public final class ElsewhereFileSystem extends RawLocalFileSystem {
    public static final String SCHEME = "elsewhere";

    /** Registers the scheme in {@code conf}. */
    public static void register(Configuration conf) {
        conf.set("fs." + SCHEME + ".impl", ElsewhereFileSystem.class.getName());
        conf.setBoolean("fs." + SCHEME + ".impl.disable.cache", true);
    }

    @Override
    public URI getUri() {
        return URI.create(SCHEME + ":///");
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }
}
