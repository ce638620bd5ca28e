package dev.coreset.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The distribution on a real Spark standalone cluster against a real HDFS: a MiniDFSCluster in this JVM
 * ({@link MiniHdfs}), and a master and two workers (separate JVMs on 127.0.0.1, 1 core and 1 GB each). The digits
 * CSV is put into HDFS, and ingest, train, score, a facility-location selection and CLD read and write only HDFS, as
 * one `coreset run` application submitted with bin/coreset-submit, once in local mode and once on the cluster; then
 * `manifest validate` is submitted on the cluster's facility-location manifest. The local run names full hdfs://
 * URIs, the cluster run plain paths that {@code --conf spark.hadoop.fs.defaultFS} resolves (train and manifest run
 * without a SparkSession and must honour it too). Both runs must give the same manifests, nothing of either may land
 * on the local disk, and the cluster run's event log must show tasks of every Spark command on executors of both
 * workers. Wall times of both runs go to target/it-hdfs/timings.txt (docs/BENCHMARKS.md).
 */
class HdfsClusterIT {
    private static final String ROOT = "/coreset-hdfs-it";
    private static final List<String> MANIFESTS = List.of("fl", "cld");
    private static final List<String> OUTPUTS = List.of("samples", "run", "scores", "fl", "cld", "dynamics");

    private static Path it;
    private static MiniHdfs hdfs;
    private static PipelineRuns runs;

    @BeforeAll
    static void startHdfs() throws IOException {
        it = Path.of(System.getProperty("coreset.it.dir")).resolveSibling("it-hdfs");
        runs = PipelineRuns.prepare(it);
        hdfs = MiniHdfs.start(it.resolve("hdfs-storage"));
    }

    @AfterAll
    static void stopHdfs() {
        if (hdfs != null) {
            hdfs.close();
        }
    }

    @Test
    @Timeout(value = 25, unit = TimeUnit.MINUTES)
    void pipelineOnHdfsOnTwoWorkersEqualsLocalMode() throws Exception {
        String input = hdfs.put(runs.digits, ROOT + "/input/digits.csv.gz");
        Path pipeline = Path.of(HdfsClusterIT.class.getResource("/digits-hdfs-pipeline.yaml").toURI());
        String local = hdfs.path(ROOT + "/local");
        String cluster = hdfs.path(ROOT + "/cluster");

        Map<String, Double> localTimes = runs.run(hdfsSettings(List.of("--master", "local[2]")), pipeline,
                List.of("root=" + local, "input=" + input), 5);
        Path events = it.resolve("events");
        Map<String, Double> clusterTimes;
        List<Path> workerDirs;
        long start = System.nanoTime();
        try (StandaloneCluster c = StandaloneCluster.start(runs.sparkHome, it.resolve("cluster-processes"), 2, 1, "1g",
                Duration.ofMinutes(3))) {
            double startup = (System.nanoTime() - start) / 1e9;
            List<String> args = hdfsSettings(PipelineRuns.onCluster(c));
            args.addAll(List.of("--conf", "spark.hadoop.fs.defaultFS=" + hdfs.uri()));
            clusterTimes = runs.run(PipelineRuns.withEventLog(args, events), pipeline,
                    List.of("root=" + ROOT + "/cluster", "input=" + ROOT + "/input/digits.csv.gz"), 5);
            clusterTimes.put("cluster start (master + 2 workers)", startup);
            workerDirs = List.copyOf(c.workerDirs);
            // One manifest is enough to show the SparkSession-less command resolves plain paths on HDFS.
            String manifest = ROOT + "/cluster/fl";
            Submit.Result v = runs.submit.run(args, List.of("manifest", "validate", manifest), PipelineRuns.RUN_TIMEOUT);
            assertEquals(0, v.exitCode(), "manifest validate:\n" + v.tail());
            assertTrue(Files.readString(v.log()).contains(manifest + ": valid manifest"), v.tail());
        }
        PipelineRuns.writeTimings(it.resolve("timings.txt"), "local[2] on HDFS", localTimes,
                "standalone 2 workers on HDFS", clusterTimes);

        // Every output is on HDFS, published whole; the run folder holds the trainer's checkpoints.
        FileSystem fs = hdfs.fileSystem();
        for (String root : List.of(local, cluster)) {
            for (String out : OUTPUTS) {
                assertTrue(fs.exists(new org.apache.hadoop.fs.Path(root + "/" + out + "/_SUCCESS")), root + "/" + out);
            }
            List<String> checkpoints = Stream.of(fs.listStatus(new org.apache.hadoop.fs.Path(root + "/run")))
                    .map(f -> f.getPath().getName()).filter(n -> n.startsWith("epoch-")).sorted().toList();
            assertEquals(List.of("epoch-000", "epoch-001", "epoch-002"), checkpoints, root + "/run");
        }
        // The same manifests in both modes, read back from HDFS.
        for (String m : MANIFESTS) {
            ManifestFiles.assertSameSelection(local + "/" + m, cluster + "/" + m, m + " on the cluster against local mode");
        }
        assertNothingLocal();
        assertTasksOnBothWorkers(events, workerDirs);
    }

    /** One application; every Spark command in it ran tasks on executors of both workers. */
    private static void assertTasksOnBothWorkers(Path events, List<Path> workerDirs) throws IOException {
        List<EventLog> logs = EventLog.readAll(events);
        assertEquals(1, logs.size(), "one application for the whole pipeline");
        EventLog log = logs.get(0);
        System.out.println("tasks per command and executor: " + log.tasksPerCommand());
        for (String command : List.of("ingest", "score", "select")) {
            Map<String, Integer> tasks = log.tasksPerCommand().getOrDefault(command, Map.of());
            for (Path worker : workerDirs) {
                Set<String> launched = executorsLaunched(worker, log.appId());
                assertFalse(launched.isEmpty(), "no executor on " + worker.getFileName());
                long n = launched.stream().mapToInt(e -> tasks.getOrDefault(e, 0)).sum();
                assertTrue(n > 0, command + ": no task on " + worker.getFileName() + " (its executors " + launched
                        + ", tasks per executor " + tasks + ")");
            }
        }
    }

    /** Executor ids a worker launched for an application: its work dir holds one folder per executor. */
    private static Set<String> executorsLaunched(Path workerDir, String appId) throws IOException {
        Path app = workerDir.resolve(appId);
        if (!Files.isDirectory(app)) {
            return Set.of();
        }
        try (Stream<Path> s = Files.list(app)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    /** A missing hdfs:// input is one line naming it, exit 2, no trace: for a Spark command and for ingest. */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void missingHdfsInputIsOneLineNamingIt() throws Exception {
        String missing = hdfs.path(ROOT + "/nowhere/scores");
        Submit.Result select = runs.submit.run(hdfsSettings(List.of("--master", "local[1]")), List.of("select", "--scores",
                missing, "--method", "random", "--fraction", "0.1", "--out", hdfs.path(ROOT + "/nowhere/fl")),
                PipelineRuns.RUN_TIMEOUT);
        assertOneLineError(select, missing);

        String csv = hdfs.path(ROOT + "/nowhere/digits.csv");
        Submit.Result ingest = runs.submit.run(hdfsSettings(List.of("--master", "local[1]")), List.of("ingest", "--format",
                "csv", "--input", csv, "--label-column", "-1", "--out", hdfs.path(ROOT + "/nowhere/samples")),
                PipelineRuns.RUN_TIMEOUT);
        assertOneLineError(ingest, csv);
        // Ingest stages its raw rows beside --out (creating the parent folder) before it reads the file: that staging
        // must be gone, and neither output there.
        FileSystem fs = hdfs.fileSystem();
        org.apache.hadoop.fs.Path nowhere = new org.apache.hadoop.fs.Path(hdfs.path(ROOT + "/nowhere"));
        List<String> left = fs.exists(nowhere)
                ? Stream.of(fs.listStatus(nowhere)).map(f -> f.getPath().getName()).toList() : List.of();
        assertEquals(List.of(), left, "a refused command left output on HDFS");
    }

    private static void assertOneLineError(Submit.Result r, String path) throws IOException {
        String console = Files.readString(r.log(), StandardCharsets.ISO_8859_1);
        assertEquals(2, r.exitCode(), console);
        List<String> naming = console.lines().filter(l -> l.contains(path)).toList();
        assertEquals(1, naming.size(), "one line naming " + path + ":\n" + console);
        assertFalse(console.contains("\tat ") || console.contains("Exception"), "a stack trace on the console:\n" + console);
    }

    /** The Spark settings of every submission here: HDFS with its one DataNode. */
    private static List<String> hdfsSettings(List<String> sparkArgs) {
        List<String> args = new ArrayList<>(sparkArgs);
        args.addAll(List.of("--conf", "spark.hadoop.dfs.replication=1"));
        return args;
    }

    /**
     * Nothing of the runs was written to local disk: no table, manifest or checkpoint file under this test's folder
     * (outside HDFS's own storage), and no folder at the HDFS root's path on the local disk (where a job that took
     * the path of an hdfs:// URI as a local one would have written).
     */
    private static void assertNothingLocal() throws IOException {
        assertFalse(Files.exists(Path.of(ROOT)), "something was written to local " + ROOT);
        Path storage = it.resolve("hdfs-storage");
        try (Stream<Path> s = Files.walk(it)) {
            List<Path> leaked = s.filter(p -> !p.startsWith(storage)).filter(Files::isRegularFile).filter(p -> {
                String name = p.getFileName().toString();
                return name.endsWith(".parquet") || name.equals("_SUCCESS") || name.startsWith("_coreset")
                        || name.equals("training.json") || name.equals("checkpoint.json") || name.endsWith(".params");
            }).toList();
            assertEquals(List.of(), leaked, "outputs on the local disk");
        }
    }
}
