package dev.coreset.jobs.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.JavaProcess;
import dev.coreset.jobs.PipelineFixture;
import dev.coreset.schemas.StagingOwner;
import dev.coreset.schemas.TestHooks;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user's console shows when an unattended run fails, in a real {@code coreset} JVM (bin/coreset's main):
 * a truncated input is one error line with no stack trace (Spark's task-failure logging goes to the log file);
 * SIGTERM in the middle of a scoring stage is one line and exit 143, and leaves no staging directory. The next
 * run removes staging whose owner is gone, and only that. A task's OutOfMemoryError, which ends a local-mode JVM from
 * Spark's own handler, is one line that says how to give it memory.
 */
class OneLineFailuresTest {
    @TempDir
    Path tmp;

    private final PipelineFixture fixture = PipelineFixture.get();

    private JavaProcess coreset(Path log, String... args) {
        return coreset(log, List.of(), args);
    }

    private JavaProcess coreset(Path log, List<String> jvmOptions, String... args) {
        List<String> options = new ArrayList<>(List.of("-D" + FailureLog.FILE_PROPERTY + "=" + log));
        options.addAll(jvmOptions);
        return JavaProcess.start(tmp, options, CoresetCli.class.getName(), List.of(args));
    }

    private static long stackLines(String output) {
        return output.lines().filter(l -> l.strip().startsWith("at ")).count();
    }

    @Test
    void truncatedParquetInputPrintsNoStackTrace() throws Exception {
        Path samples = tmp.resolve("samples");
        copy(fixture.samples, samples);
        Path part;
        try (Stream<Path> s = Files.list(samples)) {
            part = s.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
        }
        try (RandomAccessFile f = new RandomAccessFile(part.toFile(), "rw")) {
            f.setLength(f.length() / 2); // the footer is gone: only the task reading the file finds out
        }
        Path log = tmp.resolve("truncated.log");
        try (JavaProcess p = coreset(log, "score", "--samples", samples.toString(), "--checkpoints",
                fixture.run.toString(), "--out", tmp.resolve("scores").toString(), "--master", "local[1]",
                "--no-progress")) {
            assertEquals(2, p.waitFor(300), p.output());
            assertEquals(0, stackLines(p.output()), p.output());
            assertTrue(p.output().lines().anyMatch(l -> l.startsWith("error: ") && l.contains(part.getFileName()
                    + ": cannot read it")), p.output());
            assertFalse(p.output().contains("TaskSetManager") || p.output().contains("Executor"), p.output());
        }
        assertTrue(stackLines(Files.readString(log)) > 0, "the task's trace is kept in the log file");
    }

    @Test
    void sigtermDuringScoreRemovesItsStagingAndTheNextRunRemovesDeadOnes() throws Exception {
        Path out = tmp.resolve("scores");
        long childPid;
        try (JavaProcess p = coreset(tmp.resolve("stopped.log"), "score", "--samples", fixture.samples.toString(),
                "--checkpoints", fixture.run.toString(), "--out", out.toString(), "--master", "local[1]",
                "--partitions", "4", "--batch-size", "1", "--posterior-draws", "20", "--posterior-sigma", "0.01",
                "--no-progress")) {
            childPid = p.pid();
            awaitTaskWriting(out, p);
            p.terminate();
            assertEquals(143, p.waitFor(120), p.output());
            assertEquals(0, stackLines(p.output()), p.output());
            assertTrue(p.output().lines().anyMatch(l -> l.startsWith("stopped by SIGTERM: removed the unfinished ")),
                    p.output());
        }
        assertEquals(List.of(), staging(out), "the stopped run removed its staging");

        // Leftovers beside the output: a SIGKILLed run's (its process is gone) and a live run's (this JVM's).
        Configuration conf = new Configuration();
        StagingOwner me = StagingOwner.self();
        Path dead = plantStaging(out, "dead", new StagingOwner(me.host(), childPid, null, me.createdAt()), conf);
        Path live = plantStaging(out, "live", me, conf);
        CliRun next = CliRun.of("score", "--samples", fixture.samples.toString(), "--checkpoints",
                fixture.run.toString(), "--splits", "val", "--out", out.toString(), "--no-progress");
        assertEquals(0, next.exitCode(), next.err());
        assertEquals(List.of(live), staging(out), "the dead run's staging is gone, the live run's stays");
        assertFalse(Files.exists(dead));
    }

    /** Waits until a scoring task has opened its output in the staging directory (the stage is under way). */
    @Test
    void aTaskOutOfMemoryInLocalModeIsOneLineThatSaysHowToGiveItMemory() throws Exception {
        // Spark's handler ends a local-mode JVM on a task's OutOfMemoryError (exit 52) before the command can report.
        Path out = tmp.resolve("flags");
        Path log = tmp.resolve("oom.log");
        try (JavaProcess p = coreset(log, List.of("-D" + TestHooks.OUT_OF_MEMORY_AT + "=" + TestHooks.DEDUP_PAIRS),
                "dedup", "--scores", fixture.scores.toString(), "--out", out.toString(), "--master", "local[1]",
                "--no-progress")) {
            assertEquals(52, p.waitFor(300), p.output());
            assertEquals(0, stackLines(p.output()), p.output());
            List<String> errors = p.output().lines().filter(l -> l.startsWith("error: ")).toList();
            assertEquals(1, errors.size(), p.output());
            assertTrue(errors.get(0).startsWith("error: a Spark task ran out of memory"
                    + " (java.lang.OutOfMemoryError: Java heap space"), errors.get(0));
            assertTrue(errors.get(0).contains("-Xmx") && errors.get(0).contains("Full trace: " + log), errors.get(0));
        }
        assertFalse(Files.exists(out), "nothing published");
        assertEquals(List.of(), staging(out), "no staging left");
    }

    private static void awaitTaskWriting(Path out, JavaProcess p) throws Exception {
        for (int i = 0; i < 1200; i++) {
            for (Path s : staging(out)) {
                if (Files.isDirectory(s.resolve("_temporary"))) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        fail("no scoring task started:\n" + p.output());
    }

    private static List<Path> staging(Path out) throws IOException {
        try (Stream<Path> s = Files.list(out.getParent())) {
            return s.filter(p -> p.getFileName().toString().startsWith("." + out.getFileName() + ".staging-"))
                    .sorted().toList();
        }
    }

    private static Path plantStaging(Path out, String name, StagingOwner owner, Configuration conf) throws IOException {
        Path dir = out.resolveSibling("." + out.getFileName() + ".staging-" + name);
        Files.createDirectories(dir);
        owner.writeTo(new org.apache.hadoop.fs.Path(dir.toString()), conf);
        return dir;
    }

    private static void copy(Path from, Path to) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(from)) {
            s.forEach(files::add);
        }
        for (Path f : files) {
            Path target = to.resolve(from.relativize(f).toString());
            if (Files.isDirectory(f)) {
                Files.createDirectories(target);
            } else if (!f.getFileName().toString().endsWith(".crc")) {
                Files.copy(f, target);
            }
        }
    }
}
