package dev.coreset.jobs.io;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.Damage;
import dev.coreset.jobs.OutputSnapshot;
import dev.coreset.jobs.PipelineFixture;
import dev.coreset.jobs.Refusals;
import dev.coreset.jobs.SparkTestSession;
import dev.coreset.schemas.Fingerprint;
import dev.coreset.schemas.Json;
import dev.coreset.schemas.ManifestMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code coreset manifest validate} on damaged manifests: exit 2, one line naming the problem and the fix,
 * and the manifest left as it was (validate only reads).
 */
class ManifestValidateTest {
    @TempDir
    Path tmp;

    private final SparkSession spark = SparkTestSession.get();
    private final PipelineFixture fixture = PipelineFixture.get();
    private int cases;

    private Path copy() {
        Path c = tmp.resolve("m-" + cases++);
        OutputSnapshot.plantCopy(fixture.manifest, c);
        return c;
    }

    private static void refused(Path manifest, String... fragments) {
        OutputSnapshot before = OutputSnapshot.of(manifest);
        Refusals.assertOneLine(CliRun.of("manifest", "validate", manifest.toString()), fragments);
        before.assertUntouched();
    }

    private static void setMeta(Path manifest, java.util.function.Consumer<ManifestMetadata> edit) throws Exception {
        org.apache.hadoop.fs.Path meta = new org.apache.hadoop.fs.Path(manifest.resolve(ManifestMetadata.FILE_NAME).toString());
        ManifestMetadata md = Json.read(meta, ManifestMetadata.class, new Configuration());
        edit.accept(md);
        Files.deleteIfExists(manifest.resolve("." + ManifestMetadata.FILE_NAME + ".crc"));
        Json.write(meta, md, new Configuration());
    }

    /** A manifest written by the real ManifestWriter from the given rows (sample_id, label, weight, score, rank). */
    private Path written(String sql) {
        Path out = tmp.resolve("w-" + cases++);
        ManifestMetadata meta = new ManifestMetadata();
        meta.method = "random";
        meta.source.path = "/data/scores";
        meta.source.rows = 100;
        meta.source.fingerprint = Fingerprint.empty().hashHex();
        new ManifestWriter(spark).write(spark.sql(sql), meta, out.toString(), false);
        return out;
    }

    @Test
    void aValidManifestPasses() {
        CliRun run = CliRun.of("manifest", "validate", fixture.manifest.toString());
        org.junit.jupiter.api.Assertions.assertEquals(0, run.exitCode(), run.err());
    }

    @Test
    void missingDirectory() {
        Path nope = tmp.resolve("nope");
        Refusals.assertOneLine(CliRun.of("manifest", "validate", nope.toString()), nope.toString(),
                "manifest does not exist", "coreset select");
    }

    @Test
    void notAManifest() {
        refused(fixture.samples, "no _coreset.json, so this is not a coreset manifest");
    }

    @Test
    void partialManifest() throws Exception {
        Path m = copy();
        Files.delete(m.resolve("_SUCCESS"));
        refused(m, "incomplete manifest (no _SUCCESS)", "re-run the selection");
    }

    @Test
    void unknownFormatVersion() throws Exception {
        Path m = copy();
        setMeta(m, md -> md.formatVersion = 7);
        refused(m, "manifest format version 7 is unknown", "(it reads version 1)");
    }

    @Test
    void truncatedParquetFile() throws Exception {
        Path m = copy();
        Path part = Damage.truncate(m, 0.95);
        refused(m, part.getFileName().toString(), "not a readable Parquet file", "re-create it");
    }

    @Test
    void wrongOrMissingColumns() throws Exception {
        Path m = copy();
        Path part = Damage.firstPart(m);
        Files.delete(part);
        spark.sql("SELECT id AS sample_id, CAST(0 AS INT) AS label, CAST(1.0 AS FLOAT) AS weight, 0 AS rank FROM range(3)")
                .coalesce(1).write().parquet(tmp.resolve("float-weights").toString());
        Files.copy(Damage.firstPart(tmp.resolve("float-weights")), part);
        Files.deleteIfExists(part.resolveSibling("." + part.getFileName() + ".crc"));
        refused(m, "column 'weight' has type float", "manifest table needs double");
    }

    @Test
    void duplicateIds() {
        Path m = written("SELECT id % 3 AS sample_id, CAST(id % 2 AS INT) AS label, 1.0D AS weight, "
                + "CAST(NULL AS DOUBLE) AS score, CAST(id AS INT) AS rank FROM range(6)");
        refused(m, "'sample_id' holds", "twice", "ids must be unique");
    }

    @Test
    void nonPositiveOrNanWeight() {
        Path m = written("SELECT id AS sample_id, 0 AS label, IF(id = 2, CAST('NaN' AS DOUBLE), 1.0D) AS weight, "
                + "CAST(NULL AS DOUBLE) AS score, CAST(id AS INT) AS rank FROM range(4)");
        refused(m, "'weight' of sample_id 2 is NaN", "weights must be positive and finite");
    }

    @Test
    void rowsDoNotMatchTheRecordedBudget() throws Exception {
        Path m = copy();
        setMeta(m, md -> md.budget.total += 1);
        refused(m, "rows but _coreset.json says", "altered or truncated");
    }
}
