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
    static final int V = 7;
    static final int D = 3;
    static final int C = 4;
    static final int L = 5;

    @TempDir
    Path tmp;

    @Test
    void tokenIdsReachTheModelAsInt64AndItsLossesMatch() throws Exception {
        SplittableRandom r = new SplittableRandom(11);
        float[] e = TinyMlpReference.sixtyFourths(r, V * D);
        float[] w = TinyMlpReference.sixtyFourths(r, C * D);
        float[] b = TinyMlpReference.sixtyFourths(r, C);
        Path file = TinyTorchScript.writeTextModel(tmp.resolve("text.pt"), e, V, D, w, b, C);
        float[] ids = {1, 2, 3, 0, 0, 6, 6, 5, 4, 1, 0, 0, 0, 0, 0};
        int[] y = {3, 0, 2};
        ModelRef ref = new ModelRef(file.toString(), ModelRef.Kind.TORCHSCRIPT, List.of(L), 0, 0,
                ModelRef.InputType.INT64);
        ScoreBatch scores;
        try (ScoringModel m = ModelLoader.load(ref, Device.cpu()); BatchScorer s = new BatchScorer(m, ScoreOptions.defaults())) {
            scores = s.score(ids, y);
        }
        for (int i = 0; i < y.length; i++) {
            double[] h = new double[D];
            for (int t = 0; t < L; t++) {
                int id = (int) ids[i * L + t];
                for (int k = 0; k < D; k++) {
                    h[k] += e[id * D + k] / (double) L;
                }
            }
            double[] z = new double[C];
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < C; c++) {
                z[c] = b[c];
                for (int k = 0; k < D; k++) {
                    z[c] += w[c * D + k] * h[k];
                }
                max = Math.max(max, z[c]);
            }
            double sum = 0;
            for (double v : z) {
                sum += Math.exp(v - max);
            }
            double loss = max + Math.log(sum) - z[y[i]];
            assertEquals(loss, scores.loss()[i], 1e-5, "row " + i);
        }
    }

    @Test
    void aTextModelFedFloatsFails() throws Exception {
        SplittableRandom r = new SplittableRandom(12);
        Path file = TinyTorchScript.writeTextModel(tmp.resolve("text.pt"), TinyMlpReference.sixtyFourths(r, V * D), V,
                D, TinyMlpReference.sixtyFourths(r, C * D), TinyMlpReference.sixtyFourths(r, C), C);
        ModelRef floats = new ModelRef(file.toString(), ModelRef.Kind.TORCHSCRIPT, List.of(L), 0);
        try (ScoringModel m = ModelLoader.load(floats, Device.cpu()); BatchScorer s = new BatchScorer(m, ScoreOptions.defaults())) {
            assertThrows(RuntimeException.class, () -> s.score(new float[L], new int[] {0}));
        }
    }
}
