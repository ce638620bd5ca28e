package dev.coreset.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A TorchScript text model fed int64 token ids [N, L]: its losses against a double computation of the same model. */
class TextModelTest {
    static final int L = 5;

    @TempDir
    Path tmp;

    @Test
    void tokenIdsReachTheModelAsInt64AndItsLossesMatch() throws Exception {
        TinyTextReference text = TinyTextReference.sixtyFourths(new SplittableRandom(11), 7, 3, 4);
        Path file = text.write(tmp.resolve("text.pt"));
        float[] ids = {1, 2, 3, 0, 0, 6, 6, 5, 4, 1, 0, 0, 0, 0, 0};
        int[] y = {3, 0, 2};
        ModelRef ref = new ModelRef(file.toString(), ModelRef.Kind.TORCHSCRIPT, List.of(L), 0, 0,
                ModelRef.InputType.INT64);
        ScoreBatch scores;
        try (ScoringModel m = ModelLoader.load(ref, Device.cpu()); BatchScorer s = new BatchScorer(m, ScoreOptions.defaults())) {
            scores = s.score(ids, y);
        }
        for (int i = 0; i < y.length; i++) {
            int[] row = new int[L];
            for (int t = 0; t < L; t++) {
                row[t] = (int) ids[i * L + t];
            }
            assertEquals(text.loss(row, y[i]), scores.loss()[i], 1e-5, "row " + i);
        }
    }

    @Test
    void aTextModelFedFloatsFails() throws Exception {
        Path file = TinyTextReference.sixtyFourths(new SplittableRandom(12), 7, 3, 4).write(tmp.resolve("text.pt"));
        ModelRef floats = new ModelRef(file.toString(), ModelRef.Kind.TORCHSCRIPT, List.of(L), 0);
        try (ScoringModel m = ModelLoader.load(floats, Device.cpu()); BatchScorer s = new BatchScorer(m, ScoreOptions.defaults())) {
            assertThrows(RuntimeException.class, () -> s.score(new float[L], new int[] {0}));
        }
    }
}
