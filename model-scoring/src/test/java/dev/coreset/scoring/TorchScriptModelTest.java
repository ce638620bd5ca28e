package dev.coreset.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.coreset.schemas.CoresetInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TorchScript archive written by the test ({@link TinyTorchScript}; no Python here) goes through the same loader and
 * scorer as a user's .pt file; its scores are checked against a double-precision computation of the same model.
 */
class TorchScriptModelTest {
    static final int D = 4;
    static final int H = 5;
    static final int C = 3;

    @TempDir
    static Path tmp;

    @AfterAll
    static void clear() {
        ModelCache.clear();
    }

    @Test
    void scoresATorchScriptModelWithItsEmbeddingOutput() throws Exception {
        TinyMlpReference ref = TinyMlpReference.sixtyFourths(5, D, H, C);
        Path file = TinyTorchScript.write(tmp.resolve("tiny.pt"), ref);
        float[] x = TinyMlpReference.sixtyFourths(new SplittableRandom(6), 6 * D);
        int[] y = {2, 0, 1, 1, 2, 0};
        ScoringModel m = ModelCache.get(ModelRef.detect(file, List.of(D)), Device.cpu());
        assertEquals(ModelRef.Kind.TORCHSCRIPT, m.kind());
        ScoreBatch b;
        try (BatchScorer s = new BatchScorer(m, ScoreOptions.defaults().withEmbedding(EmbeddingKind.LAST_LAYER_GRAD))) {
            b = s.score(x, y);
        }
        assertEquals(C, m.numClasses());
        assertEquals(C * H, b.embeddingDim());
        ref.assertScores(b, x, y);
    }

    @Test
    void aFileThatIsNotTorchScriptIsAnInputError() throws Exception {
        Path file = tmp.resolve("broken.pt");
        Files.writeString(file, "not a zip archive");
        String msg = assertThrows(CoresetInputException.class,
                () -> ModelLoader.load(ModelRef.detect(file, List.of(D)), Device.cpu()).close()).getMessage();
        assertTrue(msg.startsWith("cannot load TORCHSCRIPT model " + file), msg);
    }
}
