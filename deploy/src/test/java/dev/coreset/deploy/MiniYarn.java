package dev.coreset.deploy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

/**
 * A real YARN inside the test JVM: Hadoop's MiniYARNCluster (a ResourceManager and one NodeManager on 127.0.0.1)
 * whose containers are separate JVMs the NodeManager launches, as on a cluster node. It uses the HDFS given to
 * {@link #start} as its default file system, so spark-submit stages the application there. {@link #writeSiteFile}
 * gives clients (spark-submit) the yarn-site.xml of HADOOP_CONF_DIR. Settings follow Spark's own YARN test suite:
 * FIFO scheduler, no memory checks on containers, no disk-fullness check (the disk is shared with other builds).
 */
final class MiniYarn implements AutoCloseable {
    private final MiniYARNCluster cluster;
    private final Path dir;

    private MiniYarn(MiniYARNCluster cluster, Path dir) {
        this.cluster = cluster;
        this.dir = dir;
    }

    /** Starts a ResourceManager and one NodeManager offering {@code memoryMb} and {@code vcores}; waits for both. */
    static MiniYarn start(Path dir, Configuration hdfs, int memoryMb, int vcores, Duration timeout)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        YarnConfiguration conf = new YarnConfiguration(hdfs);
        conf.set(YarnConfiguration.RM_HOSTNAME, "127.0.0.1");
        conf.set(YarnConfiguration.RM_SCHEDULER, "org.apache.hadoop.yarn.server.resourcemanager.scheduler.fifo.FifoScheduler");
        conf.setInt(YarnConfiguration.NM_PMEM_MB, memoryMb);
        conf.setInt(YarnConfiguration.NM_VCORES, vcores);
        conf.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 128);
        conf.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_MB, memoryMb);
        conf.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false);
        conf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
        conf.setFloat(YarnConfiguration.NM_MAX_PER_DISK_UTILIZATION_PERCENTAGE, 100.0f);
        // Container logs stay in the node's log folder (under dir) instead of being aggregated to HDFS.
        conf.setBoolean(YarnConfiguration.LOG_AGGREGATION_ENABLED, false);
        conf.setLong(YarnConfiguration.DEBUG_NM_DELETE_DELAY_SEC, 600);
        System.setProperty("test.build.data", dir.toAbsolutePath().toString()); // MiniYARNCluster's base folder
        MiniYARNCluster cluster = new MiniYARNCluster("coreset-yarn-it", 1, 1, 1);
        MiniYarn yarn = new MiniYarn(cluster, dir);
        try {
            cluster.init(conf);
            cluster.start();
            yarn.awaitReady(timeout);
            return yarn;
        } catch (InterruptedException | RuntimeException e) {
            yarn.close();
            throw e;
        }
    }

    /** start() may return before the RM wrote its real port into the config or the NM registered. */
    private void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            boolean rmUp = !cluster.getConfig().get(YarnConfiguration.RM_ADDRESS, ":0").endsWith(":0");
            if (rmUp && !cluster.getResourceManager().getRMContext().getRMNodes().isEmpty()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("YARN did not come up within " + timeout + "; its directories are in " + dir);
    }

    /** yarn-site.xml in {@code confDir} with the running RM's addresses (every yarn.* setting of the cluster). */
    Path writeSiteFile(Path confDir) throws IOException {
        Files.createDirectories(confDir);
        Configuration site = new Configuration(false);
        for (Map.Entry<String, String> e : cluster.getConfig()) {
            if (e.getKey().startsWith("yarn.")) {
                site.set(e.getKey(), e.getValue());
            }
        }
        Path file = confDir.resolve("yarn-site.xml");
        try (OutputStream out = Files.newOutputStream(file)) {
            site.writeXml(out);
        }
        return file;
    }

    /** The final state of every application the RM saw, e.g. "application_1_0001 FINISHED SUCCEEDED". */
    List<String> applications() {
        return cluster.getResourceManager().getRMContext().getRMApps().values().stream()
                .map(a -> a.getApplicationId() + " " + a.getState() + " " + a.getFinalApplicationStatus())
                .sorted().toList();
    }

    /** The outcome an application reported (SUCCEEDED, FAILED, KILLED, UNDEFINED), or "unknown" for an unknown id. */
    String finalStatus(String appId) {
        return cluster.getResourceManager().getRMContext().getRMApps().values().stream()
                .filter(a -> a.getApplicationId().toString().equals(appId))
                .map(a -> a.getFinalApplicationStatus().toString()).findFirst().orElse("unknown");
    }

    /** Where the NodeManager keeps container logs: {@code <dir>/<app id>/<container id>/{stdout,stderr}}. */
    Path containerLogDir() {
        return Path.of(cluster.getNodeManager(0).getConfig().get(YarnConfiguration.NM_LOG_DIRS).split(",")[0]);
    }

    @Override
    public void close() {
        cluster.stop();
    }
}
