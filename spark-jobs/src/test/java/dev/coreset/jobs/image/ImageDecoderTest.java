package dev.coreset.jobs.image;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The decoder on images written here by javax.imageio: bit depths, colour, palettes, resizing, normalisation. */
class ImageDecoderTest {
    private static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(image, "png", out));
        return out.toByteArray();
    }

    private static ImageDecoder decoder(int channels, int h, int w) {
        return new ImageDecoder(new ImageDecoding(channels, h, w, null, null));
    }

    @Test
    void eightBitGrayIsByteOver255AndSixteenBitOver65535() throws Exception {
        BufferedImage gray = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setSamples(0, 0, 3, 2, 0, new int[] {0, 1, 2, 128, 254, 255});
        assertArrayEquals(new float[] {0, 1 / 255f, 2 / 255f, 128 / 255f, 254 / 255f, 1}, decoder(1, 2, 3).decode(png(gray)));
        BufferedImage deep = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
        deep.getRaster().setSamples(0, 0, 2, 1, 0, new int[] {300, 65535});
        assertArrayEquals(new float[] {300 / 65535f, 1}, decoder(1, 1, 2).decode(png(deep)));
    }

    @Test
    void colourIsChannelFirstAndGrayIsLuma() throws Exception {
        BufferedImage rgb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(0, 0, 0xff0000);
        rgb.setRGB(1, 0, 0x336699);
        byte[] bytes = png(rgb);
        assertArrayEquals(new float[] {1, 0x33 / 255f, 0, 0x66 / 255f, 0, 0x99 / 255f}, decoder(3, 1, 2).decode(bytes));
        float[] gray = decoder(1, 1, 2).decode(bytes);
        assertEquals(0.299f, gray[0], 1e-6);
        assertEquals((0.299 * 0x33 + 0.587 * 0x66 + 0.114 * 0x99) / 255, gray[1], 1e-6);
        // Gray source, rgb wanted: the gray repeated in every channel.
        BufferedImage g = new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY);
        g.getRaster().setSample(0, 0, 0, 51);
        assertArrayEquals(new float[] {0.2f, 0.2f, 0.2f}, decoder(3, 1, 1).decode(png(g)));
    }

    @Test
    void paletteImagesAreLookedUp() throws Exception {
        IndexColorModel palette = new IndexColorModel(2, 2, new byte[] {0, (byte) 255}, new byte[] {0, 0},
                new byte[] {0, (byte) 255});
        BufferedImage indexed = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_BINARY, palette);
        indexed.getRaster().setSamples(0, 0, 2, 1, 0, new int[] {1, 0});
        assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0}, decoder(3, 1, 2).decode(png(indexed)));
    }

    @Test
    void resizesBilinearlyAndNormalisesPerChannel() throws Exception {
        BufferedImage flat = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        flat.getRaster().setSamples(0, 0, 8, 8, 0, java.util.Collections.nCopies(64, 102).stream()
                .mapToInt(Integer::intValue).toArray());
        float[] up = decoder(1, 16, 12).decode(png(flat));
        assertEquals(16 * 12, up.length);
        for (float v : up) {
            assertEquals(0.4f, v, 1e-4, "a flat image stays flat");
        }
        ImageDecoder normalised = new ImageDecoder(new ImageDecoding(1, 4, 4, List.of(0.5), List.of(0.25)));
        for (float v : normalised.decode(png(flat))) {
            assertEquals((0.4f - 0.5f) / 0.25f, v, 1e-4);
        }
    }

    @Test
    void garbageAndTruncatedBytesAreUndecodable() throws Exception {
        BufferedImage gray = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        byte[] ok = png(gray);
        assertThrows(UndecodableImageException.class, () -> decoder(1, 8, 8).decode(new byte[] {1, 2, 3}));
        assertThrows(UndecodableImageException.class,
                () -> decoder(1, 8, 8).decode(java.util.Arrays.copyOf(ok, ok.length / 2)));
        assertThrows(UndecodableImageException.class, () -> decoder(1, 8, 8).decode(new byte[0]));
    }
}
