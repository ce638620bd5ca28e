package dev.coreset.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Damages a table directory the way a crashed copy or a full disk would, for bad-input tests. */
public final class Damage {
    private Damage() {
    }

    /** The first Parquet part file of a table directory (or the path itself when it is a file). */
    public static Path firstPart(Path table) {
        if (Files.isRegularFile(table)) {
            return table;
        }
        try (var files = Files.list(table)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".parquet")).sorted().findFirst()
                    .orElseThrow(() -> new IllegalStateException("no .parquet file in " + table));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Keeps the first {@code keep} share of the first part file's bytes and drops its Hadoop .crc, so the
     * Parquet reader itself (not the checksum layer) meets the truncation.
     */
    public static Path truncate(Path table, double keep) {
        Path part = firstPart(table);
        try {
            byte[] bytes = Files.readAllBytes(part);
            Files.write(part, Arrays.copyOf(bytes, (int) (bytes.length * keep)));
            Files.deleteIfExists(part.resolveSibling("." + part.getFileName() + ".crc"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return part;
    }

    /** Flips one byte of the first part file's footer and keeps its Hadoop .crc: bit rot the checksum catches. */
    public static Path flipByte(Path table) {
        Path part = firstPart(table);
        try {
            byte[] bytes = Files.readAllBytes(part);
            bytes[bytes.length - 16] ^= (byte) 0x5a; // in the footer, which Spark reads while planning
            Files.write(part, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return part;
    }
}
