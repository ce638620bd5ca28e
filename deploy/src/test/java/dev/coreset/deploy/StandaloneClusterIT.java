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
import java.util.LinkedHashMap;
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
 * 1 core and 1 GB each) run ingest, score and select of the digits fixture through bin/coreset-submit, and the
 * manifests must equal those of the same commands in local mode; the event logs must show tasks on executors
 * of both workers. Wall times of both runs are written to target/it/timings.txt (docs/BENCHMARKS.md).
 */
class StandaloneClusterIT {
    private static final Duration STAGE_TIMEOUT = Duration.ofMinutes(8);

    /** The stages, with {dir} for the run's directory and {input} for the digits CSV. */
    static final List<List<String>> PIPELINE = List.of(
            List.of("ingest", "--format", "csv", "--input", "{input}", "--label-column", "-1", "--test-fraction", "0.1",
                    "--seed", "7", "--out", "{dir}/samples"),
            List.of("train", "--samples", "{dir}/samples", "--model", "mlp", "--hidden", "32", "--epochs", "2",
                    "--batch-size", "64", "--seed", "3", "--out", "{dir}/run"),
            List.of("score", "--samples", "{dir}/samples", "--checkpoints", "{dir}/run", "--splits", "train,val",
                    "--embedding", "logits-grad", "--partitions", "2", "--out", "{dir}/scores"),
            List.of("select", "--scores", "{dir}/scores", "--method", "facility-location", "--fraction", "0.1",
                    "--partition-size", "64", "--seed", "5", "--out", "{dir}/fl"),
            List.of("select", "--scores", "{dir}/scores", "--method", "random", "--fraction", "0.1", "--seed", "5",
                    "--out", "{dir}/random"));
    private static final List<String> MANIFESTS = List.of("fl", "random");

    /** Settings both runs share, so the only difference is where the tasks run. */
    private static final List<String> COMMON = List.of("--conf", "spark.ui.enabled=false",
            "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.sql.shuffle.partitions=4",
            // Several tasks per shuffle stage, and no waiting for locality, so both executors get work.
            "--conf", "spark.sql.adaptive.coalescePartitions.enabled=false", "--conf", "spark.locality.wait=0");

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void pipelineOnTwoWorkersEqualsLocalMode() throws Exception {
        Path it = Path.of(System.getProperty("coreset.it.dir"));
        deleteTree(it);
        Path dist = Path.of(System.getProperty("coreset.dist"));
        Path sparkHome = StandaloneCluster.sparkHome(it.resolve("spark-home"), Path.of(System.getProperty("coreset.spark.classpath")));
        Path input = Files.createDirectories(it.resolve("input")).resolve("digits.csv.gz");
        Files.copy(Path.of(System.getProperty("coreset.digits")), input);
        Submit submit = new Submit(dist, sparkHome, it.resolve("logs"), Map.of("CORESET_DRIVER_MEMORY", "1g",
                "CORESET_DJL_CACHE_DIR", it.resolve("djl-cache").toString()));

        Map<String, Double> localTimes = runPipeline(submit, List.of("--master", "local[2]"), it.resolve("local"), input);

        Path events = Files.createDirectories(it.resolve("events"));
        Map<String, Double> clusterTimes;
        List<Path> workerDirs;
        long start = System.nanoTime();
        try (StandaloneCluster cluster = StandaloneCluster.start(sparkHome, it.resolve("cluster-processes"), 2, 1, "1g",
                Duration.ofMinutes(2))) {
            double startup = (System.nanoTime() - start) / 1e9;
            List<String> args = List.of("--master", cluster.masterUrl(), "--deploy-mode", "client",
                    "--executor-memory", "512m", "--executor-cores", "1", "--total-executor-cores", "2",
                    // Start tasks only once both executors registered.
                    "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
                    "--conf", "spark.scheduler.maxRegisteredResourcesWaitingTime=120s",
                    "--conf", "spark.eventLog.enabled=true", "--conf", "spark.eventLog.dir=" + events.toUri(),
                    "--conf", "spark.eventLog.compress=false", "--conf", "spark.eventLog.rolling.enabled=false");
            clusterTimes = runPipeline(submit, args, it.resolve("cluster"), input);
            clusterTimes.put("cluster start (master + 2 workers)", startup);
            workerDirs = List.copyOf(cluster.workerDirs);
        }
        writeTimings(it.resolve("timings.txt"), localTimes, clusterTimes);

        // (a) The same manifests: ids, labels and weights, and the same source fingerprint.
        for (String m : MANIFESTS) {
            List<String> local = rows(it.resolve("local").resolve(m));
            List<String> cluster = rows(it.resolve("cluster").resolve(m));
            assertFalse(local.isEmpty(), m + ": empty manifest");
            assertEquals(local, cluster, m + ": cluster manifest differs from local mode");
            ManifestMetadata lm = ManifestReader.open(it.resolve("local").resolve(m).toString()).metadata();
            ManifestMetadata cm = ManifestReader.open(it.resolve("cluster").resolve(m).toString()).metadata();
            assertEquals(lm.source.fingerprint, cm.source.fingerprint, m + ": source fingerprint");
            assertEquals(lm.budget.total, cm.budget.total, m + ": budget");
        }

        // (b) Every Spark application ran tasks on executors of both workers.
        List<EventLog> logs = EventLog.readAll(events);
        Set<String> apps = new TreeSet<>();
        for (EventLog log : logs) {
            apps.add(log.appName());
            for (Path worker : workerDirs) {
                Set<String> launched = executorsLaunched(worker, log.appId());
                assertFalse(launched.isEmpty(), log.appName() + ": no executor on " + worker.getFileName());
                long tasks = launched.stream().mapToInt(e -> log.tasksPerExecutor().getOrDefault(e, 0)).sum();
                assertTrue(tasks > 0, log.appName() + ": no task on " + worker.getFileName() + " (executors " + launched
                        + ", tasks per executor " + log.tasksPerExecutor() + ")");
            }
        }
        assertEquals(Set.of("coreset-ingest", "coreset-score", "coreset-select-fl", "coreset-select-random"), apps,
                "event logs of the Spark stages (train runs on the driver alone)");
    }

    /** Runs every stage through coreset-submit; returns wall seconds per stage and in total. */
    private static Map<String, Double> runPipeline(Submit submit, List<String> sparkArgs, Path dir, Path input)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Map<String, Double> times = new LinkedHashMap<>();
        double total = 0;
        for (List<String> stage : PIPELINE) {
            List<String> command = stage.stream().map(a -> a.replace("{dir}", dir.toString())
                    .replace("{input}", input.toString())).toList();
            String name = stageName(command);
            List<String> args = new ArrayList<>(COMMON);
            args.addAll(sparkArgs);
            args.addAll(List.of("--name", name));
            Submit.Result r = submit.run(args, command, STAGE_TIMEOUT);
            assertEquals(0, r.exitCode(), name + " failed (" + r.log() + "):\n" + r.tail());
            times.put(name, r.seconds());
            total += r.seconds();
        }
        times.put("total", total);
        return times;
    }

    private static String stageName(List<String> command) {
        String name = "coreset-" + command.get(0);
        int method = command.indexOf("--method");
        if (method >= 0) {
            String m = command.get(method + 1);
            name += "-" + (m.equals("facility-location") ? "fl" : m);
        }
        return name;
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

    private static void writeTimings(Path file, Map<String, Double> local, Map<String, Double> cluster) throws IOException {
        StringBuilder sb = new StringBuilder("stage\tlocal[2] s\tstandalone 2 workers s\n");
        Set<String> stages = new java.util.LinkedHashSet<>(local.keySet());
        stages.addAll(cluster.keySet());
        for (String s : stages) {
            sb.append(String.format(java.util.Locale.ROOT, "%s\t%s\t%s%n", s, fmt(local.get(s)), fmt(cluster.get(s))));
        }
        Files.writeString(file, sb);
        System.out.print(sb);
    }

    private static String fmt(Double v) {
        return v == null ? "-" : String.format(java.util.Locale.ROOT, "%.1f", v);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
