package dev.coreset.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coreset.schemas.ManifestMetadata;
import dev.coreset.schemas.ManifestReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The distribution against a real HDFS (MiniDFSCluster in this JVM, {@link MiniHdfs}): the digits CSV is put into
 * HDFS, and ingest, train, score, a facility-location selection and CLD read and write only hdfs:// paths, once in
 * local mode and once on a standalone master with two workers (separate JVMs), each as one `coreset run`
 * submission; then `manifest validate` is submitted on the cluster's manifests. Both runs must give the same
 * manifests, and nothing of either may land on the local disk. Wall times go to target/it-hdfs/timings.txt.
 */
class HdfsClusterIT {
    private static final String ROOT = "/coreset-hdfs-it";
    private static final List<String> MANIFESTS = List.of("fl", "cld");
    private static final List<String> OUTPUTS = List.of("samples", "run", "scores", "fl", "cld", "dynamics");

    private static Path it;
    private static MiniHdfs hdfs;
    private static Submit submit;
    private static Path sparkHome;

    @BeforeAll
    static void startHdfs() throws IOException {
        // A sibling of StandaloneClusterIT's folder, which that test deletes first.
        it = Path.of(System.getProperty("coreset.it.dir")).resolveSibling("it-hdfs");
        PipelineRuns.deleteTree(it);
        hdfs = MiniHdfs.start(it.resolve("hdfs-storage"));
        sparkHome = StandaloneCluster.sparkHome(it.resolve("spark-home"), Path.of(System.getProperty("coreset.spark.classpath")));
        submit = new Submit(Path.of(System.getProperty("coreset.dist")), sparkHome, it.resolve("logs"), Map.of(
                "CORESET_DRIVER_MEMORY", "1g", "CORESET_DJL_CACHE_DIR", it.resolve("djl-cache").toString()));
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
        String input = hdfs.put(Path.of(System.getProperty("coreset.digits")), ROOT + "/input/digits.csv.gz");
        Path pipeline = Path.of(HdfsClusterIT.class.getResource("/digits-hdfs-pipeline.yaml").toURI());
        String local = hdfs.path(ROOT + "/local");
        String cluster = hdfs.path(ROOT + "/cluster");

        Map<String, Double> localTimes = PipelineRuns.run(submit, hdfsSettings(List.of("--master", "local[2]")), pipeline,
                List.of("root=" + local, "input=" + input), 5);
        Map<String, Double> clusterTimes;
        long start = System.nanoTime();
        try (StandaloneCluster c = StandaloneCluster.start(sparkHome, it.resolve("cluster-processes"), 2, 1, "1g",
                Duration.ofMinutes(3))) {
            double startup = (System.nanoTime() - start) / 1e9;
            List<String> args = hdfsSettings(PipelineRuns.standalone(c));
            clusterTimes = PipelineRuns.run(submit, args, pipeline, List.of("root=" + cluster, "input=" + input), 5);
            clusterTimes.put("cluster start (master + 2 workers)", startup);
            for (String m : MANIFESTS) {
                Submit.Result v = submit.run(args, List.of("manifest", "validate", cluster + "/" + m), PipelineRuns.RUN_TIMEOUT);
                assertEquals(0, v.exitCode(), "manifest validate " + m + ":\n" + v.tail());
                assertTrue(Files.readString(v.log()).contains(cluster + "/" + m + ": valid manifest"), v.tail());
            }
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
            List<String> localRows = PipelineRuns.manifestRows(local + "/" + m);
            assertFalse(localRows.isEmpty(), m + ": empty manifest");
            assertEquals(localRows, PipelineRuns.manifestRows(cluster + "/" + m), m + ": cluster manifest differs from local mode");
            ManifestMetadata lm = ManifestReader.open(local + "/" + m).metadata();
            ManifestMetadata cm = ManifestReader.open(cluster + "/" + m).metadata();
            assertEquals(lm.source.fingerprint, cm.source.fingerprint, m + ": source fingerprint");
        }
        assertNothingLocal();
    }

    /** A missing hdfs:// input is one line naming it, exit 2, no trace: for a Spark command and for ingest. */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void missingHdfsInputIsOneLineNamingIt() throws Exception {
        String missing = hdfs.path(ROOT + "/nowhere/scores");
        Submit.Result select = submit.run(hdfsSettings(List.of("--master", "local[1]")), List.of("select", "--scores",
                missing, "--method", "random", "--fraction", "0.1", "--out", hdfs.path(ROOT + "/nowhere/fl")),
                PipelineRuns.RUN_TIMEOUT);
        assertOneLineError(select, missing);

        String csv = hdfs.path(ROOT + "/nowhere/digits.csv");
        Submit.Result ingest = submit.run(hdfsSettings(List.of("--master", "local[1]")), List.of("ingest", "--format",
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
