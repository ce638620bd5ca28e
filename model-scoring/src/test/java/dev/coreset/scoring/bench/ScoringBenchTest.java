package dev.coreset.scoring.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coreset.scoring.EmbeddingKind;
import dev.coreset.scoring.ScoreOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScoringBenchTest {
    @Test
    void timesMlpAndCnn() {
        List<ScoringBench.Result> results = ScoringBench.mlpAndCnn(64,
                ScoreOptions.defaults().withEmbedding(EmbeddingKind.LAST_LAYER_GRAD).withProjection(32, 1).withMaxBatchRows(32), 1, 1);
        assertEquals(2, results.size());
        for (ScoringBench.Result r : results) {
            assertEquals(64, r.rows());
            assertTrue(r.samplesPerSecond() > 0, r.toString());
        }
        assertTrue(results.get(1).model().startsWith("cnn"));
    }
}
