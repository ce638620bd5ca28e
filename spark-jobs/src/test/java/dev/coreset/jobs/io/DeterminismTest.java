package dev.coreset.jobs.io;

import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.CliScript;
import dev.coreset.jobs.JavaProcess;
import dev.coreset.jobs.PipelineFixture;
import dev.coreset.jobs.SparkTestSession;
import dev.coreset.jobs.TableDigest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Same inputs, parameters and seed give the same outputs: every selection method, the CLD dynamics and the
 * scores table, run in this JVM (shared session, local[2,2], 4 shuffle partitions) and again in a second JVM on
 * local[1] with 3 shuffle partitions and 64 KB input splits, so tasks see different partitions, orders and batch
 * boundaries; the seeded methods (random, stochastic greedy) also run twice in this session. A subprocess is the cheaper of the two ways to get a second master: one JVM start for all the
 * local[1] runs, no extra surefire fork configuration, and it runs while this JVM does its own runs.
 */
class DeterminismTest {
    @TempDir
    Path tmp;

    private final SparkSession spark = SparkTestSession.get();
    private final PipelineFixture fixture = PipelineFixture.get();

    /** Output name to the command line that writes it under {@code dir}. */
    private Map<String, List<String>> commands(Path dir) {
        Map<String, List<String>> c = new LinkedHashMap<>();
        c.put("scores", List.of("score", "--samples", fixture.samples.toString(), "--checkpoints", fixture.run.toString(),
                "--embedding", "logits-grad", "--batch-size", "128", "--out", dir.resolve("scores").toString()));
        for (String method : List.of("random", "loss", "el2n", "margin", "forgetting", "facility-location", "kcenter")) {
            c.put(method, List.of("select", "--scores", fixture.scores.toString(), "--method", method, "--fraction",
                    "0.1", "--partition-size", "80", "--seed", "7", "--out", dir.resolve(method).toString()));
        }
        c.put("facility-location-stochastic", List.of("select", "--scores", fixture.scores.toString(), "--method",
                "facility-location", "--optimizer", "stochastic", "--epsilon", "0.05", "--fraction", "0.1",
                "--partition-size", "80", "--seed", "7", "--out", dir.resolve("facility-location-stochastic").toString()));
        c.put("cld", List.of("cld", "--scores", fixture.scores.toString(), "--fraction", "0.1", "--out",
                dir.resolve("cld").toString(), "--dynamics-out", dir.resolve("dynamics").toString()));
        return c;
    }

    private static final List<String> OTHER_SESSION = List.of("--master", "local[1]", "--conf",
            "spark.sql.shuffle.partitions=3", "--conf", "spark.sql.files.maxPartitionBytes=65536", "--no-progress");

    /** The seeded methods, run a second time in this session too (the others have no seed to go wrong). */
    private static final List<String> SEEDED = List.of("random", "facility-location-stochastic");

    private void runHere(Path dir, java.util.Collection<String> names) {
        for (String name : names) {
            List<String> cmd = commands(dir).get(name);
            List<String> args = new ArrayList<>(cmd);
            args.add("--no-progress");
            CliRun r = CliRun.of(args.toArray(String[]::new));
            assertEquals(0, r.exitCode(), String.join(" ", cmd) + "\n" + r.err());
        }
    }

    private TableDigest digest(Path dir, String name) {
        return name.equals("scores") ? TableDigest.table(spark, dir.resolve(name), "sample_id", "checkpoint")
                : TableDigest.manifest(dir.resolve(name));
    }

    @Test
    void twoRunsAndTwoMastersGiveIdenticalOutputs() throws Exception {
        Path other = Files.createDirectories(tmp.resolve("local1"));
        Path script = tmp.resolve("script.tsv");
        List<String> lines = new ArrayList<>();
        for (List<String> cmd : commands(other).values()) {
            List<String> args = new ArrayList<>(cmd);
            args.addAll(OTHER_SESSION);
            lines.add(String.join("\t", args));
        }
        Files.write(script, lines);
        try (JavaProcess local1 = JavaProcess.start(tmp, List.of(), CliScript.class.getName(),
                List.of(script.toString()))) {
            Path first = tmp.resolve("run1");
            Path second = tmp.resolve("run2");
            runHere(first, commands(first).keySet());
            runHere(second, SEEDED);
            assertEquals(0, local1.waitFor(900), local1.output());

            for (String name : commands(first).keySet()) {
                TableDigest a = digest(first, name);
                assertFalse(a.rows().isEmpty(), name);
                if (SEEDED.contains(name)) {
                    assertEquals(a.rows(), digest(second, name).rows(), name + ": two runs in one session, rows");
                    assertEquals(withoutPaths(a), withoutPaths(digest(second, name)), name + ": two runs, metadata");
                }
                assertEquals(a.rows(), digest(other, name).rows(), name + ": local[2] vs local[1], rows");
                assertEquals(withoutPaths(a), withoutPaths(digest(other, name)), name + ": local[2] vs local[1], metadata");
            }
            TableDigest dynamics = TableDigest.table(spark, first.resolve("dynamics"), "sample_id");
            assertEquals(dynamics, TableDigest.table(spark, other.resolve("dynamics"), "sample_id"));
        }
    }

    /** The metadata with the run's own output paths (which differ between the two directories) blanked. */
    private static String withoutPaths(TableDigest d) {
        return d.metadata().toString().replaceAll("\"[^\"]*/(run1|run2|local1)/[^\"]*\"", "\"<out>\"");
    }
}
