package dev.coreset.jobs.io;

import static dev.coreset.jobs.io.ObjectStorePublicationTest.onStore;
import static dev.coreset.jobs.io.ObjectStorePublicationTest.pointer;
import static dev.coreset.jobs.io.ObjectStorePublicationTest.versions;
import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.JavaProcess;
import dev.coreset.jobs.OutputSnapshot;
import dev.coreset.jobs.PipelineFixture;
import dev.coreset.jobs.cli.CoresetCli;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.ManifestReader;
import dev.coreset.schemas.OutputPointer;
import dev.coreset.schemas.PublishMode;
import dev.coreset.schemas.StagingOwner;
import dev.coreset.schemas.TestHooks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code coreset select --overwrite} in its own JVM, publishing to a store whose rename is a copy and a delete
 * ({@link CopyRenameFileSystem}), SIGKILLed at each point of a publication. In pointer mode (the store declared an
 * object store) no reader ever sees a partial manifest, the previous one stays readable byte for byte, and the next
 * run removes what the killed one left. Rename mode on the same store is the control: killed mid-copy, the output
 * is neither the old manifest nor the new one.
 */
class ObjectStoreKillTest {
    @TempDir
    Path tmp;

    private final PipelineFixture fixture = PipelineFixture.get();

    private static final String AS_OBJECT_STORE = "spark.hadoop." + PublishMode.EXTRA_SCHEMES + "="
            + CopyRenameFileSystem.SCHEME;

    private List<String> select(Path out, int seed, String conf) {
        List<String> args = new ArrayList<>(List.of("select", "--scores", fixture.scores.toString(), "--method",
                "random", "--fraction", "0.5", "--seed", String.valueOf(seed), "--out", onStore(out), "--overwrite",
                "--no-progress", "--conf", conf));
        return args;
    }

    /** Runs select in this JVM (the store declared through the same --conf, which the shared session ignores). */
    private void publishHere(Path out, int seed) {
        var hadoop = dev.coreset.jobs.SparkTestSession.get().sparkContext().hadoopConfiguration();
        hadoop.set(PublishMode.EXTRA_SCHEMES, CopyRenameFileSystem.SCHEME);
        CliRun run = CliRun.of(select(out, seed, AS_OBJECT_STORE).toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.err());
    }

    /** Starts select in a second JVM, waits until it pauses at {@code point}, kills it; returns where it paused. */
    private String killAt(String point, Path out, String conf) throws Exception {
        List<String> args = new ArrayList<>(select(out, 9, conf));
        args.addAll(List.of("--master", "local[1]"));
        try (JavaProcess p = JavaProcess.start(tmp, List.of("-D" + TestHooks.PAUSE_AT + "=" + point),
                CoresetCli.class.getName(), args)) {
            String line = p.awaitLine(TestHooks.PAUSED + " " + point, 300);
            p.kill();
            return line.substring(line.lastIndexOf(' ') + 1);
        }
    }

    private static void validates(Path out, long rows) {
        CliRun validate = CliRun.of("manifest", "validate", onStore(out));
        assertEquals(0, validate.exitCode(), validate.err());
        assertEquals(rows, ManifestReader.open(onStore(out)).validate().rows());
    }

    private static Path current(Path out) throws Exception {
        return out.resolve(OutputPointer.VERSIONS).resolve(pointer(out).version());
    }

    @Test
    void killWhileWritingTheVersionLeavesThePreviousManifestAndTheNextRunCleansUp() throws Exception {
        Path m = tmp.resolve("m");
        publishHere(m, 1);
        Path before = current(m);
        OutputSnapshot bytes = OutputSnapshot.of(before);
        long rows = ManifestReader.open(onStore(m)).validate().rows();

        killAt(TestHooks.STAGED_DATA, m, AS_OBJECT_STORE);

        assertEquals(2, versions(m).size(), "the killed run's version is there");
        Path killed = m.resolve(OutputPointer.VERSIONS).resolve(versions(m).stream()
                .filter(v -> !v.equals(before.getFileName().toString())).findFirst().orElseThrow());
        assertTrue(Files.exists(killed.resolve(StagingOwner.FILE_NAME)));
        assertEquals(before, current(m), "the pointer did not move");
        assertEquals(bytes.files(), OutputSnapshot.of(before).files(), "previous manifest byte for byte");
        validates(m, rows);
        var e = assertThrows(CoresetInputException.class, () -> ManifestReader.open(onStore(killed)));
        assertTrue(e.getMessage().contains("unpublished version"), e.getMessage());

        publishHere(m, 2);
        assertFalse(Files.exists(killed), "removed by the next run: its owner is gone");
        assertEquals(List.of(before.getFileName().toString(), pointer(m).version()).stream().sorted().toList(),
                versions(m));
    }

    @Test
    void killRightAfterThePointerMovedServesTheNewManifest() throws Exception {
        Path m = tmp.resolve("m");
        publishHere(m, 1);
        Path before = current(m);

        killAt(TestHooks.AFTER_POINTER, m, AS_OBJECT_STORE);

        Path now = current(m);
        assertNotEquals(before, now, "the pointer moved: the new manifest is published");
        assertTrue(Files.exists(before), "the previous one stays for readers that opened it");
        validates(m, ManifestReader.open(onStore(now)).validate().rows());
        publishHere(m, 3);
        assertEquals(List.of(now.getFileName().toString(), pointer(m).version()).stream().sorted().toList(),
                versions(m), "the next run keeps current and previous only");
    }

    @Test
    void pointerModeNeverRenamesAnOutput() throws Exception {
        Path m = tmp.resolve("m");
        int before = CopyRenameFileSystem.STAGING_RENAMES.get();
        publishHere(m, 4);
        publishHere(m, 5);
        assertEquals(before, CopyRenameFileSystem.STAGING_RENAMES.get(), "no staging directory was renamed");
        validates(m, ManifestReader.open(onStore(current(m))).validate().rows());
    }

    @Test
    void theRenameCounterSeesARenameModePublication() throws Exception {
        // The control for the test above: the same select in rename mode on the same store renames its staging.
        var hadoop = dev.coreset.jobs.SparkTestSession.get().sparkContext().hadoopConfiguration();
        int before = CopyRenameFileSystem.STAGING_RENAMES.get();
        hadoop.set(PublishMode.KEY, "rename");
        try {
            CliRun run = CliRun.of(select(tmp.resolve("r"), 4, "spark.hadoop." + PublishMode.KEY + "=rename")
                    .toArray(String[]::new));
            assertEquals(0, run.exitCode(), run.err());
        } finally {
            hadoop.unset(PublishMode.KEY);
        }
        assertTrue(CopyRenameFileSystem.STAGING_RENAMES.get() > before, "rename mode renamed its staging directory");
    }

    @Test
    void renameModeOnTheSameStoreLosesThePreviousManifestWhenKilledMidCopy() throws Exception {
        Path m = tmp.resolve("m");
        String rename = "spark.hadoop." + PublishMode.KEY + "=rename";
        OutputSnapshot.plantCopy(fixture.manifest, m);

        killAt(CopyRenameFileSystem.MID_COPY, m, rename);

        // Half copied: the old manifest moved aside, the new one not all there. Refused, but not readable either.
        CliRun validate = CliRun.of("manifest", "validate", onStore(m));
        assertEquals(2, validate.exitCode(), validate.out());
        assertFalse(Files.exists(m.resolve(OutputPointer.FILE_NAME)));
    }
}
