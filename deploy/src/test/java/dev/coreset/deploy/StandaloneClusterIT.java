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
import java.util.Comparator;
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
    @Test
    @Timeout(value = 25, unit = TimeUnit.MINUTES)
    void pipelineOnTwoWorkersEqualsLocalMode() throws Exception {
        Path it = Path.of(System.getProperty("coreset.it.dir"));
        DigitsPipeline pipeline = DigitsPipeline.prepare(it);

        Map<String, Double> localTimes = pipeline.run(List.of("--master", "local[2]"), it.resolve("local"));

        Path events = it.resolve("events");
        Map<String, Double> clusterTimes;
        List<Path> workerDirs;
        long start = System.nanoTime();
        try (StandaloneCluster cluster = StandaloneCluster.start(pipeline.sparkHome, it.resolve("cluster-processes"), 2, 1, "1g",
                Duration.ofMinutes(3))) {
            double startup = (System.nanoTime() - start) / 1e9;
            clusterTimes = pipeline.run(DigitsPipeline.onCluster(cluster, events), it.resolve("cluster"));
            clusterTimes.put("cluster start (master + 2 workers)", startup);
            workerDirs = List.copyOf(cluster.workerDirs);
        }
        DigitsPipeline.writeTimings(it.resolve("timings.txt"), "local[2] s", localTimes, "standalone 2 workers s", clusterTimes);

        // (a) The same manifests: ids, labels and weights, and the same source fingerprint.
        for (String m : DigitsPipeline.MANIFESTS) {
            List<String> local = rows(it.resolve("local").resolve(m));
            List<String> cluster = rows(it.resolve("cluster").resolve(m));
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

    /** Manifest rows as "id label weight", sorted by id. */
    private static List<String> rows(Path manifest) {
        List<String> rows = new ArrayList<>();
        ManifestReader.open(manifest.toString()).forEach((id, label, weight) -> rows.add(id + " " + label + " " + weight));
        rows.sort(Comparator.comparingLong(r -> Long.parseLong(r.substring(0, r.indexOf(' ')))));
        return rows;
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
