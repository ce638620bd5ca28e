package dev.coreset.scoring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.djl.Device;
import ai.djl.Model;
import dev.coreset.scoring.model.Checkpoints;
import dev.coreset.scoring.model.ModelSpec;
import dev.coreset.scoring.train.LabeledRow;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCacheTest {
    @TempDir
    Path tmp;

    @AfterEach
    void clear() {
        ModelCache.clear();
    }

    @Test
    void reloadedCheckpointScoresLikeTheInMemoryModel() {
        Engines.pytorch();
        ModelSpec spec = ModelSpec.cnn(1, 8, 8, 4, List.of(4, 6), List.of(12));
        List<LabeledRow> rows = new ArrayList<>();
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (int i = 0; i < 30; i++) {
            float[] f = new float[64];
            for (int j = 0; j < 64; j++) {
                f[j] = (float) r.nextDouble();
            }
            rows.add(new LabeledRow(i, r.nextInt(4), f));
        }
        float[] x = TestData.flat(rows);
        int[] y = TestData.labels(rows);
        ScoreOptions o = ScoreOptions.defaults().withEmbedding(EmbeddingKind.LAST_LAYER_GRAD).withPosterior(3, 0.1, 1);
        ScoreBatch expected;
        Path dir;
        try (Model m = Checkpoints.newInitializedModel(spec, Device.cpu(), 5);
             BatchScorer s = new BatchScorer(ScoringModel.of(m, spec), o)) {
            expected = s.score(x, y);
            dir = Checkpoints.save(m, spec, tmp, 3, 5);
        }
        ScoringModel cached = ModelCache.get(dir, Device.cpu());
        assertSame(cached, ModelCache.get(ModelRef.checkpoint(dir), Device.cpu()));
        assertEquals(1, ModelCache.size());
        assertEquals(spec, cached.spec());
        cached.close(); // no-op for cached models
        try (BatchScorer s = new BatchScorer(cached, o)) {
            ScoreBatch got = s.score(x, y);
            assertArrayEquals(expected.loss(), got.loss());
            assertArrayEquals(expected.margin(), got.margin());
            assertArrayEquals(expected.embedding(), got.embedding());
        }
    }

    @Test
    void twoThreadsScoringAtOnceMatchOneThread() throws Exception {
        Engines.pytorch();
        ModelSpec spec = ModelSpec.mlp(TestData.DIM, TestData.CLASSES, List.of(32, 16));
        Path dir;
        try (Model m = Checkpoints.newInitializedModel(spec, Device.cpu(), 2)) {
            dir = Checkpoints.save(m, spec, tmp, 1, 2);
        }
        List<LabeledRow> rows = TestData.blobs(200, 12);
        float[] x = TestData.flat(rows);
        int[] y = TestData.labels(rows);
        ScoreOptions o = ScoreOptions.defaults().withEmbedding(EmbeddingKind.LAST_LAYER_GRAD).withProjection(16, 3)
                .withMaxBatchRows(25);
        ScoreBatch single;
        try (BatchScorer s = new BatchScorer(ModelCache.get(dir, Device.cpu()), o)) {
            single = s.score(x, y);
        }
        ModelCache.clear();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<ScoreBatch>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    try (BatchScorer s = new BatchScorer(ModelCache.get(dir, Device.cpu()), o)) {
                        ScoreBatch last = null;
                        for (int rep = 0; rep < 3; rep++) {
                            last = s.score(x, y);
                        }
                        return last;
                    }
                }));
            }
            start.countDown();
            for (Future<ScoreBatch> f : futures) {
                ScoreBatch b = f.get();
                assertArrayEquals(single.loss(), b.loss());
                assertArrayEquals(single.embedding(), b.embedding());
                assertArrayEquals(single.predicted(), b.predicted());
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(1, ModelCache.size(), "both threads share one loaded model");
    }
}
