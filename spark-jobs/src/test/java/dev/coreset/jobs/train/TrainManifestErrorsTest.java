package dev.coreset.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.Damage;
import dev.coreset.jobs.OutputSnapshot;
import dev.coreset.jobs.PipelineFixture;
import dev.coreset.jobs.Refusals;
import dev.coreset.schemas.Json;
import dev.coreset.schemas.ManifestMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad manifests for {@code coreset train --manifest} (see {@link Refusals}): exit 2, one line, no run directory
 * created, and an existing run at --out untouched with --overwrite. Nothing trains: every check comes first.
 */
class TrainManifestErrorsTest {
    @TempDir
    Path tmp;

    private final PipelineFixture fixture = PipelineFixture.get();
    private int cases;

    private void refused(Path samples, Path manifest, String... fragments) {
        Path out = tmp.resolve("run-" + cases++);
        Refusals.assertRefused(out, fixture.run, List.of("train", "--samples", samples.toString(), "--manifest",
                manifest.toString(), "--hidden", "16", "--epochs", "1", "--out", out.toString()), fragments);
    }

    private Path manifestCopy() {
        Path copy = tmp.resolve("manifest-" + cases++);
        OutputSnapshot.plantCopy(fixture.manifest, copy);
        return copy;
    }

    @Test
    void fingerprintDoesNotMatchTheSamples() {
        Path other = tmp.resolve("samples-1500");
        CliRun ingest = CliRun.of("ingest", "--format", "csv", "--input", fixture.csv.toString(), "--label-column", "-1",
                "--seed", "5", "--limit", "1500", "--out", other.toString());
        assertEquals(0, ingest.exitCode(), ingest.err());
        refused(other, fixture.manifest, "manifest was selected from", "fingerprint", other.toString(),
                "pass the samples table the manifest's scores came from");
    }

    @Test
    void unknownFormatVersion() throws Exception {
        Path m = manifestCopy();
        org.apache.hadoop.fs.Path meta = new org.apache.hadoop.fs.Path(m.resolve(ManifestMetadata.FILE_NAME).toString());
        ManifestMetadata md = Json.read(meta, ManifestMetadata.class, new Configuration());
        md.formatVersion = 99;
        Files.delete(m.resolve("." + ManifestMetadata.FILE_NAME + ".crc"));
        Json.write(meta, md, new Configuration());
        refused(fixture.samples, m, "manifest format version 99 is unknown", "use the coreset release that wrote it");
    }

    @Test
    void truncatedManifestFile() throws Exception {
        Path m = manifestCopy();
        Path part = Damage.truncate(m, 0.5);
        refused(fixture.samples, m, part.getFileName().toString(), "not a readable Parquet file", "re-create it");
    }

    @Test
    void missingOrPartialManifest() throws Exception {
        Path nope = tmp.resolve("nope");
        refused(fixture.samples, nope, nope.toString(), "manifest does not exist", "coreset select");
        Path m = manifestCopy();
        Files.delete(m.resolve("_SUCCESS"));
        refused(fixture.samples, m, "incomplete manifest (no _SUCCESS)", "re-run the selection");
    }
}
