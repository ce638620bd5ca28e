package dev.coreset.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coreset.schemas.ManifestMetadata;
import dev.coreset.schemas.ManifestReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;

/**
 * What "byte-identical manifest" means across two runs of the pipeline into different root directories, with what
 * legitimately differs between two JVMs taken out:
 * <ul>
 * <li>Parquet data files (keyed by name with Spark's per-write UUID blanked): SHA-256 of every byte before the
 * footer, and of the footer re-serialized with each column chunk's {@code encodings} list sorted. parquet-mr
 * writes that list from a hash set of enum constants, whose order follows identity hash codes and so changes from
 * one JVM to the next (seen: [PLAIN, BIT_PACKED] against [BIT_PACKED, PLAIN]); every other footer field stays.</li>
 * <li>{@code _SUCCESS}: its bytes.</li>
 * <li>JSON side files: without creation times ("createdAt"), input stamps ("stamp": names, sizes and mtimes of the
 * inputs) and the run's own root directory in paths.</li>
 * </ul>
 * Hadoop's local .crc files are left out (checksums of the files compared).
 * Runs whose tasks were split differently (local mode against a cluster) write other Parquet files; for them
 * {@link #assertSameSelection} compares what the manifest says instead.
 */
record ManifestFiles(Map<String, String> files) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> PER_RUN_FIELDS = Set.of("createdAt", "stamp");

    static ManifestFiles of(Path manifest, Path root) {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> s = Files.list(manifest)) {
            for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith(".crc")) {
                    continue;
                }
                String key = name.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "UUID");
                files.put(key, name.endsWith(".json") ? sideFile(f, root)
                        : name.endsWith(".parquet") ? parquetDigest(f) : HexFormat.of().formatHex(sha256().digest(Files.readAllBytes(f))));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ManifestFiles(files);
    }

    private static String sideFile(Path f, Path root) throws IOException {
        JsonNode tree = JSON.readTree(f.toFile());
        dropPerRunFields(tree);
        return tree.toString().replace(root.toAbsolutePath().toString(), "ROOT");
    }

    private static void dropPerRunFields(JsonNode node) {
        if (node instanceof ObjectNode o) {
            o.remove(PER_RUN_FIELDS);
        }
        node.forEach(ManifestFiles::dropPerRunFields);
    }

    /** Data pages and indexes as written; the footer with only the encodings lists put in order (see above). */
    private static String parquetDigest(Path f) throws IOException {
        byte[] b = Files.readAllBytes(f);
        int footerLength = ByteBuffer.wrap(b, b.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        int footerStart = b.length - 8 - footerLength;
        FileMetaData footer = Util.readFileMetaData(new ByteArrayInputStream(b, footerStart, footerLength));
        for (RowGroup group : footer.getRow_groups()) {
            for (ColumnChunk chunk : group.getColumns()) {
                chunk.getMeta_data().getEncodings().sort(Comparator.comparingInt(Encoding::getValue));
            }
        }
        ByteArrayOutputStream normalized = new ByteArrayOutputStream();
        Util.writeFileMetaData(footer, normalized);
        MessageDigest sha = sha256();
        sha.update(b, 0, footerStart);
        sha.update(normalized.toByteArray());
        return HexFormat.of().formatHex(sha.digest());
    }

    /**
     * {@code actual} (local path or any Hadoop URI) selects what {@code expected} does: the same rows (id, label,
     * weight), none missing, from a source of the same fingerprint, within the same budget.
     */
    static void assertSameSelection(String expected, String actual, String what) {
        List<String> rows = rows(expected);
        assertFalse(rows.isEmpty(), what + ": empty manifest " + expected);
        assertEquals(rows, rows(actual), what + ": rows differ from " + expected);
        ManifestMetadata e = ManifestReader.open(expected).metadata();
        ManifestMetadata a = ManifestReader.open(actual).metadata();
        assertEquals(e.source.fingerprint, a.source.fingerprint, what + ": source fingerprint");
        assertEquals(e.budget.total, a.budget.total, what + ": budget");
    }

    /** A manifest's rows as "id label weight", sorted by id. */
    private static List<String> rows(String manifest) {
        List<String> rows = new ArrayList<>();
        ManifestReader.open(manifest).forEach((id, label, weight) -> rows.add(id + " " + label + " " + weight));
        rows.sort(Comparator.comparingLong(r -> Long.parseLong(r.substring(0, r.indexOf(' ')))));
        return rows;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
