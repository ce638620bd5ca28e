package dev.coreset.jobs.image;

import java.awt.geom.AffineTransform;
import java.awt.image.AffineTransformOp;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Encoded image bytes (PNG, JPEG: whatever javax.imageio reads) to the floats a model takes, channel-first
 * (C, H, W), as {@link ImageDecoding} says. Deterministic: the stored sample values are used as they are (no
 * colour-profile conversion); gray from colour is ITU-R 601 luma (0.299 R + 0.587 G + 0.114 B, as PIL's "L");
 * colour from gray repeats the gray; alpha is ignored; another size is resized bilinearly by java.awt's
 * {@link AffineTransformOp}. Pixels scale to [0, 1] by their bit depth (8-bit: v / 255, as the IDX ingest).
 */
public final class ImageDecoder {
    private static final double[] LUMA = {0.299, 0.587, 0.114};
    private static final int USHORT_MAX = 65535;

    private final ImageDecoding decoding;

    public ImageDecoder(ImageDecoding decoding) {
        this.decoding = decoding;
    }

    public ImageDecoding decoding() {
        return decoding;
    }

    /** A new array of {@link ImageDecoding#featureDim()} floats. */
    public float[] decode(byte[] encoded) throws UndecodableImageException {
        float[] out = new float[decoding.featureDim()];
        decode(encoded, out, 0);
        return out;
    }

    /** Writes the image's floats to {@code out[offset .. offset + featureDim)}. */
    public void decode(byte[] encoded, float[] out, int offset) throws UndecodableImageException {
        float[][] planes = planes(read(encoded), decoding.channels());
        int h = decoding.height();
        int w = decoding.width();
        int n = h * w;
        for (int c = 0; c < planes.length; c++) {
            float[] plane = planes[c];
            float mean = decoding.mean().get(c).floatValue();
            float std = decoding.std().get(c).floatValue();
            for (int i = 0; i < n; i++) {
                out[offset + c * n + i] = (plane[i] - mean) / std;
            }
        }
    }

    /** The image as stored; its width, height and colour tell ingest the defaults of --image-size and --channels. */
    public static BufferedImage read(byte[] encoded) throws UndecodableImageException {
        if (encoded == null || encoded.length == 0) {
            throw new UndecodableImageException("no bytes", null);
        }
        // A memory-backed stream: no temporary files, and a reader picked by the bytes, never by a file name.
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(encoded))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new UndecodableImageException("not an image format javax.imageio reads (PNG, JPEG, ...)", null);
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                BufferedImage image = reader.read(0);
                // Palette images (and 1-, 2-, 4-bit gray PNGs) hold indices: look their colours up.
                if (image.getColorModel() instanceof IndexColorModel palette) {
                    image = palette.convertToIntDiscrete(image.getRaster(), false);
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            // Truncated or corrupt data: javax.imageio throws IIOException, or at times a runtime exception.
            throw new UndecodableImageException(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /** Whether an image as {@link #read} returns it has colour (3 components) rather than gray. */
    public static boolean isColour(BufferedImage image) {
        return image.getColorModel().getNumColorComponents() >= 3;
    }

    /** The image's target channels at the target size, in [0, 1], one row-major plane per channel. */
    private float[][] planes(BufferedImage image, int channels) {
        Raster raster = image.getRaster();
        int w = raster.getWidth();
        int h = raster.getHeight();
        boolean colour = isColour(image);
        float[][] source = new float[colour ? 3 : 1][w * h];
        for (int b = 0; b < source.length; b++) {
            float max = (float) ((1L << raster.getSampleModel().getSampleSize(b)) - 1);
            int[] samples = raster.getSamples(raster.getMinX(), raster.getMinY(), w, h, b, (int[]) null);
            for (int i = 0; i < samples.length; i++) {
                source[b][i] = samples[i] / max;
            }
        }
        float[][] planes = new float[channels][];
        if (channels == 1 && colour) {
            float[] gray = new float[w * h];
            for (int i = 0; i < gray.length; i++) {
                gray[i] = (float) (LUMA[0] * source[0][i] + LUMA[1] * source[1][i] + LUMA[2] * source[2][i]);
            }
            planes[0] = gray;
        } else {
            for (int c = 0; c < channels; c++) {
                planes[c] = source[colour ? c : 0];
            }
        }
        if (w != decoding.width() || h != decoding.height()) {
            for (int c = 0; c < channels; c++) {
                planes[c] = resize(planes[c], w, h, decoding.width(), decoding.height());
            }
        }
        return planes;
    }

    /**
     * Bilinear resize of one plane through a 16-bit single-band raster (AffineTransformOp takes no float rasters,
     * nor interleaved byte rasters of several bands); 16 bits keep 8-bit sources exact at the sample points.
     */
    private static float[] resize(float[] plane, int w, int h, int targetW, int targetH) {
        WritableRaster src = Raster.createInterleavedRaster(DataBuffer.TYPE_USHORT, w, h, 1, null);
        int[] q = new int[plane.length];
        for (int i = 0; i < q.length; i++) {
            q[i] = Math.round(Math.min(1f, Math.max(0f, plane[i])) * USHORT_MAX);
        }
        src.setSamples(0, 0, w, h, 0, q);
        WritableRaster dst = src.createCompatibleWritableRaster(targetW, targetH);
        AffineTransform scale = AffineTransform.getScaleInstance((double) targetW / w, (double) targetH / h);
        new AffineTransformOp(scale, AffineTransformOp.TYPE_BILINEAR).filter(src, dst);
        int[] r = dst.getSamples(0, 0, targetW, targetH, 0, (int[]) null);
        float[] out = new float[r.length];
        for (int i = 0; i < r.length; i++) {
            out[i] = r[i] / (float) USHORT_MAX;
        }
        return out;
    }
}
