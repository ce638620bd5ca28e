package dev.coreset.jobs;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The bad-input contract, checked the same way for every command: exit code 2, one line naming the problem
 * and the fix, no output created, and an existing output at --out byte-for-byte untouched.
 * <p>One run proves all of it: a real earlier output of the command is planted at --out and the command runs
 * with --overwrite (the path on which a failure could damage it). Afterwards the output holds the same bytes
 * and the directory around it the same entries, so nothing was created either (no staging or backup
 * directory, no second output). Without --overwrite the run would stop at the existing output instead.
 */
public final class Refusals {
    private Refusals() {
    }

    /**
     * @param out       the command's --out (must not exist yet)
     * @param previous  a real earlier output of the same command, copied to {@code out}
     * @param args      the command line, without --overwrite
     * @param fragments text the error line must contain: the problem and the fix
     */
    public static CliRun assertRefused(Path out, Path previous, List<String> args, String... fragments) {
        assertFalse(Files.exists(out), out + " exists before the run");
        OutputSnapshot existing = OutputSnapshot.plantCopy(previous, out);
        List<String> overwrite = new ArrayList<>(args);
        overwrite.add("--overwrite");
        CliRun run = CliRun.of(overwrite.toArray(String[]::new));
        assertOneLine(run, fragments);
        existing.assertUntouched();
        return run;
    }

    /** Exit code 2 and a single "error:" line holding every fragment. */
    public static void assertOneLine(CliRun run, String... fragments) {
        assertEquals(2, run.exitCode(), "exit code; stderr:\n" + run.err());
        List<String> errors = run.err().lines().filter(l -> l.startsWith("error:")).toList();
        assertEquals(1, errors.size(), "one error line; stderr:\n" + run.err());
        String line = errors.get(0);
        for (String f : fragments) {
            assertTrue(line.contains(f), "'" + f + "' missing from: " + line);
        }
        assertFalse(run.err().contains("\tat "), "no stack trace; stderr:\n" + run.err());
    }
}
