package dev.coreset.scoring;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.scoring.model.Checkpoints;
import dev.coreset.scoring.model.ModelSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class InputErrorsTest {
    static final ModelSpec SPEC = ModelSpec.mlp(4, 3, List.of(5));
    static Model model;
    static ScoringModel scoring;

    @TempDir
    Path tmp;

    @BeforeAll
    static void setUp() {
        Engines.pytorch();
        model = Checkpoints.newInitializedModel(SPEC, Device.cpu(), 1);
        scoring = ScoringModel.of(model, SPEC);
    }

    @AfterAll
    static void tearDown() {
        model.close();
        ModelCache.clear();
    }

    static String message(Executable e) {
        String m = assertThrows(CoresetInputException.class, e).getMessage();
        assertTrue(!m.contains("\n"), "one line: " + m);
        return m;
    }

    static void contains(String message, String part) {
        assertTrue(message.contains(part), "'" + message + "' should contain '" + part + "'");
    }

    @Test
    void missingCheckpointFolder() {
        Path missing = tmp.resolve("run/epoch-007");
        String m = message(() -> ModelCache.get(missing, Device.cpu()));
        contains(m, "checkpoint folder not found: " + missing);
        contains(m, "epoch-NNN folder written by coreset train");
    }

    @Test
    void folderWithoutCheckpointJson() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("empty"));
        contains(message(() -> ModelLoader.load(ModelRef.checkpoint(dir), Device.cpu())),
                "not a coreset checkpoint: " + dir.resolve("checkpoint.json") + " is missing");
    }

    @Test
    void wrongFeatureLength() {
        try (BatchScorer s = new BatchScorer(scoring, ScoreOptions.defaults())) {
            String m = message(() -> s.score(new float[10], new int[] {0, 1}));
            contains(m, "got 10 floats for 2 rows");
            contains(m, "expects 4 per row (input shape [4])");
            String m2 = message(() -> s.score(new float[][] {new float[4], new float[3]}, new int[] {0, 1}));
            contains(m2, "row 1 has 3 features but the model expects 4 (input shape [4])");
        }
    }

    @Test
    void labelOutOfRange() {
        try (BatchScorer s = new BatchScorer(scoring, ScoreOptions.defaults())) {
            String m = message(() -> s.score(new float[8], new int[] {0, 3}));
            contains(m, "label 3 at row 1 is out of range: the model has 3 classes (labels 0..2)");
        }
    }

    @Test
    void missingTorchScriptAndOnnxFiles() {
        Path pt = tmp.resolve("nope/model.pt");
        contains(message(() -> ModelCache.get(ModelRef.torchScript(pt, List.of(4)), Device.cpu())),
                "TorchScript model file not found: " + pt);
        Path onnx = tmp.resolve("nope/model.onnx");
        contains(message(() -> ModelLoader.load(ModelRef.detect(onnx, List.of(4)), Device.cpu())),
                "ONNX model file not found: " + onnx);
        contains(message(() -> ModelRef.detect(onnx, null)), "needs the per-sample input shape");
    }

    @Test
    void badOptions() {
        contains(message(() -> ScoreOptions.defaults().withPosterior(0, 0.1, 1)), "posterior draws must be >= 1");
        contains(message(() -> ScoreOptions.defaults().withPosterior(2, -1, 1)), "posterior sigma must be finite and >= 0");
        contains(message(() -> EmbeddingKind.parse("grad")), "use none, logits-grad or last-layer-grad");
    }
}
