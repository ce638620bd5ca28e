package dev.coreset.jobs.launch;

import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.Fixtures;
import dev.coreset.jobs.SparkTestSession;
import dev.coreset.jobs.io.ManifestWriter;
import dev.coreset.schemas.Fingerprint;
import dev.coreset.schemas.ManifestMetadata;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `coreset launch`: real child processes (sh, another JVM), placeholders, exit codes, streaming, refusals. */
class LaunchCommandTest {
    @TempDir
    static Path tmp;
    private static Path manifest;
    private static Path samples;

    @BeforeAll
    static void manifestAndSamples() throws Exception {
        samples = tmp.resolve("samples");
        CliRun ingest = CliRun.of("ingest", "--format", "csv", "--input", Fixtures.digitsCsv(tmp).toString(),
                "--label-column", "-1", "--limit", "200", "--out", samples.toString());
        assertEquals(0, ingest.exitCode(), ingest.err());
        ManifestMetadata meta = new ManifestMetadata();
        meta.method = "random";
        meta.source.path = samples.toString();
        meta.source.rows = 12;
        meta.source.fingerprint = Fingerprint.empty().add(1, 1).hashHex();
        manifest = tmp.resolve("manifest");
        var spark = SparkTestSession.get();
        new ManifestWriter(spark).write(spark.sql("SELECT id AS sample_id, CAST(id % 3 AS INT) AS label,"
                + " 1.0D AS weight, CAST(NULL AS DOUBLE) AS score, CAST(id AS INT) AS rank FROM range(12)"),
                meta, manifest.toString(), false);
    }

    /** The manifest's path relative to the working directory: launch must make it absolute. */
    private static String relativeManifest() {
        return Path.of("").toAbsolutePath().relativize(manifest).toString();
    }

    @Test
    void placeholdersBecomeAbsolutePathsInsideAnyArgument() {
        CliRun run = CliRun.of("launch", "--manifest", relativeManifest(), "--samples", samples.toString(), "--",
                "sh", "-c", "printf '%s\\n' \"$@\"; echo \"env=$CORESET_MANIFEST\"", "sh",
                "{manifest}", "--data={samples}", "{manifest}/_coreset.json");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(List.of(manifest.toString(), "--data=" + samples, manifest + "/_coreset.json",
                "env=" + manifest), run.out().lines().toList());
        assertFalse(relativeManifest().startsWith("/"), "the test passes a relative path");
    }

    @Test
    void samplesDefaultsToTheSourceRecordedInTheManifest() {
        CliRun run = CliRun.of("launch", "--manifest", manifest.toString(), "--", "echo", "{samples}");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(samples.toString(), run.out().strip());
    }

    @Test
    void exitCodesOfTheTrainerArePropagated() {
        for (int code : new int[] {0, 3, 1}) {
            CliRun run = CliRun.of("launch", "--manifest", manifest.toString(), "--", "sh", "-c",
                    "echo out-" + code + "; echo err-" + code + " >&2; exit " + code);
            assertEquals(code, run.exitCode(), run.err());
            assertEquals("out-" + code, run.out().strip());
            assertTrue(run.err().contains("err-" + code), run.err());
        }
    }

    @Test
    void anotherJvmReadsTheManifestAndItsExitCodeComesBack() throws Exception {
        Path source = tmp.resolve("Trainer.java");
        Files.writeString(source, """
                import java.nio.file.*;
                public class Trainer {
                    public static void main(String[] args) throws Exception {
                        Path meta = Path.of(args[0], "_coreset.json");
                        System.out.println("trainer read " + Files.size(meta) + " bytes of " + meta.getFileName());
                        System.exit(Files.exists(Path.of(args[0], "_SUCCESS")) ? 3 : 4);
                    }
                }
                """);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        CliRun run = CliRun.of("launch", "--manifest", manifest.toString(), "--", java, source.toString(), "{manifest}");
        assertEquals(3, run.exitCode(), run.err());
        long size = Files.size(manifest.resolve("_coreset.json"));
        assertEquals("trainer read " + size + " bytes of _coreset.json", run.out().strip());
    }

    @Test
    void outputStreamsWhileTheTrainerRuns() throws Exception {
        // The child prints, then waits for a file that the test creates only after it has seen that line: if
        // output were held until the child exits, the child would time out and exit 1.
        Path go = tmp.resolve("go");
        CountDownLatch firstLine = new CountDownLatch(1);
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        OutputStream out = new OutputStream() {
            @Override
            public synchronized void write(int b) {
                seen.write(b);
                if (seen.toString(StandardCharsets.UTF_8).contains("epoch 1\n")) {
                    firstLine.countDown();
                }
            }
        };
        AtomicInteger code = new AtomicInteger(-1);
        Thread t = new Thread(() -> {
            try {
                code.set(TrainerProcess.run(List.of("sh", "-c", "echo 'epoch 1'; i=0; while [ ! -f " + go
                        + " ]; do sleep 0.1; i=$((i+1)); [ $i -gt 200 ] && exit 1; done; echo 'epoch 2'"),
                        Map.of(), out, OutputStream.nullOutputStream()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.start();
        assertTrue(firstLine.await(15, TimeUnit.SECONDS), "first line arrived before the trainer finished");
        Files.createFile(go);
        t.join(30_000);
        assertEquals(0, code.get());
        assertEquals("epoch 1\nepoch 2\n", seen.toString(StandardCharsets.UTF_8));
    }

    /** A copy of the manifest without Hadoop's .crc side files (they would flag an edited _coreset.json). */
    private static Path copyOfManifest(String name) throws java.io.IOException {
        Path copy = Files.createDirectories(tmp.resolve(name));
        try (var files = Files.list(manifest)) {
            for (Path f : files.toList()) {
                if (!f.getFileName().toString().startsWith(".")) {
                    Files.copy(f, copy.resolve(f.getFileName()));
                }
            }
        }
        return copy;
    }

    @Test
    void anIncompleteManifestIsRefusedBeforeTheCommandStarts() throws Exception {
        Path broken = copyOfManifest("broken");
        Files.delete(broken.resolve("_SUCCESS"));
        Path marker = tmp.resolve("started");
        CliRun run = CliRun.of("launch", "--manifest", broken.toString(), "--", "touch", marker.toString());
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.errorLine().contains("_SUCCESS"), run.errorLine());
        assertFalse(Files.exists(marker), "the trainer must not start");
    }

    @Test
    void aManifestWithAnAlteredRowCountIsRefused() throws Exception {
        Path altered = copyOfManifest("altered");
        Path meta = altered.resolve("_coreset.json");
        Files.writeString(meta, Files.readString(meta).replace("\"total\" : 12", "\"total\" : 13"));
        Path marker = tmp.resolve("started-altered");
        CliRun run = CliRun.of("launch", "--manifest", altered.toString(), "--", "touch", marker.toString());
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.errorLine().contains("12 rows but"), run.errorLine());
        assertFalse(Files.exists(marker));
    }

    @Test
    void aMissingProgramOrANonSamplesTableIsABadInput() {
        CliRun missing = CliRun.of("launch", "--manifest", manifest.toString(), "--", "no-such-trainer-xyz");
        assertEquals(2, missing.exitCode(), missing.err());
        assertTrue(missing.errorLine().contains("cannot start 'no-such-trainer-xyz'"), missing.errorLine());
        CliRun notSamples = CliRun.of("launch", "--manifest", manifest.toString(), "--samples", manifest.toString(),
                "--", "echo", "{samples}");
        assertEquals(2, notSamples.exitCode(), notSamples.err());
        assertTrue(notSamples.errorLine().contains("_coreset_table.json"), notSamples.errorLine());
    }
}
