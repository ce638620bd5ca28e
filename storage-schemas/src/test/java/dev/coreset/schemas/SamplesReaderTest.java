package dev.coreset.schemas;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SamplesReaderTest {
    @TempDir
    Path tmp;

    @Test
    void streamsOnlyTheRequestedSplitsInFileOrder() throws Exception {
        Configuration conf = new Configuration();
        for (int f = 0; f < 2; f++) {
            try (ParquetTableWriter w = new ParquetTableWriter(
                    new org.apache.hadoop.fs.Path(tmp.resolve("part-" + f + ".parquet").toString()),
                    Tables.SAMPLES, List.of(Tables.FEATURES), conf)) {
                for (int i = 0; i < 5; i++) {
                    ParquetTableWriter.Row g = w.newRow();
                    long id = f * 10L + i;
                    g.add(Tables.SAMPLE_ID, id);
                    g.add(Tables.LABEL, i % 2);
                    g.add(Tables.SPLIT, i == 4 ? "val" : "train");
                    ParquetTableWriter.addFloats(g, Tables.FEATURES, new float[] {id, -id});
                    w.write(g);
                }
            }
        }
        SamplesReader reader = new SamplesReader(tmp.toString(), Set.of("train"), conf);
        List<Long> ids = new ArrayList<>();
        try (SamplesReader.Rows rows = reader.open()) {
            while (rows.hasNext()) {
                SamplesReader.Sample s = rows.next();
                ids.add(s.sampleId());
                assertArrayEquals(new float[] {s.sampleId(), -s.sampleId()}, s.features());
                assertEquals("train", s.split());
            }
        }
        assertEquals(List.of(0L, 1L, 2L, 3L, 10L, 11L, 12L, 13L), ids);
    }

    @Test
    void refusesATableWithoutTheContractColumns() throws Exception {
        Configuration conf = new Configuration();
        try (ParquetTableWriter w = new ParquetTableWriter(
                new org.apache.hadoop.fs.Path(tmp.resolve("part-0.parquet").toString()), Tables.MANIFEST, List.of(), conf)) {
            ParquetTableWriter.Row g = w.newRow();
            g.add(Tables.SAMPLE_ID, 1L);
            g.add(Tables.LABEL, 0);
            g.add(Tables.WEIGHT, 1.0);
            g.add(Tables.RANK, 0);
            w.write(g);
        }
        var e = assertThrows(CoresetInputException.class, () -> new SamplesReader(tmp.toString(), Set.of(), conf));
        assertTrue(e.getMessage().contains("missing column 'split'"), e.getMessage());
    }
}
