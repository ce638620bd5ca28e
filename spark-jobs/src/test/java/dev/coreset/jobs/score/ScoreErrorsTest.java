package dev.coreset.jobs.score;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.Damage;
import dev.coreset.jobs.Fixtures;
import dev.coreset.jobs.OutputSnapshot;
import dev.coreset.jobs.PipelineFixture;
import dev.coreset.jobs.Refusals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad input to {@code coreset score} (see {@link Refusals}), on the shared digits pipeline: exit 2, one
 * line with the problem and the fix, no scores table created, an existing one at --out untouched.
 */
class ScoreErrorsTest {
    @TempDir
    Path tmp;

    private final PipelineFixture fixture = PipelineFixture.get();
    private int cases;

    private void refused(Path samples, Path run, List<String> options, String... fragments) {
        Path out = tmp.resolve("scores-" + cases++);
        List<String> args = new ArrayList<>(List.of("score", "--samples", samples.toString(), "--checkpoints",
                run.toString(), "--out", out.toString(), "--no-progress"));
        args.addAll(options);
        Refusals.assertRefused(out, fixture.scores, args, fragments);
    }

    @Test
    void missingSamplesTable() {
        Path nope = tmp.resolve("nope");
        refused(nope, fixture.run, List.of(), nope.toString(), "point --samples to a table written by `coreset ingest`");
    }

    @Test
    void notASamplesTable() {
        refused(fixture.scores, fixture.run, List.of(), "'scores' table, not samples", "pass the ingest output");
    }

    @Test
    void truncatedSamplesFile() throws Exception {
        Path copy = tmp.resolve("samples-copy");
        OutputSnapshot.plantCopy(fixture.samples, copy);
        Path part = Damage.truncate(copy, 0.9);
        refused(copy, fixture.run, List.of(), part.getFileName().toString(), "truncated or corrupt", "re-create it");
    }

    @Test
    void samplesFileFailingItsChecksum() throws Exception {
        Path copy = tmp.resolve("samples-rot");
        OutputSnapshot.plantCopy(fixture.samples, copy);
        Path part = Damage.flipByte(copy);
        org.junit.jupiter.api.Assertions.assertTrue(Files.exists(part.resolveSibling("." + part.getFileName() + ".crc")),
                "the fixture's table has Hadoop checksums");
        refused(copy, fixture.run, List.of(), part.getFileName().toString(), "differ from its .crc checksum",
                "re-create it");
    }

    @Test
    void samplesWithAnotherFeatureLengthThanTheModel() throws Exception {
        Path idxSamples = tmp.resolve("idx-samples");
        Path[] idx = Fixtures.idx(tmp, "t", 20, 3, 2, true);
        CliRun ingest = CliRun.of("ingest", "--format", "idx", "--train-images", idx[0].toString(), "--train-labels",
                idx[1].toString(), "--out", idxSamples.toString());
        org.junit.jupiter.api.Assertions.assertEquals(0, ingest.exitCode(), ingest.err());
        refused(idxSamples, fixture.run, List.of(), "takes 64 features per sample but", "has 9",
                "score with a model trained on this table");
    }

    @Test
    void checkpointThatDoesNotMatchItsModel() throws Exception {
        // epoch-002's checkpoint.json says hidden [32]; its parameters are those of the [16] model.
        Path run = tmp.resolve("run-copy");
        OutputSnapshot.plantCopy(fixture.run, run);
        Path json = run.resolve("epoch-002").resolve("checkpoint.json");
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode info = (ObjectNode) mapper.readTree(json.toFile());
        ((ArrayNode) info.with("spec").withArray("hidden")).removeAll().add(32);
        mapper.writeValue(json.toFile(), info);
        refused(fixture.samples, run, List.of(), run.resolve("epoch-002").toString(),
                "parameters do not match the model in checkpoint.json", "re-train");
    }

    @Test
    void missingCheckpointsOrEpoch() {
        Path nope = tmp.resolve("no-run");
        refused(fixture.samples, nope, List.of(), nope.toString(), "no such checkpoint directory", "coreset train");
        refused(fixture.samples, fixture.run, List.of("--epochs", "7"), "no checkpoint for epoch 7", "have [0, 1, 2]");
    }

    @Test
    void zeroOrNegativeSizes() {
        refused(fixture.samples, fixture.run, List.of("--batch-size", "0"), "--batch-size 0", "positive");
        refused(fixture.samples, fixture.run, List.of("--dim", "-4"), "--dim -4", "0 (off) or a positive");
        refused(fixture.samples, fixture.run, List.of("--posterior-draws", "0", "--posterior-sigma", "0.1"),
                "--posterior-draws >= 1");
        refused(fixture.samples, fixture.run, List.of("--posterior-sigma", "-0.5"), "--posterior-sigma must be >= 0");
    }
}
