package dev.coreset.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coreset.schemas.ManifestMetadata;
import dev.coreset.schemas.ManifestReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The distribution on a real Spark standalone cluster: a master and two workers (separate JVMs on 127.0.0.1,
 * 1 core and 1 GB each) run ingest, train, score and two selections of the digits fixture, all stages of
 * examples/digits-pipeline.yaml in one `coreset run` application submitted with bin/coreset-submit. The manifests
 * must equal those of the same submission in local mode, and the event log must show tasks of every Spark command
 * on executors of both workers. Wall times of both runs go to target/it/timings.txt (docs/BENCHMARKS.md).
 */
class StandaloneClusterIT {
    private static final List<String> MANIFESTS = List.of("fl", "random");

    @Test
    @Timeout(value = 25, unit = TimeUnit.MINUTES)
    void pipelineOnTwoWorkersEqualsLocalMode() throws Exception {
        Path it = Path.of(System.getProperty("coreset.it.dir"));
        PipelineRuns.deleteTree(it);
        Path dist = Path.of(System.getProperty("coreset.dist"));
        Path sparkHome = StandaloneCluster.sparkHome(it.resolve("spark-home"), Path.of(System.getProperty("coreset.spark.classpath")));
        Path input = Files.createDirectories(it.resolve("input")).resolve("digits.csv.gz");
        Files.copy(Path.of(System.getProperty("coreset.digits")), input);
        Submit submit = new Submit(dist, sparkHome, it.resolve("logs"), Map.of("CORESET_DRIVER_MEMORY", "1g",
                "CORESET_DJL_CACHE_DIR", it.resolve("djl-cache").toString()));
        Path pipeline = dist.resolve("examples/digits-pipeline.yaml");

        Map<String, Double> localTimes = runPipeline(submit, List.of("--master", "local[2]"), pipeline, it.resolve("local"), input);

        Path events = Files.createDirectories(it.resolve("events"));
        Map<String, Double> clusterTimes;
        List<Path> workerDirs;
        long start = System.nanoTime();
        try (StandaloneCluster cluster = StandaloneCluster.start(sparkHome, it.resolve("cluster-processes"), 2, 1, "1g",
                Duration.ofMinutes(3))) {
            double startup = (System.nanoTime() - start) / 1e9;
            List<String> args = new ArrayList<>(PipelineRuns.standalone(cluster));
            args.addAll(List.of("--conf", "spark.eventLog.enabled=true", "--conf", "spark.eventLog.dir=" + events.toUri(),
                    "--conf", "spark.eventLog.compress=false", "--conf", "spark.eventLog.rolling.enabled=false"));
            clusterTimes = runPipeline(submit, args, pipeline, it.resolve("cluster"), input);
            clusterTimes.put("cluster start (master + 2 workers)", startup);
            workerDirs = List.copyOf(cluster.workerDirs);
        }
        PipelineRuns.writeTimings(it.resolve("timings.txt"), "local[2]", localTimes, "standalone 2 workers", clusterTimes);

        // (a) The same manifests: ids, labels and weights, and the same source fingerprint.
        for (String m : MANIFESTS) {
            List<String> local = PipelineRuns.manifestRows(it.resolve("local").resolve(m).toString());
            List<String> cluster = PipelineRuns.manifestRows(it.resolve("cluster").resolve(m).toString());
            assertFalse(local.isEmpty(), m + ": empty manifest");
            assertEquals(local, cluster, m + ": cluster manifest differs from local mode");
            ManifestMetadata lm = ManifestReader.open(it.resolve("local").resolve(m).toString()).metadata();
            ManifestMetadata cm = ManifestReader.open(it.resolve("cluster").resolve(m).toString()).metadata();
            assertEquals(lm.source.fingerprint, cm.source.fingerprint, m + ": source fingerprint");
            assertEquals(lm.budget.total, cm.budget.total, m + ": budget");
        }

        // (b) One application; every Spark command in it ran tasks on executors of both workers.
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

    /** One `coreset run` submission of the five-stage pipeline into {@code dir}. */
    private static Map<String, Double> runPipeline(Submit submit, List<String> sparkArgs, Path pipeline, Path dir,
                                                   Path input) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        return PipelineRuns.run(submit, sparkArgs, pipeline, List.of("root=" + dir, "input=" + input), 5);
    }

    /** Executor ids a worker launched for an application: its work dir holds one folder per executor. */
    private static Set<String> executorsLaunched(Path workerDir, String appId) throws IOException {
        Path app = workerDir.resolve(appId);
        if (!Files.isDirectory(app)) {
            return Set.of();
        }
        try (Stream<Path> s = Files.list(app)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        }
    }
}
