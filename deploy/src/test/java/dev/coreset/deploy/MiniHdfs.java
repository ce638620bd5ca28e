package dev.coreset.deploy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * A real HDFS inside the test JVM: Hadoop's MiniDFSCluster (one NameNode, one DataNode, RPC and data on 127.0.0.1),
 * the in-process HDFS of Hadoop's and Spark's own tests. Other JVMs (spark-submit, executors) reach it at {@link #uri};
 * {@link #writeSiteFiles} gives them a HADOOP_CONF_DIR. {@link #close} shuts it down and deletes its storage.
 */
final class MiniHdfs implements AutoCloseable {
    private final MiniDFSCluster cluster;
    private final URI uri;
    private final Configuration conf;

    private MiniHdfs(MiniDFSCluster cluster) {
        this.cluster = cluster;
        // The NameNode listens on 127.0.0.1; naming it by address keeps clients off whatever "localhost" resolves to.
        this.uri = URI.create("hdfs://127.0.0.1:" + cluster.getNameNodePort());
        this.conf = clientConf(uri);
    }

    /** Starts the NameNode and one DataNode with their storage under {@code dir}; returns once both are up. */
    static MiniHdfs start(Path dir) throws IOException {
        Files.createDirectories(dir);
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.toAbsolutePath().toString());
        conf.setInt("dfs.replication", 1);
        MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf, dir.toAbsolutePath().toFile())
                .numDataNodes(1).format(true).build();
        try {
            cluster.waitActive();
            return new MiniHdfs(cluster);
        } catch (IOException | RuntimeException e) {
            cluster.shutdown(true);
            throw e;
        }
    }

    /** hdfs://127.0.0.1:PORT */
    URI uri() {
        return uri;
    }

    /** The full URI of an absolute HDFS path: {@code path("/cs/samples")} is hdfs://127.0.0.1:PORT/cs/samples. */
    String path(String absolute) {
        if (!absolute.startsWith("/")) {
            throw new IllegalArgumentException("not an absolute path: " + absolute);
        }
        return uri + absolute;
    }

    /** Client settings for this HDFS: fs.defaultFS and replication 1 (there is one DataNode). */
    Configuration conf() {
        return new Configuration(conf);
    }

    FileSystem fileSystem() throws IOException {
        return FileSystem.get(uri, conf);
    }

    /** Copies a local file to an absolute HDFS path; returns its full URI. */
    String put(Path local, String absolute) throws IOException {
        org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(path(absolute));
        fileSystem().copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(local.toUri()), target);
        return target.toString();
    }

    /** core-site.xml and hdfs-site.xml in {@code dir}, for HADOOP_CONF_DIR (or a class path entry) of other JVMs. */
    Path writeSiteFiles(Path dir) throws IOException {
        Files.createDirectories(dir);
        Configuration core = new Configuration(false);
        core.set("fs.defaultFS", uri.toString());
        write(core, dir.resolve("core-site.xml"));
        Configuration hdfs = new Configuration(false);
        hdfs.set("dfs.replication", "1");
        write(hdfs, dir.resolve("hdfs-site.xml"));
        return dir;
    }

    private static void write(Configuration c, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            c.writeXml(out);
        }
    }

    private static Configuration clientConf(URI uri) {
        Configuration c = new Configuration();
        c.set("fs.defaultFS", uri.toString());
        c.setInt("dfs.replication", 1);
        return c;
    }

    @Override
    public void close() {
        cluster.shutdown(true);
    }
}
