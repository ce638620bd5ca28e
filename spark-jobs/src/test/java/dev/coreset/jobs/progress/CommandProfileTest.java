package dev.coreset.jobs.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.PipelineFixture;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `--verbose`: the phases add up to the total, overlapping jobs count once, and a real select prints its jobs. */
class CommandProfileTest {
    @TempDir
    Path tmp;

    @Test
    void phasesAddUpAndOverlappingJobsCountOnce() {
        CommandProfile p = new CommandProfile(0, 4_000, 6_000);
        p.record(new CommandProfile.Job(0, "select: read", "count at SelectJob.java:10", 6_500, 7_500));
        // A job inside another (a broadcast's collect, say) adds no wall time.
        p.record(new CommandProfile.Job(2, "", "collect at X.java:3", 7_800, 8_000));
        p.record(new CommandProfile.Job(1, "select: greedy", "collect at DistributedGreedy.java:5", 7_600, 9_000));
        String table = p.table(10_000);
        assertEquals(4.0, seconds(table, "JVM start to the command's first Spark call"), 1e-9);
        assertEquals(2.0, seconds(table, "Spark session start"), 1e-9);
        assertEquals(1.0 + 1.4, seconds(table, "Spark jobs \\(3, wall time covered\\)"), 1e-9);
        assertEquals(4.0 - 2.4, seconds(table, "driver work between and after jobs"), 1e-9);
        assertEquals(10.0, seconds(table, "total since JVM start"), 1e-9);
        // Gaps of a quarter second or more get their own row; 7,500 -> 7,600 does not.
        assertEquals(0.5, seconds(table, "driver work before job 0"), 1e-9);
        assertEquals(1.0, seconds(table, "driver work after the last job"), 1e-9);
        assertTrue(!table.contains("before job 1") && !table.contains("before job 2"), table);
        assertTrue(table.indexOf("job 0: select: read | count at SelectJob.java:10")
                < table.indexOf("job 1: select: greedy"), table);
        assertTrue(table.indexOf("job 1: select: greedy") < table.indexOf("job 2: collect at X.java:3"), table);
    }

    @Test
    void selectVerbosePrintsItsJobs() {
        PipelineFixture f = PipelineFixture.get();
        CliRun run = CliRun.of("select", "--scores", f.scores.toString(), "--method", "facility-location",
                "--fraction", "0.1", "--out", tmp.resolve("m").toString(), "--verbose", "--no-progress");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.err().contains("time profile (--verbose)"), run.err());
        assertTrue(Pattern.compile("job \\d+: select").matcher(run.err()).find(), run.err());
        assertTrue(seconds(run.err(), "driver work between and after jobs") >= 0, run.err());
        CliRun quiet = CliRun.of("select", "--scores", f.scores.toString(), "--method", "random", "--fraction", "0.1",
                "--out", tmp.resolve("r").toString(), "--no-progress");
        assertEquals(0, quiet.exitCode(), quiet.err());
        assertTrue(!quiet.err().contains("time profile"), quiet.err());
    }

    private static double seconds(String table, String rowPattern) {
        Matcher m = Pattern.compile(rowPattern + "\\s+(-?[0-9.]+)\\n").matcher(table);
        assertTrue(m.find(), rowPattern + " in\n" + table);
        return Double.parseDouble(m.group(1));
    }
}
