package dev.coreset.scoring;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a {@link TinyMlpReference} as a TorchScript archive without Python: a parameter-free module whose forward
 * builds its weights from literals and returns (logits, h). The layout is torch.jit.save's: entries stored
 * uncompressed under one folder; code/__torch__.py holds the module's source; data.pkl pickles the module object
 * (class __torch__.Tiny, state = its one attribute, training); constants.pkl an empty tuple.
 */
public final class TinyTorchScript {
    private TinyTorchScript() {
    }

    public static Path write(Path file, TinyMlpReference m) throws IOException {
        return write(file, code(m, false));
    }

    /**
     * The same network behind an identity 1x1 convolution, so it takes images [N, 1, H, W] (H x W = the MLP's input)
     * and refuses flat rows [N, H x W] as a user's CNN does; its scores equal the MLP's on the same pixels.
     */
    public static Path writeImageInput(Path file, TinyMlpReference m) throws IOException {
        return write(file, code(m, true));
    }

    /**
     * A text model over token ids: x int64 [N, L] -> logits = mean of the rows of {@code embedding} (V x D) that the
     * ids pick, times {@code w}^T (C x D) plus {@code b}.
     */
    public static Path writeTextModel(Path file, float[] embedding, int v, int d, float[] w, float[] b, int c)
            throws IOException {
        String code = "class Tiny(Module):\n"
                + "  __parameters__ = []\n"
                + "  __buffers__ = []\n"
                + "  training : bool\n"
                + "  def forward(self: __torch__.Tiny,\n"
                + "    x: Tensor) -> Tensor:\n"
                + "    e = torch.tensor(" + matrix(embedding, v, d) + ", dtype=6)\n"
                + "    w = torch.tensor(" + matrix(w, c, d) + ", dtype=6)\n"
                + "    b = torch.tensor(" + matrix(b, 1, c) + ", dtype=6)\n"
                + "    h = torch.mean(torch.embedding(e, x), [1])\n"
                + "    return torch.add(torch.matmul(h, torch.t(w)), b)\n";
        return write(file, code);
    }

    private static Path write(Path file, String code) throws IOException {
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
        return file;
    }

    /** The module's TorchScript source. */
    static String code(TinyMlpReference m, boolean imageInput) {
        String image = imageInput ? "    x = torch.flatten(torch.conv2d(x, torch.ones([1, 1, 1, 1])), 1)\n" : "";
        return "class Tiny(Module):\n"
                + "  __parameters__ = []\n"
                + "  __buffers__ = []\n"
                + "  training : bool\n"
                + "  def forward(self: __torch__.Tiny,\n"
                + "    x: Tensor) -> Tuple[Tensor, Tensor]:\n"
                + image
                + "    w1 = torch.tensor(" + matrix(m.w1(), m.h(), m.d()) + ", dtype=6)\n"
                + "    b1 = torch.tensor(" + matrix(m.b1(), 1, m.h()) + ", dtype=6)\n"
                + "    w2 = torch.tensor(" + matrix(m.w2(), m.c(), m.h()) + ", dtype=6)\n"
                + "    b2 = torch.tensor(" + matrix(m.b2(), 1, m.c()) + ", dtype=6)\n"
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
