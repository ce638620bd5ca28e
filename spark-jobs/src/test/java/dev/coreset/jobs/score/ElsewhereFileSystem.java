package dev.coreset.jobs.score;

import dev.coreset.jobs.LocalDiskUnderScheme;
import org.apache.hadoop.conf.Configuration;

/**
 * The local disk under the scheme "elsewhere:", so a test can hand the job a model URI that is not a local path, as
 * an hdfs:// or s3a:// one is, and see executors copy it through Hadoop's FileSystem API.
 */
public final class ElsewhereFileSystem extends LocalDiskUnderScheme {
    public static final String SCHEME = "elsewhere";

    /** Registers the scheme in {@code conf}. */
    public static void register(Configuration conf) {
        register(conf, SCHEME, ElsewhereFileSystem.class);
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }
}
