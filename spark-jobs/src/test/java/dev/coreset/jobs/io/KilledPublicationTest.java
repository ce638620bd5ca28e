package dev.coreset.jobs.io;

import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.JavaProcess;
import dev.coreset.jobs.OutputSnapshot;
import dev.coreset.jobs.PipelineFixture;
import dev.coreset.jobs.Refusals;
import dev.coreset.jobs.cli.CoresetCli;
import dev.coreset.schemas.AtomicPublisher;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.ManifestReader;
import dev.coreset.schemas.TestHooks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code coreset select --overwrite} in its own JVM is SIGKILLed while it publishes over an existing
 * manifest (paused there by the test-only {@link TestHooks} property). The previous manifest must survive
 * byte-for-byte (or be recoverable when the kill falls between the two renames), and neither
 * {@code manifest validate} nor {@link ManifestReader} may accept what the killed run left behind.
 */
class KilledPublicationTest {
    @TempDir
    Path tmp;

    private final PipelineFixture fixture = PipelineFixture.get();

    /** Starts select over a copy of the fixture manifest, waits until it pauses at {@code point}, kills it. */
    private Path killAt(String point, Path target) throws Exception {
        try (JavaProcess p = JavaProcess.start(tmp, List.of("-D" + TestHooks.PAUSE_AT + "=" + point),
                CoresetCli.class.getName(), List.of("select", "--scores", fixture.scores.toString(), "--method",
                        "random", "--fraction", "0.5", "--seed", "9", "--out", target.toString(), "--overwrite",
                        "--master", "local[1]", "--no-progress"))) {
            String line = p.awaitLine(TestHooks.PAUSED + " " + point, 300);
            p.kill();
            return Path.of(java.net.URI.create(line.substring(line.lastIndexOf(' ') + 1)).getPath());
        }
    }

    private static List<Path> hiddenBeside(Path target) throws Exception {
        try (Stream<Path> s = Files.list(target.getParent())) {
            return s.filter(p -> p.getFileName().toString().startsWith("." + target.getFileName())).sorted().toList();
        }
    }

    private static void refusedByBoth(Path dir, String fragment) {
        Refusals.assertOneLine(CliRun.of("manifest", "validate", dir.toString()), fragment);
        var e = assertThrows(CoresetInputException.class, () -> ManifestReader.open(dir.toString()).validate());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void killWhileWritingRowsLeavesThePreviousManifestIntact() throws Exception {
        Path target = tmp.resolve("manifest");
        OutputSnapshot before = OutputSnapshot.plantCopy(fixture.manifest, target);
        Path staging = killAt(TestHooks.STAGED_DATA, target);

        assertTrue(AtomicPublisher.isStaging(new org.apache.hadoop.fs.Path(staging.toString())), staging.toString());
        try (Stream<Path> s = Files.list(staging)) {
            assertTrue(s.anyMatch(p -> p.getFileName().toString().endsWith(".parquet")), "rows were being written");
        }
        assertFalse(Files.exists(staging.resolve("_SUCCESS")));
        assertEquals(OutputSnapshot.of(target).files(), before.files(), "previous manifest byte-for-byte");
        CliRun validate = CliRun.of("manifest", "validate", target.toString());
        assertEquals(0, validate.exitCode(), validate.err());
        assertTrue(validate.out().contains("valid manifest"), validate.out());

        // What the killed run left: refused under its own name, and refused as content under any other name.
        refusedByBoth(staging, "unpublished staging directory");
        Path renamed = tmp.resolve("renamed-staging");
        Files.move(staging, renamed);
        refusedByBoth(renamed, "incomplete manifest (no _SUCCESS)");
    }

    @Test
    void killBetweenTheTwoRenamesIsRecovered() throws Exception {
        Path target = tmp.resolve("manifest");
        OutputSnapshot before = OutputSnapshot.plantCopy(fixture.manifest, target);
        Path backup = killAt(TestHooks.BETWEEN_RENAMES, target);

        // The old manifest is moved aside, the new one (complete, with _SUCCESS) not yet in place.
        assertFalse(Files.exists(target));
        assertEquals(before.files(), OutputSnapshot.of(backup).files(), "the backup holds the previous bytes");
        List<Path> hidden = hiddenBeside(target);
        Path staging = hidden.stream().filter(p -> AtomicPublisher.isStaging(
                new org.apache.hadoop.fs.Path(p.toString()))).findFirst().orElseThrow();
        assertTrue(Files.exists(staging.resolve("_SUCCESS")));
        refusedByBoth(target, "coreset manifest recover");
        refusedByBoth(backup, "coreset manifest recover");
        refusedByBoth(staging, "unpublished staging directory");

        CliRun recover = CliRun.of("manifest", "recover", target.toString());
        assertEquals(0, recover.exitCode(), recover.err());
        assertTrue(recover.out().contains("restored from its backup"), recover.out());
        assertEquals(before.files(), OutputSnapshot.of(target).files(), "previous manifest restored byte-for-byte");
        assertFalse(Files.exists(backup));
        CliRun validate = CliRun.of("manifest", "validate", target.toString());
        assertEquals(0, validate.exitCode(), validate.err());
    }
}
