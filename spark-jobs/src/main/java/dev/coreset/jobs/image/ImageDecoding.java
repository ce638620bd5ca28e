package dev.coreset.jobs.image;

import dev.coreset.schemas.CoresetInputException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How the encoded images of a samples table become model inputs: channels (1 = gray, 3 = RGB), size, and the
 * per-channel normalisation (value - mean) / std of pixels scaled to [0, 1]. Chosen at ingest and recorded in the
 * table's side file (summary.image), so that training and scoring decode every image alike.
 */
public record ImageDecoding(int channels, int height, int width, List<Double> mean, List<Double> std)
        implements Serializable {
    /** The key of the side file's summary that holds it. */
    public static final String SUMMARY_KEY = "image";

    public ImageDecoding {
        if (channels != 1 && channels != 3) {
            throw new CoresetInputException("image channels " + channels + " is not 1 (gray) or 3 (rgb).");
        }
        if (height < 1 || width < 1) {
            throw new CoresetInputException("--image-size " + height + "," + width + " must be positive; pass e.g. 28,28.");
        }
        mean = perChannel(mean, channels, 0.0, "--mean");
        std = perChannel(std, channels, 1.0, "--std");
        for (double s : std) {
            if (!(s > 0) || Double.isInfinite(s)) {
                throw new CoresetInputException("--std " + std + " must be positive and finite; pass e.g. 0.5.");
            }
        }
    }

    /** Values per sample: channels x height x width, channel-first. */
    public int featureDim() {
        return Math.multiplyExact(channels, Math.multiplyExact(height, width));
    }

    /** The model input shape [C, H, W]. */
    public List<Integer> shape() {
        return List.of(channels, height, width);
    }

    /** "gray" or "rgb", as --channels takes it. */
    public String channelsName() {
        return channels == 1 ? "gray" : "rgb";
    }

    /** --channels gray | rgb. */
    public static int parseChannels(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "gray", "grey" -> 1;
            case "rgb" -> 3;
            default -> throw new CoresetInputException("--channels " + name + " is unknown; use gray or rgb.");
        };
    }

    /** The side file's form: channels, height, width, mean, std. */
    public Map<String, Object> toSummary() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("channels", channels);
        m.put("height", height);
        m.put("width", width);
        m.put("mean", mean);
        m.put("std", std);
        return m;
    }

    /** Reads {@link #toSummary()} back; {@code file} names the side file in errors. */
    public static ImageDecoding fromSummary(Object summary, String file) {
        if (!(summary instanceof Map<?, ?> m)) {
            throw new CoresetInputException(file + ": summary.image is not an object; re-run ingest.");
        }
        try {
            return new ImageDecoding(((Number) m.get("channels")).intValue(), ((Number) m.get("height")).intValue(),
                    ((Number) m.get("width")).intValue(), doubles(m.get("mean")), doubles(m.get("std")));
        } catch (ClassCastException | NullPointerException e) {
            throw new CoresetInputException(file + ": summary.image lacks channels, height, width, mean or std;"
                    + " re-run ingest.", e);
        }
    }

    private static List<Double> doubles(Object list) {
        List<Double> out = new ArrayList<>();
        for (Object o : (List<?>) list) {
            out.add(((Number) o).doubleValue());
        }
        return out;
    }

    /** One value for every channel, or one per channel; none = the default. */
    private static List<Double> perChannel(List<Double> values, int channels, double otherwise, String option) {
        if (values == null || values.isEmpty()) {
            return Collections.nCopies(channels, otherwise);
        }
        if (values.size() == 1) {
            return Collections.nCopies(channels, values.get(0));
        }
        if (values.size() != channels) {
            throw new CoresetInputException(option + " " + values + " has " + values.size() + " values but the images"
                    + " have " + channels + " channel(s); pass one value, or one per channel.");
        }
        return List.copyOf(values);
    }
}
