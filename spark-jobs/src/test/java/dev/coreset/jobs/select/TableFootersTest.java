package dev.coreset.jobs.select;

import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.SparkTestSession;
import dev.coreset.schemas.ManifestReader;
import dev.coreset.schemas.SparkSchemas;
import dev.coreset.schemas.Tables;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rows and {@code --checkpoint last} from the Parquet footers, and the query's answer when the footers' maximum is not train's. */
class TableFootersTest {
    @TempDir
    Path tmp;

    private final SparkSession spark = SparkTestSession.get();

    /** 2 classes of 20 train rows at checkpoints 0..trainLast, and val rows at 0..valLast. */
    private Path scores(String name, int trainLast, int valLast) {
        List<Row> rows = new ArrayList<>();
        for (long id = 0; id < 40; id++) {
            for (int ck = 0; ck <= trainLast; ck++) {
                rows.add(RowFactory.create(id, (int) (id % 2), "train", ck, (id * 7 % 40) / 40f + ck, true, 0.1f, 0.1f,
                        new float[] {id, ck}, 1));
            }
        }
        for (long id = 100; id < 104; id++) {
            for (int ck = 0; ck <= valLast; ck++) {
                rows.add(RowFactory.create(id, (int) (id % 2), "val", ck, 0.5f, true, 0.1f, 0.1f, new float[2], 1));
            }
        }
        Path dir = tmp.resolve(name);
        spark.createDataFrame(rows, SparkSchemas.structType(Tables.SCORES, List.of(Tables.EMBEDDING))).repartition(2)
                .write().parquet(dir.toString());
        return dir;
    }

    private int selectedAt(Path scores) {
        Path out = tmp.resolve(scores.getFileName() + "-loss");
        CliRun run = CliRun.of("select", "--scores", scores.toString(), "--method", "loss", "--per-class", "5",
                "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        return ((Number) ManifestReader.open(out.toString()).metadata().parameters.get("checkpoint")).intValue();
    }

    @Test
    void theFootersGiveTheLastCheckpoint() {
        Path s = scores("plain", 2, 2);
        assertEquals(2, TableFooters.lastCheckpoint(s.toString(), new Configuration()));
        TableFooters f = TableFooters.read(s.toString(), new Configuration());
        assertEquals(40 * 3 + 4 * 3, f.rows());
        assertTrue(f.uncompressedBytes() > 0);
        assertEquals(2, selectedAt(s));
        assertNull(TableFooters.lastCheckpoint(tmp.resolve("missing").toString(), new Configuration()));
    }

    @Test
    void aLaterCheckpointOfAnotherSplitFallsBackToTrainsLast() {
        Path s = scores("val-later", 1, 3);
        assertEquals(3, TableFooters.lastCheckpoint(s.toString(), new Configuration()), "the footers see every split");
        assertEquals(1, selectedAt(s));
    }
}
