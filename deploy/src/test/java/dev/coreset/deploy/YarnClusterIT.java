package dev.coreset.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The distribution on YARN: a MiniYARNCluster ({@link MiniYarn}: a ResourceManager and one NodeManager whose
 * containers are their own JVMs) on a MiniDFSCluster ({@link MiniHdfs}), both in this JVM. The digits fixture goes
 * through examples/digits-pipeline.yaml in local mode; its samples table and trained run are put on HDFS, and the
 * pipeline's score and facility-location select stages run again as one `coreset run` submitted with
 * `coreset-submit --master yarn`, reading and writing hdfs://: in client mode, and in cluster mode (the driver in
 * the YARN application master's container). Both manifests must equal local mode's. Wall times per stage go to
 * target/it-yarn/timings.txt (docs/BENCHMARKS.md).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class YarnClusterIT {
    private static final Pattern APP_ID = Pattern.compile("application_\\d+_\\d+");

    private Path it;
    private Path local;
    private Path subset;
    private MiniHdfs hdfs;
    private MiniYarn yarn;
    private PipelineRuns runs;
    private final Map<String, Map<String, Double>> timings = new LinkedHashMap<>();

    @BeforeAll
    void localRunThenClusters() throws Exception {
        it = Path.of(System.getProperty("coreset.it.dir")).resolveSibling("it-yarn");
        PipelineRuns localRuns = PipelineRuns.prepare(it);

        // Local mode first, without HADOOP_CONF_DIR: plain paths are local files.
        local = it.resolve("local");
        timings.put("local[2]", localRuns.runDigits(List.of("--master", "local[2]"), local));

        long start = System.nanoTime();
        hdfs = MiniHdfs.start(it.resolve("hdfs-storage"));
        yarn = MiniYarn.start(it.resolve("yarn"), hdfs.conf(), 6144, 4, Duration.ofMinutes(3));
        Path conf = hdfs.writeSiteFiles(it.resolve("hadoop-conf"));
        yarn.writeSiteFile(conf);
        timings.put("YARN client", new LinkedHashMap<>(Map.of("cluster start (HDFS + YARN)", (System.nanoTime() - start) / 1e9)));
        runs = localRuns.withEnv("HADOOP_CONF_DIR", conf.toString(), "logs-yarn")
                .withEnv("CORESET_NATIVE_JARS", localRuns.nativeJarsOnEveryNode(), "logs-yarn");
        // Stages 3 and 4 of 5: score and facility location.
        subset = PipelineRuns.stages(runs.digitsPipeline, 2, 4, it.resolve("score-select.json"));
        assertEquals("facility-location", new ObjectMapper().readTree(subset.toFile()).path("stages").get(1)
                .path("select").path("method").asText(), "the first select of " + runs.digitsPipeline);
    }

    @AfterAll
    void stopClusters() throws IOException {
        if (yarn != null) {
            System.out.println("YARN applications: " + yarn.applications());
            yarn.close();
        }
        if (hdfs != null) {
            hdfs.close();
        }
        PipelineRuns.writeTimings(it.resolve("timings.txt"), timings);
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void clientModeOnHdfsEqualsLocalMode() throws Exception {
        String root = copyInputsToHdfs("/client");
        Path events = it.resolve("events");
        List<String> args = new ArrayList<>(yarnArgs("client"));
        // Start tasks once both executors registered, so both get work; a local event log, by URI (the default
        // file system is HDFS now).
        args.addAll(List.of("--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
                "--conf", "spark.yarn.am.extraJavaOptions=" + StandaloneCluster.QUICK_JVM,
                "--conf", "spark.scheduler.maxRegisteredResourcesWaitingTime=180s"));
        args = PipelineRuns.withEventLog(args, events);
        timings.get("YARN client").putAll(runs.run(args, subset, List.of("root=" + root), 2));

        assertSameManifestAsLocal(root + "/fl", "client");
        // One YARN application; score and select ran their tasks on its executors, and both executors worked.
        List<EventLog> logs = EventLog.readAll(events);
        assertEquals(1, logs.size(), "one application for both stages");
        EventLog log = logs.get(0);
        System.out.println("tasks per command and executor: " + log.tasksPerCommand());
        assertEquals("SUCCEEDED", yarn.finalStatus(log.appId()), log.appId() + "; YARN says " + yarn.applications());
        Set<String> executors = new LinkedHashSet<>();
        for (String command : List.of("score", "select")) {
            Map<String, Integer> tasks = log.tasksPerCommand().getOrDefault(command, Map.of());
            assertFalse(tasks.isEmpty(), command + ": no tasks");
            assertFalse(tasks.containsKey("driver"), command + ": tasks on the driver " + tasks);
            executors.addAll(tasks.keySet());
        }
        assertEquals(2, executors.size(), "executors that ran tasks: " + executors);
    }

    /**
     * Cluster mode: the driver runs in the application master's container, so the pipeline file travels with
     * --files (into the container's working directory) and the stage times come from that container's stdout.
     * YARN reports the application FAILED if the driver calls System.exit, even with 0 (CoresetCli returns instead).
     */
    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void clusterModeOnHdfsEqualsLocalMode() throws Exception {
        String root = copyInputsToHdfs("/cluster");
        List<String> args = new ArrayList<>(PipelineRuns.COMMON);
        args.addAll(yarnArgs("cluster"));
        args.addAll(List.of("--files", subset.toString()));
        Submit.Result r = runs.submit.run(args, List.of("run", "--config", subset.getFileName().toString(), "--var", "root=" + root),
                PipelineRuns.RUN_TIMEOUT);
        Matcher id = APP_ID.matcher(Files.readString(r.log(), StandardCharsets.ISO_8859_1));
        assertTrue(id.find(), "no application id in " + r.log() + ":\n" + r.tail());
        Optional<Path> driverOut = amStdout(id.group());
        String driver = driverOut.isPresent() ? Files.readString(driverOut.get(), StandardCharsets.ISO_8859_1) : "(no AM stdout)";
        assertEquals(0, r.exitCode(), "yarn cluster submission failed (" + r.log() + "):\n" + r.tail() + "\ndriver stdout:\n" + driver);
        assertEquals("SUCCEEDED", yarn.finalStatus(id.group()), "YARN says " + yarn.applications());

        Map<String, Double> times = PipelineRuns.stageTimes(driver);
        assertEquals(2, times.size(), "stages done in the driver's stdout: " + driver);
        times.put(PipelineRuns.SUBMISSION, r.seconds());
        timings.put("YARN cluster", times);
        assertSameManifestAsLocal(root + "/fl", "cluster");
    }

    /** Submission settings of both modes: two 1-core 512m executors; Spark's jars (and the native jar) are already on the node. */
    private List<String> yarnArgs(String deployMode) {
        String javaHome = System.getProperty("java.home");
        return List.of("--master", "yarn", "--deploy-mode", deployMode,
                "--num-executors", "2", "--executor-cores", "1", "--executor-memory", "512m",
                // local: = this path on every node, so no submission zips and uploads SPARK_HOME/jars (400 MB).
                "--conf", "spark.yarn.jars=local:" + runs.sparkHome.resolve("jars") + "/*",
                "--conf", "spark.yarn.appMasterEnv.JAVA_HOME=" + javaHome, "--conf", "spark.executorEnv.JAVA_HOME=" + javaHome,
                "--conf", "spark.yarn.maxAppAttempts=1", "--conf", "spark.hadoop.dfs.replication=1");
    }

    /** Puts local mode's samples table and trained run under {@code dir} on HDFS; returns the pipeline's root. */
    private String copyInputsToHdfs(String dir) throws IOException {
        hdfs.put(local.resolve("samples"), dir + "/samples");
        hdfs.put(local.resolve("run"), dir + "/run");
        return hdfs.path(dir);
    }

    /** The manifest on HDFS selects what local mode's does. */
    private void assertSameManifestAsLocal(String manifest, String mode) {
        ManifestFiles.assertSameSelection(local.resolve("fl").toString(), manifest, mode + " mode against local mode");
    }

    /** The AM container's stdout (the driver's console in cluster mode), from the NodeManager's log folder. */
    private Optional<Path> amStdout(String appId) throws IOException {
        Path app = yarn.containerLogDir().resolve(appId);
        if (!Files.isDirectory(app)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.walk(app)) {
            return s.filter(p -> p.getFileName().toString().equals("stdout"))
                    .filter(p -> p.getParent().getFileName().toString().endsWith("_000001")).findFirst();
        }
    }
}
