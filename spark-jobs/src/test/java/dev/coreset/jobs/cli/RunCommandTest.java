package dev.coreset.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.Fixtures;
import dev.coreset.schemas.ManifestReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import dev.coreset.schemas.Json;
import dev.coreset.schemas.TableInfo;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** {@code coreset run --config}: every stage of a curation run from one file, on the digits fixture. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RunCommandTest {
    @TempDir
    static Path tmp;
    private static Path digits;

    @BeforeAll
    static void input() throws Exception {
        digits = Fixtures.digitsCsv(tmp);
    }

    /** ingest, train, score, two selections and CLD; ${root} from vars, ${input} from --var. */
    private static String pipeline(Path root) {
        return """
                # digits curation
                vars:
                  root: %s
                spark:
                  conf:
                    spark.sql.shuffle.partitions: 4
                stages:
                  - ingest: {format: csv, input: "${input}", label-column: -1, limit: 600, test-fraction: 0.1, out: "${root}/samples"}
                  - train:  {samples: "${root}/samples", model: mlp, hidden: [16], epochs: 2, batch-size: 64, seed: 3, out: "${root}/run"}
                  - score:  {samples: "${root}/samples", checkpoints: "${root}/run", embedding: logits-grad, out: "${root}/scores"}
                  - select: {scores: "${root}/scores", method: facility-location, fraction: 0.1, partition-size: 64, out: "${root}/fl"}
                  - select: {scores: "${root}/scores", method: random, fraction: 0.1, seed: 5, out: "${root}/random"}
                  - cld:    {scores: "${root}/scores", per-class: 5, out: "${root}/cld"}
                """.formatted(root);
    }

    @Test
    @Order(1)
    void runsEveryStageOfAYamlFileInOrder() throws Exception {
        Path root = tmp.resolve("yaml-run");
        Path config = Files.writeString(tmp.resolve("pipeline.yaml"), pipeline(root));
        CliRun r = CliRun.of("run", "--config", config.toString(), "--var", "input=" + digits);
        assertEquals(0, r.exitCode(), r.err());
        for (int stage = 1; stage <= 6; stage++) {
            assertTrue(r.out().contains("== stage " + stage + " ("), r.out());
        }
        assertTrue(r.out().indexOf("ingested 600 samples") < r.out().indexOf("trained mlp"), r.out());
        assertTrue(r.out().contains("== stage 6 (cld) done"), r.out());
        TableInfo samples = Json.read(new org.apache.hadoop.fs.Path(root.resolve("samples").toString(), TableInfo.FILE_NAME),
                TableInfo.class, new org.apache.hadoop.conf.Configuration());
        assertEquals(600, samples.rows);
        long train = ((Number) ((Map<?, ?>) samples.summary.get("splits")).get("train")).longValue();
        // --fraction 0.1 of the train rows; CLD: 5 in each of the 10 classes.
        assertEquals(Math.round(0.1 * train), ManifestReader.open(root.resolve("fl").toString()).validate().rows());
        assertEquals(Math.round(0.1 * train), ManifestReader.open(root.resolve("random").toString()).validate().rows());
        assertEquals(50, ManifestReader.open(root.resolve("cld").toString()).validate().rows());
    }

    @Test
    void aMistakeInALaterStageFailsBeforeTheFirstStageRuns() throws Exception {
        Path root = tmp.resolve("bad-run");
        Path config = Files.writeString(tmp.resolve("bad.yaml"), pipeline(root).replace("embedding: logits-grad",
                "embeding: logits-grad"));
        CliRun r = CliRun.of("run", "--config", config.toString(), "--var", "input=" + digits);
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.errorLine().contains("stage 3 (score): Unknown options: '--embeding'"), r.errorLine());
        assertFalse(Files.exists(root.resolve("samples")), "stage 1 must not have run");

        CliRun undefined = CliRun.of("run", "--config", config.toString());
        assertEquals(2, undefined.exitCode());
        assertTrue(undefined.errorLine().contains("stage 1 (ingest) --input uses ${input}, which is not defined"),
                undefined.errorLine());

        Path unknown = Files.writeString(tmp.resolve("unknown.json"), "{\"stages\": [{\"demo\": {}}]}");
        CliRun u = CliRun.of("run", "--config", unknown.toString());
        assertEquals(2, u.exitCode());
        assertTrue(u.errorLine().contains("stage 1 is 'demo'; a stage is one of [cld, dedup, ingest, noise, score, select, train]"),
                u.errorLine());
    }

    @Test
    @Order(2)
    void aFailingStageStopsTheRunWithItsExitCode() throws Exception {
        Path root = tmp.resolve("yaml-run"); // the scores of the full run (test 1)
        Path config = Files.writeString(tmp.resolve("fails.yaml"), """
                stages:
                  - select: {scores: "%1$s/scores", method: random, per-class: 100000, out: "%1$s/too-many"}
                  - cld:    {scores: "%1$s/scores", per-class: 5, out: "%1$s/cld-after"}
                """.formatted(root));
        CliRun r = CliRun.of("run", "--config", config.toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("--per-class 100000 is larger than class"), r.err());
        assertTrue(r.err().contains("run: stage 1 (select) failed with exit code 2; later stages not run."), r.err());
        assertFalse(Files.exists(root.resolve("cld-after")));
        assertFalse(Files.exists(root.resolve("too-many")));
    }

    @Test
    void jsonAndYamlFilesGiveTheSameCommandLines() throws Exception {
        Path yaml = Files.writeString(tmp.resolve("dry.yaml"), pipeline(tmp.resolve("dry")));
        Path json = Files.writeString(tmp.resolve("dry.json"), """
                {"vars": {"root": "%s"},
                 "spark": {"conf": {"spark.sql.shuffle.partitions": 4}},
                 "stages": [
                  {"ingest": {"format": "csv", "input": "${input}", "label-column": -1, "limit": 600, "test-fraction": 0.1, "out": "${root}/samples"}},
                  {"train": {"samples": "${root}/samples", "model": "mlp", "hidden": [16], "epochs": 2, "batch-size": 64, "seed": 3, "out": "${root}/run"}},
                  {"score": {"samples": "${root}/samples", "checkpoints": "${root}/run", "embedding": "logits-grad", "out": "${root}/scores"}},
                  {"select": {"scores": "${root}/scores", "method": "facility-location", "fraction": 0.1, "partition-size": 64, "out": "${root}/fl"}},
                  {"select": {"scores": "${root}/scores", "method": "random", "fraction": 0.1, "seed": 5, "out": "${root}/random"}},
                  {"cld": {"scores": "${root}/scores", "per-class": 5, "out": "${root}/cld"}}]}
                """.formatted(tmp.resolve("dry")));
        CliRun a = CliRun.of("run", "--config", yaml.toString(), "--var", "input=in.csv", "--overwrite", "--dry-run");
        CliRun b = CliRun.of("run", "--config", json.toString(), "--var", "input=in.csv", "--overwrite", "--dry-run");
        assertEquals(0, a.exitCode(), a.err());
        assertEquals(a.out(), b.out());
        List<String> lines = a.out().lines().toList();
        assertEquals(6, lines.size(), a.out());
        String root = tmp.resolve("dry").toString();
        assertEquals("== stage 1 (ingest): coreset ingest --format csv --input in.csv --label-column -1 --limit 600"
                + " --test-fraction 0.1 --out " + root + "/samples --conf spark.sql.shuffle.partitions=4 --overwrite", lines.get(0));
        assertEquals("== stage 2 (train): coreset train --samples " + root + "/samples --model mlp --hidden 16 --epochs 2"
                + " --batch-size 64 --seed 3 --out " + root + "/run --overwrite", lines.get(1), "train takes no Spark settings");
        assertFalse(Files.exists(tmp.resolve("dry")), "a dry run writes nothing");
    }
}
