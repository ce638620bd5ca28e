package dev.coreset.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The bytes of an output directory (every file, hidden ones included, by relative path) and the names beside
 * it, so a test can prove that a failed or skipped run left an existing output exactly as it was and created
 * nothing next to it (no staging or backup directory).
 */
public record OutputSnapshot(Path dir, Map<String, String> files, List<String> siblings) {

    public static OutputSnapshot of(Path dir) {
        Map<String, String> files = new TreeMap<>();
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                    files.put(dir.relativize(p).toString(), sha256(p) + " " + Files.getLastModifiedTime(p).toMillis());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new OutputSnapshot(dir, files, siblings(dir));
    }

    /** Copies a real output of the stage (e.g. a manifest) to {@code out} and snapshots it. */
    public static OutputSnapshot plantCopy(Path from, Path out) {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = out.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return of(out);
    }

    /** Same bytes in every file, same file names, and nothing new in the parent directory. */
    public void assertUntouched() {
        OutputSnapshot now = of(dir);
        assertEquals(files, now.files, dir + ": the existing output changed");
        assertEquals(siblings, now.siblings, dir.getParent() + ": entries appeared or vanished beside the output");
    }

    private static List<String> siblings(Path dir) {
        Path parent = dir.toAbsolutePath().getParent();
        if (!Files.isDirectory(parent)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(parent)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(Path p) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
