package dev.coreset.jobs.io;

import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.PipelineFixture;
import dev.coreset.jobs.SparkTestSession;
import dev.coreset.schemas.ManifestReader;
import dev.coreset.schemas.OutputPointer;
import dev.coreset.schemas.PublishMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real commands with --out on a store whose rename is a copy and a delete ({@link CopyRenameFileSystem}),
 * declared an object store as a user would ({@code --conf spark.hadoop.coreset.publish.pointer-schemes=...}; s3a,
 * gs and abfs need nothing): every output is published by pointer, and every reader (manifest validate, select,
 * noise, launch, train --manifest, resume) follows the pointer with no setting of its own.
 */
class ObjectStorePublicationTest {
    @TempDir
    static Path tmp;

    private static final PipelineFixture fixture = PipelineFixture.get();

    @BeforeAll
    static void declareTheStore() {
        SparkTestSession.get().sparkContext().hadoopConfiguration().set(PublishMode.EXTRA_SCHEMES,
                CopyRenameFileSystem.SCHEME);
    }

    static String onStore(Path local) {
        return CopyRenameFileSystem.SCHEME + "://" + local.toAbsolutePath();
    }

    static CliRun ok(String... args) {
        CliRun run = CliRun.of(args);
        assertEquals(0, run.exitCode(), String.join(" ", args) + "\n" + run.err());
        return run;
    }

    static List<String> versions(Path out) throws Exception {
        try (Stream<Path> s = Files.list(out.resolve(OutputPointer.VERSIONS))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static OutputPointer pointer(Path out) throws Exception {
        return OutputPointer.readFrom(new org.apache.hadoop.fs.Path(out.toString()), new Configuration()).orElseThrow();
    }

    private static CliRun select(Path out, int seed, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("select", "--scores", fixture.scores.toString(),
                "--method", "random", "--fraction", "0.5", "--seed", String.valueOf(seed), "--out", onStore(out),
                "--no-progress"));
        args.addAll(List.of(extra));
        return ok(args.toArray(String[]::new));
    }

    @Test
    void manifestsArePublishedByPointerAndEveryReaderFollowsIt() throws Exception {
        Path m = tmp.resolve("m");
        select(m, 1);
        assertTrue(Files.exists(m.resolve(OutputPointer.FILE_NAME)));
        String v1 = pointer(m).version();
        assertEquals(List.of(v1), versions(m));
        try (Stream<Path> s = Files.list(tmp)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".m")), "nothing staged beside it");
        }
        CliRun validate = ok("manifest", "validate", onStore(m));
        assertTrue(validate.out().contains("valid manifest"), validate.out());
        ManifestReader opened = ManifestReader.open(onStore(m));
        long rows = opened.validate().rows();

        // Resume reads the stage record through the pointer: same command, same inputs -> skipped.
        assertTrue(select(m, 1).out().contains("skipped"), "resume follows the pointer");

        select(m, 2, "--overwrite");
        assertEquals(v1, pointer(m).previous());
        assertEquals(rows, opened.validate().rows(), "a reader that opened the previous version can finish");
        select(m, 3, "--overwrite");
        String current = pointer(m).version();
        assertEquals(2, versions(m).size(), "current and previous only");
        assertFalse(versions(m).contains(v1), "removed after the pointer had moved twice");

        CliRun launch = ok("launch", "--manifest", onStore(m), "--", "echo", "{manifest}");
        assertTrue(launch.out().strip().endsWith("/" + OutputPointer.VERSIONS + "/" + current),
                "the trainer gets the version, which never changes under it: " + launch.out());

        CliRun train = ok("train", "--samples", fixture.samples.toString(), "--manifest", onStore(m), "--model", "mlp",
                "--hidden", "8", "--epochs", "1", "--seed", "2", "--out", tmp.resolve("run").toString());
        assertTrue(train.out().contains(String.valueOf(ManifestReader.open(onStore(m)).validate().rows())),
                "trained on the current manifest's rows: " + train.out());
    }

    @Test
    void everyStageReadsAndWritesTheStoreByPointer() throws Exception {
        Path samples = tmp.resolve("p-samples");
        Path run = tmp.resolve("p-run");
        Path scores = tmp.resolve("p-scores");
        Path m = tmp.resolve("p-manifest");
        ok("ingest", "--format", "csv", "--input", fixture.csv.toString(), "--label-column", "-1", "--seed", "5",
                "--out", onStore(samples), "--no-progress");
        ok("train", "--samples", onStore(samples), "--model", "mlp", "--hidden", "8", "--epochs", "1", "--seed", "3",
                "--out", onStore(run));
        ok("score", "--samples", onStore(samples), "--checkpoints", onStore(run), "--embedding", "logits-grad",
                "--out", onStore(scores), "--no-progress");
        ok("select", "--scores", onStore(scores), "--method", "facility-location", "--fraction", "0.1", "--seed", "1",
                "--out", onStore(m), "--no-progress");
        for (Path out : List.of(samples, run, scores, m)) {
            assertEquals(1, versions(out).size(), out + ": one version, nothing else left there");
            try (Stream<Path> s = Files.list(out)) {
                assertEquals(List.of(OutputPointer.FILE_NAME, OutputPointer.VERSIONS), s.map(p -> p.getFileName()
                        .toString()).filter(n -> !n.startsWith(".")).sorted().toList(), out.toString());
            }
        }
        assertTrue(ok("manifest", "validate", onStore(m)).out().contains("facility-location"));

        // An in-place schedule (--previous = --out): reads the current version while it publishes the next one.
        long rows = spark().read().parquet(scores.resolve(OutputPointer.VERSIONS).resolve(pointer(scores).version())
                .toString()).count();
        CliRun again = ok("score", "--samples", onStore(samples), "--checkpoints", onStore(run), "--embedding",
                "logits-grad", "--previous", onStore(scores), "--out", onStore(scores), "--overwrite", "--no-progress");
        assertTrue(again.out().contains("kept " + rows + " rows"), again.out());
        assertEquals(2, versions(scores).size(), "the new version and the one it was read from");
        assertEquals(rows, TableInputs.readIds(spark(), onStore(scores), "--scores").count());
    }

    private static org.apache.spark.sql.SparkSession spark() {
        return SparkTestSession.get();
    }

    @Test
    void cldAndNoiseTablesArePublishedAndReadByPointer() throws Exception {
        Path m = tmp.resolve("cld");
        Path d = tmp.resolve("dyn");
        Path flags = tmp.resolve("flags");
        ok("cld", "--scores", fixture.scores.toString(), "--per-class", "5", "--out", onStore(m), "--dynamics-out",
                onStore(d), "--no-progress");
        assertEquals(1, versions(m).size());
        assertEquals(1, versions(d).size());
        ok("manifest", "validate", onStore(m));
        ok("noise", "--dynamics", onStore(d), "--out", onStore(flags), "--no-progress");
        assertTrue(Files.exists(flags.resolve(OutputPointer.FILE_NAME)));
        // Spark readers of a pointer-mode table (the flags, as select --exclude reads them) get its current version.
        var spark = SparkTestSession.get();
        long flagged = spark.read().parquet(flags.resolve(OutputPointer.VERSIONS).resolve(pointer(flags).version())
                .toString()).count();
        assertTrue(flagged > 0, "noise flagged some samples of a 2-epoch proxy");
        assertEquals(flagged, TableInputs.readIds(spark, onStore(flags), "--exclude").count());
        // A plain Spark read of the output finds no visible files (all under _versions): refused, not mixed rows.
        assertThrows(Exception.class, () -> spark.read().parquet(onStore(flags)).count());
    }
}
