package dev.coreset.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.coreset.schemas.CoresetInputException;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ONNX model written byte by byte in the test (no Python, no onnx library): h = relu(x W1^T + b1) [N, 5],
 * logits = h W2^T + b2 [N, 3]; outputs (logits, h).
 */
class OnnxModelTest {
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
    void scoresAnOnnxModelWithItsEmbeddingOutput() throws Exception {
        SplittableRandom r = new SplittableRandom(3);
        float[] w1 = random(r, H * D);
        float[] b1 = random(r, H);
        float[] w2 = random(r, C * H);
        float[] b2 = random(r, C);
        Path file = tmp.resolve("tiny.onnx");
        Files.write(file, model(w1, b1, w2, b2));

        int rows = 6;
        float[] x = random(r, rows * D);
        int[] y = {0, 1, 2, 0, 1, 2};
        ScoringModel m = ModelCache.get(ModelRef.detect(file, List.of(D)), Device.cpu());
        assertEquals(ModelRef.Kind.ONNX, m.kind());
        ScoreBatch b;
        try (BatchScorer s = new BatchScorer(m, ScoreOptions.defaults().withEmbedding(EmbeddingKind.LAST_LAYER_GRAD))) {
            b = s.score(x, y);
        }
        assertEquals(C, m.numClasses());
        assertEquals(C * H, b.embeddingDim());
        new TinyMlpReference(w1, b1, w2, b2, D, H, C).assertScores(b, x, y);
        String msg = assertThrows(CoresetInputException.class,
                () -> new BatchScorer(m, ScoreOptions.defaults().withPosterior(2, 0.1, 1))).getMessage();
        assertTrue(msg.contains("only coreset checkpoints provide"), msg);
        String msg2 = assertThrows(CoresetInputException.class, () -> {
            try (BatchScorer s = new BatchScorer(m, ScoreOptions.defaults())) {
                s.score(x, new int[] {0, 1, 2, 3, 0, 0});
            }
        }).getMessage();
        assertTrue(msg2.contains("label 3 at row 3 is out of range: the model has 3 classes"), msg2);
    }

    static float[] random(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }

    // ---- minimal protobuf writer for the ONNX schema (field numbers from onnx.proto) ----

    static byte[] model(float[] w1, float[] b1, float[] w2, float[] b2) {
        Pb graph = new Pb()
                .msg(1, gemm("x", "W1", "B1", "pre", "gemm1"))
                .msg(1, new Pb().str(1, "pre").str(2, "h").str(3, "relu").str(4, "Relu"))
                .msg(1, gemm("h", "W2", "B2", "logits", "gemm2"))
                .str(2, "tiny")
                .msg(5, tensor("W1", w1, H, D))
                .msg(5, tensor("B1", b1, H))
                .msg(5, tensor("W2", w2, C, H))
                .msg(5, tensor("B2", b2, C))
                .msg(11, valueInfo("x", D))
                .msg(12, valueInfo("logits", C))
                .msg(12, valueInfo("h", H));
        return new Pb().varint(1, 7).str(2, "coreset-test").msg(7, graph)
                .msg(8, new Pb().str(1, "").varint(2, 13)).bytes();
    }

    static Pb gemm(String a, String b, String c, String out, String name) {
        return new Pb().str(1, a).str(1, b).str(1, c).str(2, out).str(3, name).str(4, "Gemm")
                .msg(5, new Pb().str(1, "transB").varint(3, 1).varint(20, 2));
    }

    static Pb tensor(String name, float[] data, long... dims) {
        Pb t = new Pb();
        for (long d : dims) {
            t.varint(1, d);
        }
        t.varint(2, 1);
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        for (float f : data) {
            int bits = Float.floatToIntBits(f);
            for (int i = 0; i < 4; i++) {
                raw.write((bits >>> (8 * i)) & 0xff);
            }
        }
        return t.str(8, name).raw(9, raw.toByteArray());
    }

    static Pb valueInfo(String name, long width) {
        Pb shape = new Pb().msg(1, new Pb().str(2, "N")).msg(1, new Pb().varint(1, width));
        Pb tensorType = new Pb().varint(1, 1).msg(2, shape);
        return new Pb().str(1, name).msg(2, new Pb().msg(1, tensorType));
    }

    static final class Pb {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pb varint(int field, long v) {
            writeVarint((long) field << 3);
            writeVarint(v);
            return this;
        }

        Pb raw(int field, byte[] b) {
            writeVarint(((long) field << 3) | 2);
            writeVarint(b.length);
            out.writeBytes(b);
            return this;
        }

        Pb str(int field, String s) {
            return raw(field, s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        Pb msg(int field, Pb m) {
            return raw(field, m.bytes());
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        private void writeVarint(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }
    }
}
