package dev.coreset.jobs;

import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;

/**
 * Image files written from the committed digits fixture (8 x 8 gray, pixel values 0..16): each pixel quantised
 * to 8 bits as round(v * 255 / 16), so a decoded pixel is exactly byte / 255f, the float a test compares with.
 * Class folders are named by the digit's English word, so sorted names give other labels than the digits.
 */
public final class ImageFixtures {
    /** Digits 0..9 by name; sorted, "eight" is label 0 and "zero" label 9. */
    public static final List<String> WORDS = List.of("zero", "one", "two", "three", "four", "five", "six", "seven",
            "eight", "nine");

    /** One digit: its 64 quantised pixels and its digit. */
    public record Digit(int index, int digit, byte[] pixels) {
        /** The pixels as the decoder gives them by default: byte / 255f. */
        public float[] floats() {
            float[] f = new float[pixels.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (pixels[i] & 0xff) / 255f;
            }
            return f;
        }

        /** The folder-relative file name of this digit inside its class folder. */
        public String fileName(String extension) {
            return String.format("%05d.%s", index, extension);
        }
    }

    private ImageFixtures() {
    }

    /** The first {@code rows} digits of the fixture. */
    public static List<Digit> digits(int rows) {
        List<Digit> out = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                ImageFixtures.class.getResourceAsStream("/fixtures/digits.csv.gz")), StandardCharsets.UTF_8))) {
            String line;
            while (out.size() < rows && (line = in.readLine()) != null) {
                String[] v = line.split(",");
                byte[] pixels = new byte[64];
                for (int i = 0; i < 64; i++) {
                    pixels[i] = (byte) Math.round(Double.parseDouble(v[i]) * 255 / 16);
                }
                out.add(new Digit(out.size(), (int) Double.parseDouble(v[64]), pixels));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The digit as an encoded 8 x 8 gray image: "png" (lossless) or "jpg". */
    public static byte[] encode(Digit d, String format) {
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        int[] samples = new int[64];
        for (int i = 0; i < 64; i++) {
            samples[i] = d.pixels()[i] & 0xff;
        }
        image.getRaster().setSamples(0, 0, 8, 8, 0, samples);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no javax.imageio writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Writes each digit to {@code root}/WORD/NNNNN.ext; returns each file's path relative to root. */
    public static List<String> writeTree(Path root, List<Digit> digits, String format) throws IOException {
        List<String> relative = new ArrayList<>();
        for (Digit d : digits) {
            String rel = WORDS.get(d.digit()) + "/" + d.fileName(format);
            Path file = root.resolve(rel);
            Files.createDirectories(file.getParent());
            Files.write(file, encode(d, format));
            relative.add(rel);
        }
        return relative;
    }

    /** The label ingest gives a digit: the rank of its word among the sorted class names. */
    public static int label(int digit) {
        return WORDS.stream().sorted().toList().indexOf(WORDS.get(digit));
    }
}
