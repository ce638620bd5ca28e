package dev.coreset.jobs.io;

import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.OutputSnapshot;
import dev.coreset.jobs.PipelineFixture;
import dev.coreset.jobs.SparkTestSession;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk under {@code select --overwrite} (Spark's tasks fail writing the rows): one line naming the output
 * and the fix, exit 1, the previous manifest byte-for-byte and nothing left beside it.
 */
class WriteFailureTest {
    @TempDir
    Path tmp;

    @Test
    void fullDiskIsOneLineAndLeavesTheOldManifest() {
        PipelineFixture fixture = PipelineFixture.get();
        FullDiskFileSystem.register(SparkTestSession.get().sparkContext().hadoopConfiguration());
        Path out = tmp.resolve("manifest");
        OutputSnapshot before = OutputSnapshot.plantCopy(fixture.manifest, out);

        CliRun run = CliRun.of("select", "--scores", fixture.scores.toString(), "--method", "random", "--fraction",
                "0.5", "--seed", "9", "--out", FullDiskFileSystem.SCHEME + "://" + out, "--overwrite", "--no-progress");

        assertEquals(1, run.exitCode(), run.err());
        assertEquals(1, run.err().lines().count(), "one line:\n" + run.err());
        String line = run.err().strip();
        assertTrue(line.startsWith("error: cannot write " + FullDiskFileSystem.SCHEME + ":" + out + ": no space left"),
                line);
        assertTrue(line.contains("free space there or write to another directory"), line);
        before.assertUntouched();
    }
}
