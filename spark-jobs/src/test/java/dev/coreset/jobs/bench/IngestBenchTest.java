package dev.coreset.jobs.bench;

import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `coreset bench ingest` on a small CSV: the split counts it reports are the file's rows (no timing asserted). */
class IngestBenchTest {
    @TempDir
    Path tmp;

    @Test
    void reportsEveryGeneratedRowInItsSplit() throws IOException {
        Path work = tmp.resolve("work");
        CliRun run = CliRun.of("bench", "ingest", "--rows", "2000", "--dim", "4", "--classes", "5", "--seed", "7",
                "--label-noise", "0.3", "--work", work.toString(), "--keep", "--no-progress");
        assertEquals(0, run.exitCode(), run.err());

        // Counted from the kept CSV itself: round(0.1 x n_c) of each class go to val, the rest stay train.
        Path csv;
        try (Stream<Path> files = Files.list(work)) {
            csv = files.filter(p -> p.toString().endsWith(".csv")).findFirst().orElseThrow();
        }
        List<String> lines = Files.readAllLines(csv);
        assertEquals("f0,f1,f2,f3,label", lines.get(0));
        long[] perClass = new long[5];
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",");
            assertEquals(5, cells.length, line);
            perClass[Integer.parseInt(cells[4])]++;
        }
        long val = 0;
        for (long n : perClass) {
            assertTrue(n > 0);
            val += Math.round(0.1 * n);
        }
        assertEquals(2000, lines.size() - 1);
        assertEquals(Map.of("train", 2000 - val, "val", val), splitsPrinted(run.out()), run.out());
        assertEquals(2000, SparkTestSession.get().read().parquet(work.resolve("samples").toString()).count());
        Matcher noise = Pattern.compile("label noise: (\\d+) train labels flipped").matcher(run.out());
        assertTrue(noise.find(), run.out());
        double rate = Long.parseLong(noise.group(1)) / (double) (2000 - val);
        assertTrue(rate > 0.25 && rate < 0.35, "flipped " + rate);
    }

    @Test
    void aLostRowFailsTheRun() {
        long[] perClass = {100, 100};
        assertDoesNotThrow(() -> IngestBench.checkCounts(Map.of("train", 180L, "val", 20L),
                Map.of("train", 180L, "val", 20L), perClass));
        IllegalStateException lost = assertThrows(IllegalStateException.class, () -> IngestBench.checkCounts(
                Map.of("train", 179L, "val", 20L), Map.of("train", 179L, "val", 20L), perClass));
        assertTrue(lost.getMessage().contains("200 rows generated but 199"), lost.getMessage());
        assertThrows(IllegalStateException.class, () -> IngestBench.checkCounts(Map.of("train", 181L, "val", 19L),
                Map.of("train", 181L, "val", 19L), perClass));
    }

    @Test
    void featuresAreWrittenWithFourDecimals() {
        StringBuilder b = new StringBuilder();
        for (double v : new double[] {1.23456, -2.5, -0.00004, 12.00006, 0}) {
            IngestBench.appendFixed4(b, v);
            b.append(' ');
        }
        assertEquals("1.2346 -2.5000 0.0000 12.0001 0.0000 ", b.toString());
    }

    /** The split table the command printed: "split  rows (read back)" then one row per split. */
    private static Map<String, Long> splitsPrinted(String out) {
        Map<String, Long> splits = new java.util.TreeMap<>();
        Matcher m = Pattern.compile("(?m)^(train|val|test)\\s+(\\d+)$").matcher(out);
        while (m.find()) {
            splits.put(m.group(1), Long.parseLong(m.group(2)));
        }
        return splits;
    }
}
