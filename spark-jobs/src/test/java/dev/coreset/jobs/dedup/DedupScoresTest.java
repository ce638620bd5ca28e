package dev.coreset.jobs.dedup;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.PipelineFixture;
import dev.coreset.jobs.Refusals;
import dev.coreset.jobs.SparkTestSession;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** coreset dedup --scores: the train rows of a scores table at one checkpoint, and its refusal without embeddings. */
class DedupScoresTest {
    @TempDir
    static Path tmp;

    @Test
    void scoresTableEmbeddingsAtACheckpoint() {
        PipelineFixture fixture = PipelineFixture.get();
        Path out = tmp.resolve("flags");
        CliRun run = CliRun.of("dedup", "--scores", fixture.scores.toString(), "--checkpoint", "last", "--epsilon", "0.01",
                "--out", out.toString(), "--no-progress");
        assertEquals(0, run.exitCode(), run.err());
        SparkSession spark = SparkTestSession.get();
        Map<Long, Integer> trainLabel = new HashMap<>();
        for (Row r : spark.read().parquet(fixture.scores.toString()).filter(col("split").equalTo("train"))
                .select("sample_id", "label").distinct().collectAsList()) {
            trainLabel.put(r.getLong(0), r.getInt(1));
        }
        List<Row> flags = spark.read().parquet(out.toString()).collectAsList();
        for (Row f : flags) {
            long id = f.getLong(f.fieldIndex("sample_id"));
            long kept = f.getLong(f.fieldIndex("kept_id"));
            assertTrue(trainLabel.containsKey(id) && trainLabel.containsKey(kept), "train rows only: " + f);
            assertEquals(trainLabel.get(id), trainLabel.get(kept), "per class: " + f);
            assertTrue(f.getDouble(f.fieldIndex("similarity")) >= 0.99, f.toString());
        }
        assertTrue(run.out().contains("of " + trainLabel.size() + " rows"), run.out());

        Path bare = tmp.resolve("scores-without-embedding");
        spark.read().parquet(fixture.scores.toString()).drop("embedding").write().parquet(bare.toString());
        Refusals.assertRefused(tmp.resolve("refused"), out, List.of("dedup", "--scores", bare.toString(), "--out",
                tmp.resolve("refused").toString(), "--no-progress"), "no 'embedding' column", "--embeddings");
    }
}
