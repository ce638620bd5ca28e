package dev.coreset.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the cluster ITs share: a fresh test directory with a SPARK_HOME of the Maven jars and the digits fixture,
 * and `coreset-submit ... -- run --config examples/digits-pipeline.yaml` submitted into a root directory of its own.
 */
final class DigitsPipeline {
    static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);
    /** The pipeline's manifests (select stages' outputs under the root). */
    static final List<String> MANIFESTS = List.of("fl", "random");
    private static final Pattern STAGE_DONE = Pattern.compile("== stage (\\d+) \\((\\w+)\\) done \\(([0-9.]+) s\\)");

    /** Settings every run shares, so runs differ only in where the tasks run and what the test does to them. */
    private static final List<String> COMMON = List.of("--conf", "spark.ui.enabled=false",
            "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.sql.shuffle.partitions=4",
            // Several tasks per shuffle stage, and no waiting for locality, so both executors get work.
            "--conf", "spark.sql.adaptive.coalescePartitions.enabled=false", "--conf", "spark.locality.wait=0");

    final Path dir;
    final Path sparkHome;
    final Submit submit;
    private final Path pipeline;
    private final Path input;

    private DigitsPipeline(Path dir, Path sparkHome, Submit submit, Path pipeline, Path input) {
        this.dir = dir;
        this.sparkHome = sparkHome;
        this.submit = submit;
        this.pipeline = pipeline;
        this.input = input;
    }

    /** Empties {@code dir} and prepares it from the failsafe properties (see deploy/pom.xml). */
    static DigitsPipeline prepare(Path dir) throws IOException {
        deleteTree(dir);
        Path dist = Path.of(System.getProperty("coreset.dist"));
        Path sparkHome = StandaloneCluster.sparkHome(dir.resolve("spark-home"), Path.of(System.getProperty("coreset.spark.classpath")));
        Path input = Files.createDirectories(dir.resolve("input")).resolve("digits.csv.gz");
        Files.copy(Path.of(System.getProperty("coreset.digits")), input);
        Submit submit = new Submit(dist, sparkHome, dir.resolve("logs"), Map.of("CORESET_DRIVER_MEMORY", "1g",
                "CORESET_DJL_CACHE_DIR", dir.resolve("djl-cache").toString()));
        return new DigitsPipeline(dir, sparkHome, submit, dist.resolve("examples/digits-pipeline.yaml"), input);
    }

    /** Spark options for a client-mode run on {@code cluster}'s two 1-core workers, with its event log in {@code events}. */
    static List<String> onCluster(StandaloneCluster cluster, Path events) throws IOException {
        Files.createDirectories(events);
        return List.of("--master", cluster.masterUrl(), "--deploy-mode", "client",
                "--executor-memory", "512m", "--executor-cores", "1", "--total-executor-cores", "2",
                // Start tasks only once both executors registered.
                "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
                "--conf", "spark.scheduler.maxRegisteredResourcesWaitingTime=180s",
                "--conf", "spark.eventLog.enabled=true", "--conf", "spark.eventLog.dir=" + events.toUri(),
                "--conf", "spark.eventLog.compress=false", "--conf", "spark.eventLog.rolling.enabled=false");
    }

    /** One whole run into {@code root}; must exit 0. Returns wall seconds of each stage (from its log) and of the submission. */
    Map<String, Double> run(List<String> sparkArgs, Path root) throws IOException, InterruptedException {
        return finished(submit.await(start(sparkArgs, root), RUN_TIMEOUT));
    }

    /** Starts a run into {@code root} and returns at once. */
    Submit.Running start(List<String> sparkArgs, Path root) throws IOException {
        Files.createDirectories(root);
        List<String> args = new ArrayList<>(COMMON);
        args.addAll(sparkArgs);
        args.addAll(List.of("--name", "coreset-pipeline"));
        return submit.start(args, List.of("run", "--config", pipeline.toString(), "--var", "root=" + root,
                "--var", "input=" + input));
    }

    /** Checks that a run exited 0 and ran every stage; its stage times as {@link #run} gives them. */
    static Map<String, Double> finished(Submit.Result r) throws IOException {
        assertEquals(0, r.exitCode(), "coreset run failed (" + r.log() + "):\n" + r.tail());
        Map<String, Double> times = new LinkedHashMap<>();
        Matcher m = STAGE_DONE.matcher(Files.readString(r.log(), StandardCharsets.ISO_8859_1));
        while (m.find()) {
            times.put("stage " + m.group(1) + " " + m.group(2), Double.parseDouble(m.group(3)));
        }
        assertEquals(5, times.size(), "stages done: " + times);
        times.put("submission (JVM, Spark and executor start-up included)", r.seconds());
        return times;
    }

    /** A tab-separated table of two runs' times (stage, then one column per run), also printed. */
    static void writeTimings(Path file, String headA, Map<String, Double> a, String headB, Map<String, Double> b)
            throws IOException {
        StringBuilder sb = new StringBuilder("stage\t" + headA + "\t" + headB + "\n");
        Set<String> stages = new LinkedHashSet<>(a.keySet());
        stages.addAll(b.keySet());
        for (String s : stages) {
            sb.append(String.format(Locale.ROOT, "%s\t%s\t%s%n", s, fmt(a.get(s)), fmt(b.get(s))));
        }
        Files.writeString(file, sb);
        System.out.print(sb);
    }

    private static String fmt(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.1f", v);
    }

    static void deleteTree(Path dir) throws IOException {
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
