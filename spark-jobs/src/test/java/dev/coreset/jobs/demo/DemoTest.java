package dev.coreset.jobs.demo;

import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.Fixtures;
import dev.coreset.schemas.Json;
import dev.coreset.schemas.ManifestReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quick demo end to end on the digits fixture: every stage, every method, the report, and reuse. */
class DemoTest {
    @TempDir
    static Path tmp;
    private static Path out;
    private static CliRun first;
    private static DemoResults results;

    @BeforeAll
    static void runQuickDemo() throws Exception {
        out = tmp.resolve("demo");
        first = demo();
        assertEquals(0, first.exitCode(), first.err());
        results = Json.MAPPER.readValue(out.resolve("results.json").toFile(), DemoResults.class);
    }

    private static CliRun demo(String... extra) throws Exception {
        Path csv = tmp.resolve("digits.csv.gz");
        if (!Files.exists(csv)) {
            Fixtures.digitsCsv(tmp);
        }
        List<String> args = new java.util.ArrayList<>(List.of("demo", "--quick", "--dataset", "csv:" + csv,
                "--train-epochs", "8", "--out", out.toString(), "--no-progress"));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void reportHasEverySectionAndItsPlots() throws Exception {
        String html = Files.readString(out.resolve("report.html"), StandardCharsets.UTF_8);
        for (String section : DemoReport.SECTIONS) {
            assertTrue(html.contains("id=\"" + section + "\""), "section " + section);
        }
        // per noise level: accuracy against size under both protocols, accuracy against steps, classes; the time
        // chart; the flipped-label chart of the noisy run
        assertEquals(10, html.split("<img ", -1).length - 1);
        for (String png : List.of("accuracy-clean-epochs", "accuracy-clean-steps", "accuracy-noise30-epochs",
                "accuracy-noise30-steps", "steps-clean", "steps-noise30", "classes-clean", "classes-noise30", "time",
                "flipped-noise30")) {
            byte[] bytes = Files.readAllBytes(out.resolve("report").resolve(png + ".png"));
            assertEquals((byte) 0x89, bytes[0], png + " is a PNG");
            assertEquals('P', bytes[1]);
        }
        for (String method : DemoMethod.cliNames()) {
            assertTrue(first.out().contains(method), "table row for " + method);
        }
    }

    @Test
    void everyMethodTrainedOnExactlyItsCoresetAndFullDataOnTheWholeSplit() {
        DemoLayout layout = new DemoLayout(out);
        assertEquals(2 * (1 + DemoMethod.cliNames().size()), results.runs.size());
        for (DemoResults.Run run : results.runs) {
            DemoResults.Dataset data = results.datasets.stream().filter(d -> d.noise().equals(run.noise())).findFirst()
                    .orElseThrow();
            long fullSteps = results.runs.stream().filter(r -> r.noise().equals(run.noise()) && r.method().equals("full"))
                    .findFirst().orElseThrow().steps().get(7);
            if (run.method().equals("full")) {
                assertEquals(data.rows(), run.rows());
                assertTrue(run.finalAccuracy() > 0.6, "full data reaches a real accuracy: " + run.finalAccuracy());
            } else {
                DemoMethod m = DemoMethod.parse(run.method());
                Path manifest = layout.coreset(run.noise(), m, run.fraction(), m.seeded() ? run.seed() : null);
                long rows = ManifestReader.open(manifest.toString()).validate().rows();
                assertEquals(rows, run.rows(), run.method());
                // Filtered methods take 10% of what the noise flags leave.
                long flagged = m.filtered() ? results.flags.stream().filter(f -> f.noise().equals(run.noise()))
                        .findFirst().orElseThrow().flagged() : 0;
                assertEquals(Math.round(0.1 * (data.rows() - flagged)), rows, 5, "10% of the candidates: " + run.method());
                assertTrue(run.testAccuracy().size() > 8, "a coreset runs more epochs than the full data: "
                        + run.testAccuracy().size());
            }
            // Equal steps: every run ends at the full run's 8 epochs of steps; each epoch was evaluated.
            assertEquals(fullSteps, run.steps().get(run.steps().size() - 1), run.method());
            assertEquals(run.steps().size(), run.testAccuracy().size(), "one accuracy per evaluation");
            assertEquals(run.steps().size(), run.epochSeconds().size());
        }
    }

    @Test
    void noiseIsMeasuredAgainstTheTrueFlips() {
        DemoResults.Dataset clean = results.datasets.stream().filter(d -> d.noise().equals("clean")).findFirst()
                .orElseThrow();
        DemoResults.Dataset noisy = results.datasets.stream().filter(d -> d.noise().equals("noise30")).findFirst()
                .orElseThrow();
        assertEquals(0, clean.noisy());
        assertEquals(0.3, (double) noisy.noisy() / noisy.rows(), 0.05);
        for (DemoResults.Coreset c : results.coresets) {
            assertEquals(c.rows(), c.classCounts().stream().mapToLong(Long::longValue).sum());
            assertTrue(c.noisy() <= c.rows());
            if (c.noise().equals("clean")) {
                assertEquals(0, c.noisy());
            }
        }
        assertEquals(2, results.flags.size());
    }

    @Test
    void aSecondRunReusesEveryStageAndRewritesNothing() throws Exception {
        Path manifest = new DemoLayout(out).coreset("noise30", DemoMethod.FACILITY_LOCATION, 0.1, null);
        FileTime before = Files.getLastModifiedTime(manifest.resolve("_SUCCESS"));
        CliRun again = demo();
        assertEquals(0, again.exitCode(), again.err());
        long stages = again.err().lines().filter(l -> l.matches("\\[\\s*\\d+\\].*")).count();
        long reused = again.err().lines().filter(l -> l.matches("\\[\\s*\\d+\\].*reused.*")).count();
        assertTrue(stages > 30, again.err());
        assertEquals(stages, reused, again.err());
        assertEquals(before, Files.getLastModifiedTime(manifest.resolve("_SUCCESS")));
        DemoResults second = Json.MAPPER.readValue(out.resolve("results.json").toFile(), DemoResults.class);
        assertEquals(results.runs.size(), second.runs.size());
        for (int i = 0; i < results.runs.size(); i++) {
            assertEquals(results.runs.get(i).testAccuracy(), second.runs.get(i).testAccuracy());
        }
    }

    @Test
    void aFolderThatIsNotADemosIsNeverTouched() throws Exception {
        Path other = Files.createDirectories(tmp.resolve("not-a-demo"));
        Path keep = Files.writeString(other.resolve("keep.txt"), "mine");
        CliRun run = CliRun.of("demo", "--quick", "--fresh", "--dataset", "csv:" + tmp.resolve("digits.csv.gz"),
                "--out", other.toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.errorLine().contains("holds no demo-plan.json"), run.errorLine());
        assertEquals("mine", Files.readString(keep));
    }

    @Test
    void aMissingDatasetSaysHowToInstallIt() {
        CliRun run = CliRun.of("demo", "--quick", "--dataset", "idx:" + tmp.resolve("nowhere"), "--out",
                tmp.resolve("none").toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.errorLine().contains("train-images-idx3-ubyte.gz: no such file"), run.errorLine());
        assertFalse(Files.exists(tmp.resolve("none")));
    }
}
