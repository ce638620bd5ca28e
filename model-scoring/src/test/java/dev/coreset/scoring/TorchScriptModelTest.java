package dev.coreset.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.coreset.schemas.CoresetInputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TorchScript archive written by the test (no Python here): a parameter-free module whose forward builds its weights
 * from literals, h = relu(x W1^T + b1) [N, 5], logits = h W2^T + b2 [N, 3], and returns (logits, h). It goes through
 * the same loader and scorer as a user's .pt file, and the scores are checked against a double-precision computation.
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
        SplittableRandom r = new SplittableRandom(5);
        float[] w1 = sixtyFourths(r, H * D);
        float[] b1 = sixtyFourths(r, H);
        float[] w2 = sixtyFourths(r, C * H);
        float[] b2 = sixtyFourths(r, C);
        Path file = tmp.resolve("tiny.pt");
        writeArchive(file, code(w1, b1, w2, b2));

        int rows = 6;
        float[] x = sixtyFourths(r, rows * D);
        int[] y = {2, 0, 1, 1, 2, 0};
        ScoringModel m = ModelCache.get(ModelRef.detect(file, List.of(D)), Device.cpu());
        assertEquals(ModelRef.Kind.TORCHSCRIPT, m.kind());
        ScoreBatch b;
        try (BatchScorer s = new BatchScorer(m, ScoreOptions.defaults().withEmbedding(EmbeddingKind.LAST_LAYER_GRAD))) {
            b = s.score(x, y);
        }
        assertEquals(C, m.numClasses());
        assertEquals(C * H, b.embeddingDim());
        new TinyMlpReference(w1, b1, w2, b2, D, H, C).assertScores(b, x, y);
    }

    @Test
    void aFileThatIsNotTorchScriptIsAnInputError() throws Exception {
        Path file = tmp.resolve("broken.pt");
        Files.writeString(file, "not a zip archive");
        String msg = org.junit.jupiter.api.Assertions.assertThrows(CoresetInputException.class,
                () -> ModelLoader.load(ModelRef.detect(file, List.of(D)), Device.cpu()).close()).getMessage();
        assertTrue(msg.startsWith("cannot load TORCHSCRIPT model " + file), msg);
    }

    /** Multiples of 1/64 in [-1, 1]: exact in float and in the decimal literals of the TorchScript code. */
    static float[] sixtyFourths(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (r.nextInt(129) - 64) / 64f;
        }
        return v;
    }

    /** The module's TorchScript source, as torch.jit.save would store it in code/__torch__.py. */
    static String code(float[] w1, float[] b1, float[] w2, float[] b2) {
        return "class Tiny(Module):\n"
                + "  __parameters__ = []\n"
                + "  __buffers__ = []\n"
                + "  training : bool\n"
                + "  def forward(self: __torch__.Tiny,\n"
                + "    x: Tensor) -> Tuple[Tensor, Tensor]:\n"
                + "    w1 = torch.tensor(" + matrix(w1, H, D) + ", dtype=6)\n"
                + "    b1 = torch.tensor(" + matrix(b1, 1, H) + ", dtype=6)\n"
                + "    w2 = torch.tensor(" + matrix(w2, C, H) + ", dtype=6)\n"
                + "    b2 = torch.tensor(" + matrix(b2, 1, C) + ", dtype=6)\n"
                + "    h = torch.relu(torch.add(torch.matmul(x, torch.t(w1)), b1))\n"
                + "    logits = torch.add(torch.matmul(h, torch.t(w2)), b2)\n"
                + "    return (logits, h)\n";
    }

    private static String matrix(float[] v, int rows, int cols) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < rows; i++) {
            s.append(i == 0 ? "[" : ", [");
            for (int j = 0; j < cols; j++) {
                s.append(j == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.6f", v[i * cols + j]));
            }
            s.append(']');
        }
        return s.append(']').toString();
    }

    /**
     * The archive layout of torch.jit.save: entries stored uncompressed under one folder; data.pkl pickles the module
     * object (class __torch__.Tiny, state = its one attribute, training); constants.pkl an empty tuple.
     */
    static void writeArchive(Path file, String code) throws IOException {
        ByteArrayOutputStream pkl = new ByteArrayOutputStream();
        pkl.write(new byte[] {(byte) 0x80, 2}); // PROTO 2
        pkl.write("c__torch__\nTiny\n".getBytes(StandardCharsets.US_ASCII)); // GLOBAL
        pkl.write(')'); // EMPTY_TUPLE
        pkl.write(0x81); // NEWOBJ
        pkl.write('}'); // EMPTY_DICT
        binUnicode(pkl, "training");
        pkl.write(0x88); // NEWTRUE
        pkl.write('s'); // SETITEM
        pkl.write('b'); // BUILD
        pkl.write('.'); // STOP
        byte[] constants = {(byte) 0x80, 2, ')', '.'};
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            stored(zip, "tiny/version", "3\n".getBytes(StandardCharsets.US_ASCII));
            stored(zip, "tiny/data.pkl", pkl.toByteArray());
            stored(zip, "tiny/constants.pkl", constants);
            stored(zip, "tiny/code/__torch__.py", code.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void binUnicode(OutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write('X');
        out.write(new byte[] {(byte) b.length, (byte) (b.length >> 8), (byte) (b.length >> 16), (byte) (b.length >> 24)});
        out.write(b);
    }

    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }
}
