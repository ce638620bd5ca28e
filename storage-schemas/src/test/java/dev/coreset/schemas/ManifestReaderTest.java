package dev.coreset.schemas;

import static dev.coreset.schemas.ManifestFixtures.Row;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestReaderTest {
    @TempDir
    Path tmp;

    private static final List<Row> ROWS = List.of(new Row(10, 0, 3.0), new Row(11, 1, 1.0), new Row(42, 1, 2.0));

    @Test
    void roundTripThroughParquetAndReader() throws IOException {
        Path dir = ManifestFixtures.write(tmp.resolve("m"), ROWS, 1, true);
        ManifestReader reader = ManifestReader.open(dir.toString());
        assertEquals("random", reader.metadata().method);
        ManifestReader.Summary summary = reader.validate();
        assertEquals(3, summary.rows());
        assertEquals(2, summary.classes());
        assertEquals(6.0, summary.weightSum(), 1e-12);
        List<Row> read = new ArrayList<>();
        reader.forEach((id, label, weight) -> read.add(new Row(id, label, weight)));
        assertEquals(ROWS, read);
    }

    @Test
    void refusesManifestWithoutSuccessMarker() throws IOException {
        Path dir = ManifestFixtures.write(tmp.resolve("m"), ROWS, 1, false);
        var e = assertThrows(CoresetInputException.class, () -> ManifestReader.open(dir.toString()));
        assertTrue(e.getMessage().contains("incomplete manifest"), e.getMessage());
        assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
    }

    @Test
    void refusesUnknownFormatVersion() throws IOException {
        Path dir = ManifestFixtures.write(tmp.resolve("m"), ROWS, 99, true);
        var e = assertThrows(CoresetInputException.class, () -> ManifestReader.open(dir.toString()));
        assertTrue(e.getMessage().contains("format version 99"), e.getMessage());
    }

    @Test
    void refusesMissingDirectory() {
        var e = assertThrows(CoresetInputException.class,
                () -> ManifestReader.open(tmp.resolve("nope").toString()));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void refusesDuplicateIds() throws IOException {
        Path dir = ManifestFixtures.write(tmp.resolve("m"),
                List.of(new Row(5, 0, 1.0), new Row(5, 1, 1.0)), 1, true);
        var e = assertThrows(CoresetInputException.class, () -> ManifestReader.open(dir.toString()).validate());
        assertTrue(e.getMessage().contains("'sample_id' holds 5 twice"), e.getMessage());
    }

    @Test
    void refusesNonPositiveWeight() throws IOException {
        Path dir = ManifestFixtures.write(tmp.resolve("m"),
                List.of(new Row(5, 0, 1.0), new Row(6, 1, 0.0)), 1, true);
        var e = assertThrows(CoresetInputException.class, () -> ManifestReader.open(dir.toString()).validate());
        assertTrue(e.getMessage().contains("'weight' of sample_id 6 is 0.0"), e.getMessage());
    }

    @Test
    void refusesTruncatedParquetFile() throws IOException {
        Path dir = ManifestFixtures.write(tmp.resolve("m"), ROWS, 1, true);
        Path part = dir.resolve("part-00000.parquet");
        byte[] bytes = Files.readAllBytes(part);
        Files.write(part, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        var e = assertThrows(CoresetInputException.class, () -> ManifestReader.open(dir.toString()));
        assertTrue(e.getMessage().contains("not a readable Parquet file"), e.getMessage());
        assertTrue(e.getMessage().contains("part-00000.parquet"), e.getMessage());
    }

    @Test
    void refusesWrongColumnType() throws IOException {
        Path dir = tmp.resolve("m");
        ManifestFixtures.write(dir, ROWS, 1, true);
        // Replace the part file with one whose weight column is a float.
        TableSchema wrong = new TableSchema("manifest", 1, List.of(
                Column.required(Tables.SAMPLE_ID, ColumnType.LONG), Column.required(Tables.LABEL, ColumnType.INT),
                Column.required(Tables.WEIGHT, ColumnType.FLOAT), Column.required(Tables.RANK, ColumnType.INT)));
        try (ParquetTableWriter w = new ParquetTableWriter(
                new org.apache.hadoop.fs.Path(dir.resolve("part-00000.parquet").toString()), wrong, List.of(),
                ManifestFixtures.CONF)) {
            ParquetTableWriter.Row g = w.newRow();
            g.add(Tables.SAMPLE_ID, 1L);
            g.add(Tables.LABEL, 0);
            g.add(Tables.WEIGHT, 1.0f);
            g.add(Tables.RANK, 0);
            w.write(g);
        }
        var e = assertThrows(CoresetInputException.class, () -> ManifestReader.open(dir.toString()));
        assertTrue(e.getMessage().contains("column 'weight' has type float"), e.getMessage());
    }

    @Test
    void refusesMissingColumn() throws IOException {
        Path dir = tmp.resolve("m");
        ManifestFixtures.write(dir, ROWS, 1, true);
        TableSchema noWeight = new TableSchema("manifest", 1, List.of(
                Column.required(Tables.SAMPLE_ID, ColumnType.LONG), Column.required(Tables.LABEL, ColumnType.INT)));
        try (ParquetTableWriter w = new ParquetTableWriter(
                new org.apache.hadoop.fs.Path(dir.resolve("part-00000.parquet").toString()), noWeight, List.of(),
                ManifestFixtures.CONF)) {
            ParquetTableWriter.Row g = w.newRow();
            g.add(Tables.SAMPLE_ID, 1L);
            g.add(Tables.LABEL, 0);
            w.write(g);
        }
        var e = assertThrows(CoresetInputException.class, () -> ManifestReader.open(dir.toString()));
        assertTrue(e.getMessage().contains("missing column 'weight'"), e.getMessage());
    }

    @Test
    void refusesRowCountDifferentFromBudget() throws IOException {
        Path dir = ManifestFixtures.write(tmp.resolve("m"), ROWS, 1, true);
        ManifestMetadata meta = Json.read(new org.apache.hadoop.fs.Path(dir.resolve("_coreset.json").toString()),
                ManifestMetadata.class, ManifestFixtures.CONF);
        meta.budget.total = 5;
        Json.write(new org.apache.hadoop.fs.Path(dir.resolve("_coreset.json").toString()), meta, ManifestFixtures.CONF);
        var e = assertThrows(CoresetInputException.class, () -> ManifestReader.open(dir.toString()).validate());
        assertTrue(e.getMessage().contains("3 rows but _coreset.json says 5"), e.getMessage());
    }
}
