package dev.coreset.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
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
 * `coreset run --config PIPELINE` submitted the way every cluster IT does it: a fresh test directory with a
 * SPARK_HOME of the Maven jars and a copy of the digits fixture, the Spark settings all runs share, each stage's
 * wall time from the run's log, and the timings table the ITs write (docs/BENCHMARKS.md).
 */
final class PipelineRuns {
    static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);
    static final String SUBMISSION = "submission (JVM, Spark and executor start-up included)";
    private static final Pattern STAGE_DONE = Pattern.compile("== stage (\\d+) \\((\\w+)\\) done \\(([0-9.]+) s\\)");

    /** Settings every run shares, so runs differ only in where the tasks run and what the test does to them. */
    static final List<String> COMMON = List.of("--conf", "spark.ui.enabled=false",
            "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.sql.shuffle.partitions=4",
            // Several tasks per shuffle stage, and no waiting for locality, so both executors get work.
            "--conf", "spark.sql.adaptive.coalescePartitions.enabled=false", "--conf", "spark.locality.wait=0");

    final Path dir;
    final Path sparkHome;
    /** The local copy of the digits fixture. */
    final Path digits;
    /** examples/digits-pipeline.yaml of the distribution: ingest, train, score, facility location, random. */
    final Path digitsPipeline;
    final Submit submit;
    private final Path dist;
    private final Map<String, String> env;

    private PipelineRuns(Path dir, Path sparkHome, Path digits, Path dist, Map<String, String> env, String logs) {
        this.dir = dir;
        this.sparkHome = sparkHome;
        this.digits = digits;
        this.dist = dist;
        this.digitsPipeline = dist.resolve("examples/digits-pipeline.yaml");
        this.env = Map.copyOf(env);
        this.submit = new Submit(dist, sparkHome, dir.resolve(logs), this.env);
    }

    /** Empties {@code dir} and prepares it from the failsafe properties (see deploy/pom.xml). */
    static PipelineRuns prepare(Path dir) throws IOException {
        deleteTree(dir);
        Path sparkHome = StandaloneCluster.sparkHome(dir.resolve("spark-home"), Path.of(System.getProperty("coreset.spark.classpath")));
        Path digits = Files.createDirectories(dir.resolve("input")).resolve("digits.csv.gz");
        Files.copy(Path.of(System.getProperty("coreset.digits")), digits);
        return new PipelineRuns(dir, sparkHome, digits, Path.of(System.getProperty("coreset.dist")), Map.of(
                "CORESET_DRIVER_MEMORY", "1g", "CORESET_DJL_CACHE_DIR", dir.resolve("djl-cache").toString(),
                "CORESET_DRIVER_JAVA_OPTS", StandaloneCluster.QUICK_JVM, "CORESET_EXECUTOR_JAVA_OPTS", StandaloneCluster.QUICK_JVM),
                "logs");
    }

    /** The same directory and SPARK_HOME, submissions with {@code name=value} also in their environment, logs in {@code logs}. */
    PipelineRuns withEnv(String name, String value, String logs) {
        Map<String, String> more = new HashMap<>(env);
        more.put(name, value);
        return new PipelineRuns(dir, sparkHome, digits, dist, more, logs);
    }

    /**
     * The distribution's native jars as {@code local:} URIs (CORESET_NATIVE_JARS), for nodes that share this disk: a
     * YARN application then neither uploads the 110 MB PyTorch jar to HDFS staging nor localizes it per container.
     */
    String nativeJarsOnEveryNode() throws IOException {
        try (Stream<Path> s = Files.list(dist.resolve("lib/native"))) {
            List<String> jars = s.filter(p -> p.toString().endsWith(".jar")).sorted().map(p -> "local:" + p.toAbsolutePath()).toList();
            if (jars.isEmpty()) {
                throw new IllegalStateException("no native jar in " + dist.resolve("lib/native"));
            }
            return String.join(",", jars);
        }
    }

    /** Spark options for a client-mode run on {@code cluster}'s two 1-core workers: one 512m executor on each. */
    static List<String> onCluster(StandaloneCluster cluster) {
        return List.of("--master", cluster.masterUrl(), "--deploy-mode", "client",
                "--executor-memory", "512m", "--executor-cores", "1", "--total-executor-cores", "2",
                // Start tasks only once both executors registered.
                "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
                "--conf", "spark.scheduler.maxRegisteredResourcesWaitingTime=180s");
    }

    /** {@code sparkArgs} plus an uncompressed, single-file event log in {@code events} (a local folder, by URI). */
    static List<String> withEventLog(List<String> sparkArgs, Path events) throws IOException {
        Files.createDirectories(events);
        List<String> args = new ArrayList<>(sparkArgs);
        args.addAll(List.of("--conf", "spark.eventLog.enabled=true", "--conf", "spark.eventLog.dir=" + events.toUri(),
                "--conf", "spark.eventLog.compress=false", "--conf", "spark.eventLog.rolling.enabled=false"));
        return args;
    }

    /** The digits pipeline, all five stages, on the digits copy into {@code root}; see {@link #run}. */
    Map<String, Double> runDigits(List<String> sparkArgs, Path root) throws IOException, InterruptedException {
        Files.createDirectories(root);
        return run(sparkArgs, digitsPipeline, List.of("root=" + root, "input=" + digits), 5);
    }

    /**
     * One submission of {@code pipeline} with {@code vars} (name=value); asserts it exits 0 after {@code stages}
     * stages and returns the wall seconds of each stage (from its log, by command) and of the submission.
     */
    Map<String, Double> run(List<String> sparkArgs, Path pipeline, List<String> vars, int stages)
            throws IOException, InterruptedException {
        return finished(submit.await(start(sparkArgs, pipeline, vars), RUN_TIMEOUT), stages);
    }

    /** Starts a submission of {@code pipeline} with {@code vars} and returns at once. */
    Submit.Running start(List<String> sparkArgs, Path pipeline, List<String> vars) throws IOException {
        List<String> args = new ArrayList<>(COMMON);
        args.addAll(sparkArgs);
        args.addAll(List.of("--name", "coreset-pipeline"));
        List<String> command = new ArrayList<>(List.of("run", "--config", pipeline.toString()));
        for (String v : vars) {
            command.addAll(List.of("--var", v));
        }
        return submit.start(args, command);
    }

    /** Checks that a run exited 0 after {@code stages} stages; its times as {@link #run} gives them. */
    static Map<String, Double> finished(Submit.Result r, int stages) throws IOException {
        assertEquals(0, r.exitCode(), "coreset run failed (" + r.log() + "):\n" + r.tail());
        Map<String, Double> times = stageTimes(Files.readString(r.log(), StandardCharsets.ISO_8859_1));
        assertEquals(stages, times.size(), "stages done: " + times);
        times.put(SUBMISSION, r.seconds());
        return times;
    }

    /**
     * Wall seconds of each stage a run's console reports done, by command, not position, so that runs of different
     * stage lists line up in one table; a second select is "select #2".
     */
    static Map<String, Double> stageTimes(String console) {
        Map<String, Double> times = new LinkedHashMap<>();
        Matcher m = STAGE_DONE.matcher(console);
        while (m.find()) {
            times.put(times.containsKey(m.group(2)) ? m.group(2) + " #2" : m.group(2), Double.parseDouble(m.group(3)));
        }
        return times;
    }

    /** Stages {@code from} (inclusive) to {@code to} (exclusive) of {@code pipeline}, as a pipeline file (JSON) {@code out}. */
    static Path stages(Path pipeline, int from, int to, Path out) throws IOException {
        JsonNode all = new ObjectMapper(new YAMLFactory()).readTree(pipeline.toFile());
        ObjectMapper json = new ObjectMapper();
        ArrayNode stages = json.createArrayNode();
        for (int i = from; i < to; i++) {
            stages.add(all.path("stages").get(i));
        }
        ObjectNode subset = json.createObjectNode();
        subset.set("stages", stages);
        json.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), subset);
        return out;
    }

    /** A tab-separated table, one column of seconds per run (title to times), written to {@code file} and printed. */
    static void writeTimings(Path file, Map<String, Map<String, Double>> columns) throws IOException {
        StringBuilder sb = new StringBuilder("stage");
        columns.keySet().forEach(title -> sb.append('\t').append(title).append(" s"));
        sb.append('\n');
        Set<String> stages = new LinkedHashSet<>();
        columns.values().forEach(t -> stages.addAll(t.keySet()));
        for (String s : stages) {
            sb.append(s);
            columns.values().forEach(t -> sb.append('\t').append(seconds(t.get(s))));
            sb.append('\n');
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, sb);
        System.out.print(sb);
    }

    /** Two runs' columns, in this order. */
    static void writeTimings(Path file, String titleA, Map<String, Double> a, String titleB, Map<String, Double> b)
            throws IOException {
        Map<String, Map<String, Double>> columns = new LinkedHashMap<>();
        columns.put(titleA, a);
        columns.put(titleB, b);
        writeTimings(file, columns);
    }

    private static String seconds(Double v) {
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
