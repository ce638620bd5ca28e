package dev.coreset.schemas;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.io.api.Binary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rows written field by field read back as written: arrays (empty ones too), binaries, strings, numbers. */
class ParquetTableWriterTest {
    @TempDir
    Path tmp;

    @Test
    void samplesReadBackAsWritten() throws Exception {
        Configuration conf = new Configuration();
        float[][] features = {{}, {1.5f, -2f, Float.MIN_VALUE}, new float[784]};
        features[2][783] = 255f;
        try (ParquetTableWriter w = new ParquetTableWriter(new org.apache.hadoop.fs.Path(tmp.resolve("a.parquet").toString()),
                Tables.SAMPLES, List.of(Tables.FEATURES, Tables.SOURCE), conf)) {
            for (int i = 0; i < features.length; i++) {
                w.write(w.newRow().add(Tables.SAMPLE_ID, 100L + i).add(Tables.LABEL, i).add(Tables.SPLIT, "train")
                        .add(Tables.FEATURES, features[i]).add(Tables.SOURCE, "src-" + i));
            }
            assertEquals(3, w.rows());
        }
        try (ParquetTableWriter w = new ParquetTableWriter(new org.apache.hadoop.fs.Path(tmp.resolve("b.parquet").toString()),
                Tables.SAMPLES, List.of(Tables.IMAGE), conf)) {
            w.write(w.newRow().add(Tables.SAMPLE_ID, 7L).add(Tables.LABEL, 1).add(Tables.SPLIT, "val")
                    .add(Tables.IMAGE, Binary.fromConstantByteArray(new byte[] {(byte) 0x89, 'P', 'N', 'G'})));
        }
        List<SamplesReader.Sample> read = new ArrayList<>();
        try (SamplesReader.Rows rows = new SamplesReader(tmp.resolve("a.parquet").toString(), Set.of(), conf).open()) {
            rows.forEachRemaining(read::add);
        }
        assertEquals(3, read.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(100L + i, read.get(i).sampleId());
            assertEquals(i, read.get(i).label());
            assertEquals("train", read.get(i).split());
            assertArrayEquals(features[i], read.get(i).features());
        }
        try (SamplesReader.Rows rows = new SamplesReader(tmp.resolve("b.parquet").toString(), Set.of(), conf).open()) {
            SamplesReader.Sample s = rows.next();
            assertEquals("val", s.split());
            assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, s.image());
            assertFalse(rows.hasNext());
        }
    }

    @Test
    void anUnknownColumnIsNamed() throws Exception {
        try (ParquetTableWriter w = new ParquetTableWriter(new org.apache.hadoop.fs.Path(tmp.resolve("c.parquet").toString()),
                Tables.MANIFEST, List.of(), new Configuration())) {
            var e = assertThrows(IllegalArgumentException.class, () -> w.newRow().add("weights", 1.0));
            assertTrue(e.getMessage().contains("'weights'"), e.getMessage());
        }
    }
}
