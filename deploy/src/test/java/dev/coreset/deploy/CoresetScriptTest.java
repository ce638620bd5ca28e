package dev.coreset.deploy;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/coreset's class-data archive, on the packaged build (this module's tests run after spark-jobs is packaged): a
 * command's first run saves one and says so, later runs use it silently with the same output, CORESET_CDS=off and a
 * jar older than its classes (after a bare compile) go without. The test's own JAVA_OPTS give it its own archive.
 */
class CoresetScriptTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path CDS = ROOT.resolve("spark-jobs/target/cds");
    private final String javaOpts = "-Xmx256m -Dcoreset.test.cds=" + UUID.randomUUID();

    @TempDir
    Path tmp;

    record Run(int exitCode, String out, String err) {
    }

    private Run coreset(Map<String, String> env, String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Stream.concat(Stream.of("/bin/bash", ROOT.resolve("bin/coreset")
                .toString()), Stream.of(args)).toList());
        pb.environment().put("JAVA_OPTS", javaOpts);
        pb.environment().putAll(env);
        Path out = tmp.resolve("out-" + UUID.randomUUID());
        Path err = tmp.resolve("err-" + UUID.randomUUID());
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "bin/coreset did not end");
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private List<Path> archives() throws IOException {
        if (!Files.isDirectory(CDS)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(CDS)) {
            return s.filter(p -> p.getFileName().toString().startsWith("help-")).toList();
        }
    }

    @AfterEach
    void removeTheTestsArchive() throws IOException {
        // Archives of other JAVA_OPTS (a user's) stay; this test's are the ones made during it.
        for (Path p : madeDuringTest()) {
            Files.deleteIfExists(p);
        }
    }

    private List<Path> madeDuringTest() throws IOException {
        List<Path> made = new java.util.ArrayList<>();
        for (Path p : archives()) {
            if (Files.getLastModifiedTime(p).toMillis() >= started) {
                made.add(p);
            }
        }
        return made;
    }

    /** `coreset help select` while {@code file} looks a minute newer than it is (a rebuild, a compile). */
    private Run helpWithNewer(Path file) throws Exception {
        FileTime was = Files.getLastModifiedTime(file);
        try {
            Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
            return coreset(Map.of(), "help", "select");
        } finally {
            Files.setLastModifiedTime(file, was);
        }
    }

    private final long started = System.currentTimeMillis() - 1000;

    @Test
    void theFirstRunSavesTheArchiveAndLaterRunsUseItWithTheSameOutput() throws Exception {
        List<Path> before = archives();
        Run first = coreset(Map.of(), "help", "select");
        assertEquals(0, first.exitCode(), first.err());
        assertTrue(first.err().contains("coreset: first 'help' run since the build"), first.err());
        List<Path> made = archives().stream().filter(p -> !before.contains(p)).toList();
        assertEquals(1, made.size(), "one archive: " + archives());
        assertTrue(made.get(0).getFileName().toString().endsWith(".jsa"), made.toString());
        assertTrue(Files.size(made.get(0)) > 0);

        Run second = coreset(Map.of(), "help", "select");
        assertEquals(0, second.exitCode(), second.err());
        assertFalse(second.err().contains("first 'help' run"), second.err());
        assertFalse((second.out() + second.err()).contains("cds"), "no class-data messages: " + second.err());
        assertEquals(first.out(), second.out());
        assertTrue(second.out().contains("Usage: coreset select"), second.out());

        // A rebuilt jar: the JVM would ignore the archive, so the next run saves a new one in its place.
        Run rebuilt = helpWithNewer(jar("spark-jobs"));
        assertEquals(0, rebuilt.exitCode(), rebuilt.err());
        assertTrue(rebuilt.err().contains("coreset: first 'help' run since the build"), rebuilt.err());
        assertEquals(first.out(), rebuilt.out());
        assertEquals(made, archives().stream().filter(p -> !before.contains(p)).toList(), "replaced in place");
        assertTrue(Files.getLastModifiedTime(made.get(0)).toMillis() >= System.currentTimeMillis() - 120_000);

        Run off = coreset(Map.of("CORESET_CDS", "off"), "help", "select");
        assertEquals(first.out(), off.out());
        assertFalse(off.err().contains("first 'help' run"), off.err());
        try (Stream<Path> s = Files.list(CDS)) {
            assertEquals(List.of(), s.filter(p -> p.toString().endsWith(".tmp")).toList(), "no half-written archive");
        }
    }

    @Test
    void heapSizesBelowCompressedOopsShareOneArchive() throws Exception {
        Run first = coreset(Map.of(), "help", "select");
        assertEquals(0, first.exitCode(), first.err());
        assertTrue(first.err().contains("coreset: first 'help' run since the build"), first.err());
        List<Path> made = madeDuringTest();
        assertEquals(1, made.size(), "one archive: " + archives());
        FileTime saved = Files.getLastModifiedTime(made.get(0));

        // Another heap (and an initial size): the same archive maps, so it is neither saved again nor replaced.
        Run otherHeap = coreset(Map.of("JAVA_OPTS", javaOpts.replace("-Xmx256m", "-Xmx320m -Xms64m")), "help", "select");
        assertEquals(0, otherHeap.exitCode(), otherHeap.err());
        assertFalse(otherHeap.err().contains("first 'help' run"), otherHeap.err());
        assertEquals(first.out(), otherHeap.out());
        assertEquals(made, madeDuringTest());
        assertEquals(saved, Files.getLastModifiedTime(made.get(0)), "not saved again");

        // Another option that is not a heap size still gets an archive of its own.
        Run otherFlag = coreset(Map.of("JAVA_OPTS", javaOpts + " -Dcoreset.test.other=1"), "help", "select");
        assertTrue(otherFlag.err().contains("coreset: first 'help' run since the build"), otherFlag.err());
    }

    @Test
    void theThroughputCollectorUnlessJavaOptsNamesOne() throws Exception {
        Path byDefault = tmp.resolve("gc-default.log");
        Run plain = coreset(Map.of("CORESET_CDS", "off", "JAVA_OPTS", javaOpts + " -Xlog:gc:file=" + byDefault),
                "help", "select");
        assertEquals(0, plain.exitCode(), plain.err());
        assertTrue(Files.readString(byDefault).contains("Using Parallel"), Files.readString(byDefault));
        // A collector of the user's replaces it: two would stop the JVM ("conflicting collector combinations").
        Path chosen = tmp.resolve("gc-chosen.log");
        Run g1 = coreset(Map.of("CORESET_CDS", "off", "JAVA_OPTS", javaOpts + " -XX:+UseG1GC -Xlog:gc:file=" + chosen),
                "help", "select");
        assertEquals(0, g1.exitCode(), g1.err());
        assertEquals(plain.out(), g1.out());
        assertTrue(Files.readString(chosen).contains("Using G1"), Files.readString(chosen));
    }

    private static Path jar(String module) throws IOException {
        try (Stream<Path> s = Files.list(ROOT.resolve(module).resolve("target"))) {
            return s.filter(p -> p.getFileName().toString().matches(module + "-[0-9].*[0-9T]\\.jar")).findFirst()
                    .orElseThrow();
        }
    }

    @Test
    void aJarOlderThanItsClassesIsNotUsed() throws Exception {
        // After a bare compile the classes folder is newer than the jar: run from the folders, no archive.
        Path classFile;
        try (Stream<Path> s = Files.walk(ROOT.resolve("spark-jobs/target/classes"))) {
            classFile = s.filter(p -> p.toString().endsWith("CoresetCli.class")).findFirst().orElseThrow();
        }
        Run run = helpWithNewer(classFile);
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("Usage: coreset select"), run.out());
        assertFalse(run.err().contains("first 'help' run"), run.err());
        assertEquals(List.of(), madeDuringTest());
    }
}
