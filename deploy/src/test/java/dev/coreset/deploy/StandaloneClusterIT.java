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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);
    private static final List<String> MANIFESTS = List.of("fl", "random");
    private static final Pattern STAGE_DONE = Pattern.compile("== stage (\\d+) \\((\\w+)\\) done \\(([0-9.]+) s\\)");

    /** Settings both runs share, so the only difference is where the tasks run. */
    private static final List<String> COMMON = List.of("--conf", "spark.ui.enabled=false",
            "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.sql.shuffle.partitions=4",
            // Several tasks per shuffle stage, and no waiting for locality, so both executors get work.
            "--conf", "spark.sql.adaptive.coalescePartitions.enabled=false", "--conf", "spark.locality.wait=0");

    @Test
    @Timeout(value = 25, unit = TimeUnit.MINUTES)
    void pipelineOnTwoWorkersEqualsLocalMode() throws Exception {
        Path it = Path.of(System.getProperty("coreset.it.dir"));
        deleteTree(it);
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
            List<String> args = List.of("--master", cluster.masterUrl(), "--deploy-mode", "client",
                    "--executor-memory", "512m", "--executor-cores", "1", "--total-executor-cores", "2",
                    // Start tasks only once both executors registered.
                    "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
                    "--conf", "spark.scheduler.maxRegisteredResourcesWaitingTime=180s",
                    "--conf", "spark.eventLog.enabled=true", "--conf", "spark.eventLog.dir=" + events.toUri(),
                    "--conf", "spark.eventLog.compress=false", "--conf", "spark.eventLog.rolling.enabled=false");
            clusterTimes = runPipeline(submit, args, pipeline, it.resolve("cluster"), input);
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

    /** One `coreset run` submission; returns wall seconds of each stage (from its log) and of the submission. */
    private static Map<String, Double> runPipeline(Submit submit, List<String> sparkArgs, Path pipeline, Path dir,
                                                   Path input) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        List<String> args = new ArrayList<>(COMMON);
        args.addAll(sparkArgs);
        args.addAll(List.of("--name", "coreset-pipeline"));
        Submit.Result r = submit.run(args, List.of("run", "--config", pipeline.toString(), "--var", "root=" + dir,
                "--var", "input=" + input), RUN_TIMEOUT);
        assertEquals(0, r.exitCode(), "coreset run failed (" + r.log() + "):\n" + r.tail());
        Map<String, Double> times = new LinkedHashMap<>();
        Matcher m = STAGE_DONE.matcher(Files.readString(r.log(), java.nio.charset.StandardCharsets.ISO_8859_1));
        while (m.find()) {
            times.put("stage " + m.group(1) + " " + m.group(2), Double.parseDouble(m.group(3)));
        }
        assertEquals(5, times.size(), "stages done: " + times);
        times.put("submission (JVM, Spark and executor start-up included)", r.seconds());
        return times;
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
