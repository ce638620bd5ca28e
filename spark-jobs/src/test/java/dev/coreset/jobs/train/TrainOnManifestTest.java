package dev.coreset.jobs.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.Fixtures;
import dev.coreset.schemas.ManifestReader;
import dev.coreset.schemas.SamplesReader;
import dev.coreset.schemas.Tables;
import dev.coreset.scoring.train.CloseableIterator;
import dev.coreset.scoring.train.LabeledRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `coreset train --manifest`: only the manifest's samples, its weights, and only with its own samples table. */
class TrainOnManifestTest {
    @TempDir
    static Path tmp;
    private static Path samples;
    private static Path facility;
    private static Path random;

    @BeforeAll
    static void selectTwoManifests() throws Exception {
        samples = tmp.resolve("samples");
        Path run = tmp.resolve("proxy");
        Path scores = tmp.resolve("scores");
        ok(CliRun.of("ingest", "--format", "csv", "--input", Fixtures.digitsCsv(tmp).toString(), "--label-column", "-1",
                "--seed", "5", "--out", samples.toString()));
        ok(CliRun.of("train", "--samples", samples.toString(), "--model", "mlp", "--hidden", "32", "--epochs", "1",
                "--batch-size", "64", "--seed", "3", "--out", run.toString()));
        ok(CliRun.of("score", "--samples", samples.toString(), "--checkpoints", run.toString(), "--embedding",
                "logits-grad", "--out", scores.toString()));
        facility = tmp.resolve("fl");
        random = tmp.resolve("random");
        ok(CliRun.of("select", "--scores", scores.toString(), "--method", "facility-location", "--fraction", "0.2",
                "--seed", "1", "--out", facility.toString()));
        ok(CliRun.of("select", "--scores", scores.toString(), "--method", "random", "--fraction", "0.2",
                "--seed", "1", "--out", random.toString()));
    }

    private static CliRun ok(CliRun run) {
        assertEquals(0, run.exitCode(), run.err());
        return run;
    }

    private static Map<Long, Double> manifest(Path dir) {
        Map<Long, Double> m = new HashMap<>();
        ManifestReader.open(dir.toString()).forEach((id, label, w) -> m.put(id, w));
        return m;
    }

    @Test
    void subsetYieldsExactlyTheManifestRowsWithTheirWeights() {
        Map<Long, Double> expected = manifest(facility);
        SamplesRowSource train = new SamplesRowSource(new SamplesReader(samples.toString(),
                Set.of(Tables.SPLIT_TRAIN), new Configuration()));
        for (long cacheBytes : new long[] {1L << 30, 1024}) { // in memory, and streamed past the cache bound
            ManifestSubset subset = ManifestSubset.load(samples.toString(), train,
                    ManifestWeights.read(facility.toString()), ManifestSubset.WeightMode.MANIFEST, cacheBytes);
            Map<Long, Double> seen = new HashMap<>();
            try (CloseableIterator<LabeledRow> it = subset.open(7)) {
                while (it.hasNext()) {
                    LabeledRow r = it.next();
                    assertNull(seen.put(r.id(), (double) r.weight()), "id " + r.id() + " twice");
                }
            }
            assertEquals(expected.keySet(), seen.keySet());
            expected.forEach((id, w) -> assertEquals(w, seen.get(id), 1e-4 * w, "weight of " + id));
            assertEquals(expected.size(), subset.rows());
        }
        assertTrue(expected.values().stream().anyMatch(w -> w > 1.5), "CRAIG weights are not all 1");
    }

    @Test
    void trainingCountsOnlyTheManifestSamples() throws Exception {
        Path out = tmp.resolve("sub-random");
        CliRun run = ok(CliRun.of("train", "--samples", samples.toString(), "--manifest", random.toString(),
                "--model", "mlp", "--hidden", "32", "--epochs", "3", "--batch-size", "32", "--lr", "0.01", "--seed", "2",
                "--out", out.toString()));
        int rows = manifest(random).size();
        TrainingRun info = TrainingRun.read(out);
        assertEquals(rows, info.rowsPerEpoch());
        assertEquals(3L * rows, info.samplesSeen());
        assertEquals(3, info.valAccuracy().size());
        long perEpoch = (rows + 31) / 32;
        assertEquals(List.of(perEpoch, 2 * perEpoch, 3 * perEpoch), info.steps(), "cumulative steps per epoch");
        assertTrue(info.valAccuracy().get(2) > 0.5, "a 20% subset of digits still learns: " + info.valAccuracy());
        assertFalse(Files.exists(out.resolve("epoch-000")), "no initial checkpoint for subset runs");
        assertTrue(run.out().contains(rows + " rows"), run.out());
    }

    @Test
    void weightsEnterTheLossOnlyThroughTheManifestColumn() {
        // All weights are 1 in a random manifest: manifest and uniform weighting must give bit-identical runs.
        assertEquals(trainLoss(random, "manifest"), trainLoss(random, "uniform"));
        // CRAIG weights differ from 1: the weighted loss must differ.
        assertNotEquals(trainLoss(facility, "manifest"), trainLoss(facility, "uniform"));
    }

    private static String trainLoss(Path manifest, String weights) {
        Path out = tmp.resolve("w-" + manifest.getFileName() + "-" + weights);
        CliRun run = ok(CliRun.of("train", "--samples", samples.toString(), "--manifest", manifest.toString(),
                "--weights", weights, "--model", "mlp", "--hidden", "16", "--epochs", "1", "--seed", "4",
                "--out", out.toString()));
        // The epoch row of the summary table: epoch, steps, train loss, val acc (seconds differ run to run).
        String[] cells = run.out().lines().filter(l -> l.trim().startsWith("1 ")).findFirst().orElseThrow()
                .trim().split("\\s+");
        return cells[2] + " " + cells[3];
    }

    @Test
    void aManifestFromAnotherSamplesTableIsRefusedAndNothingIsWritten() throws Exception {
        Path other = tmp.resolve("samples-other-split");
        ok(CliRun.of("ingest", "--format", "csv", "--input",
                Fixtures.digitsCsv(Files.createDirectories(tmp.resolve("csv-copy"))).toString(), "--label-column", "-1",
                "--seed", "6", "--out", other.toString()));
        Path out = tmp.resolve("mismatch");
        CliRun run = CliRun.of("train", "--samples", other.toString(), "--manifest", random.toString(),
                "--epochs", "1", "--out", out.toString());
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.errorLine().contains("fingerprint") && run.errorLine().contains(other.toString()),
                run.errorLine());
        assertFalse(Files.exists(out));
    }

    @Test
    void aPartialManifestIsRefused() throws Exception {
        Path copy = tmp.resolve("partial");
        try (var files = Files.list(random)) {
            Files.createDirectories(copy);
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        Files.delete(copy.resolve("_SUCCESS"));
        CliRun run = CliRun.of("train", "--samples", samples.toString(), "--manifest", copy.toString(),
                "--epochs", "1", "--out", tmp.resolve("partial-run").toString());
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.errorLine().contains("_SUCCESS"), run.errorLine());
        assertFalse(Files.exists(tmp.resolve("partial-run")));
    }

    @Test
    void unknownWeightModeIsRefused() {
        CliRun run = CliRun.of("train", "--samples", samples.toString(), "--manifest", random.toString(),
                "--weights", "sqrt", "--epochs", "1", "--out", tmp.resolve("bad-weights").toString());
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.errorLine().contains("--weights sqrt"), run.errorLine());
    }
}
