package dev.coreset.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.coreset.schemas.ManifestReader;
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
 * What the cluster integration tests share: the Spark settings of a local-mode and a standalone submission, one
 * `coreset run` of a pipeline file with each stage's wall time, manifest rows to compare, the timings table.
 */
final class PipelineRuns {
    static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);
    private static final Pattern STAGE_DONE = Pattern.compile("== stage (\\d+) \\((\\w+)\\) done \\(([0-9.]+) s\\)");

    /** Settings every run shares, so the only difference between two runs is where the tasks run. */
    static final List<String> COMMON = List.of("--conf", "spark.ui.enabled=false",
            "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.sql.shuffle.partitions=4",
            // Several tasks per shuffle stage, and no waiting for locality, so both executors get work.
            "--conf", "spark.sql.adaptive.coalescePartitions.enabled=false", "--conf", "spark.locality.wait=0");

    private PipelineRuns() {
    }

    /** A client-mode submission to the cluster: one 1-core 512m executor per worker, tasks only once both are up. */
    static List<String> standalone(StandaloneCluster cluster) {
        return List.of("--master", cluster.masterUrl(), "--deploy-mode", "client",
                "--executor-memory", "512m", "--executor-cores", "1", "--total-executor-cores", "2",
                "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
                "--conf", "spark.scheduler.maxRegisteredResourcesWaitingTime=180s");
    }

    /**
     * One `coreset run` submission of {@code pipeline} with {@code vars} (name=value); asserts it exits 0 after
     * {@code stages} stages and returns the wall seconds of each stage (from its log) and of the submission.
     */
    static Map<String, Double> run(Submit submit, List<String> sparkArgs, Path pipeline, List<String> vars, int stages)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(COMMON);
        args.addAll(sparkArgs);
        args.addAll(List.of("--name", "coreset-pipeline"));
        List<String> command = new ArrayList<>(List.of("run", "--config", pipeline.toString()));
        for (String v : vars) {
            command.addAll(List.of("--var", v));
        }
        Submit.Result r = submit.run(args, command, RUN_TIMEOUT);
        assertEquals(0, r.exitCode(), "coreset run failed (" + r.log() + "):\n" + r.tail());
        Map<String, Double> times = new LinkedHashMap<>();
        Matcher m = STAGE_DONE.matcher(Files.readString(r.log(), StandardCharsets.ISO_8859_1));
        while (m.find()) {
            times.put("stage " + m.group(1) + " " + m.group(2), Double.parseDouble(m.group(3)));
        }
        assertEquals(stages, times.size(), "stages done: " + times);
        times.put("submission (JVM, Spark and executor start-up included)", r.seconds());
        return times;
    }

    /** A manifest's rows (local path or any Hadoop URI) as "id label weight", sorted by id. */
    static List<String> manifestRows(String manifest) {
        List<String> rows = new ArrayList<>();
        ManifestReader.open(manifest).forEach((id, label, weight) -> rows.add(id + " " + label + " " + weight));
        rows.sort(Comparator.comparingLong(r -> Long.parseLong(r.substring(0, r.indexOf(' ')))));
        return rows;
    }

    /** A tab-separated table of both runs' times, written to {@code file} and printed. */
    static void writeTimings(Path file, String localTitle, Map<String, Double> local, String clusterTitle,
                             Map<String, Double> cluster) throws IOException {
        Map<String, Map<String, Double>> columns = new LinkedHashMap<>();
        columns.put(localTitle, local);
        columns.put(clusterTitle, cluster);
        writeTimings(file, columns);
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
