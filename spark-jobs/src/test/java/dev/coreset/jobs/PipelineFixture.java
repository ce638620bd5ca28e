package dev.coreset.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One small real pipeline on the digits fixture, built once per test JVM and shared by the reliability tests
 * (read-only for them): samples (1,797 rows), a 2-epoch MLP proxy (3 checkpoints), scores with logits-grad
 * embeddings for every split, and a random 10% manifest. Tests copy what they need to modify.
 */
public final class PipelineFixture {
    public final Path dir;
    public final Path csv;
    public final Path samples;
    public final Path run;
    public final Path scores;
    public final Path manifest;

    private static PipelineFixture instance;

    private PipelineFixture(Path dir) throws IOException {
        this.dir = dir;
        csv = Fixtures.digitsCsv(dir);
        samples = dir.resolve("samples");
        run = dir.resolve("run");
        scores = dir.resolve("scores");
        manifest = dir.resolve("manifest");
        ok("ingest", "--format", "csv", "--input", csv.toString(), "--label-column", "-1", "--seed", "5",
                "--out", samples.toString());
        ok("train", "--samples", samples.toString(), "--model", "mlp", "--hidden", "16", "--epochs", "2",
                "--batch-size", "64", "--seed", "3", "--out", run.toString());
        ok("score", "--samples", samples.toString(), "--checkpoints", run.toString(), "--embedding", "logits-grad",
                "--out", scores.toString());
        ok("select", "--scores", scores.toString(), "--method", "random", "--fraction", "0.1", "--seed", "1",
                "--out", manifest.toString());
    }

    public static synchronized PipelineFixture get() {
        if (instance == null) {
            try {
                Path dir = Files.createTempDirectory("coreset-pipeline-fixture");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir)));
                instance = new PipelineFixture(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    private static void ok(String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(0, r.exitCode(), String.join(" ", args) + "\n" + r.err());
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort at JVM exit
        }
    }
}
