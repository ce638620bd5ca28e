package dev.coreset.jobs.score;

import dev.coreset.schemas.CoresetInputException;
import java.util.ArrayList;
import java.util.List;

/** The per-sample shape a TorchScript or ONNX model takes (--input-shape C,H,W), checked against the samples. */
public final class InputShape {
    private InputShape() {
    }

    /**
     * @param spec       "C,H,W" or any comma-separated positive sizes; null = one flat vector of {@code featureDim}
     * @param featureDim values per sample in the samples table (null when unknown)
     * @return the shape, or null when neither is known
     */
    public static List<Integer> of(String spec, Integer featureDim, String samples) {
        if (spec == null || spec.isBlank()) {
            return featureDim == null ? null : List.of(featureDim);
        }
        List<Integer> shape = new ArrayList<>();
        long values = 1;
        for (String part : spec.split(",")) {
            int d;
            try {
                d = Integer.parseInt(part.trim());
            } catch (NumberFormatException e) {
                d = -1;
            }
            if (d < 1) {
                throw new CoresetInputException("--input-shape " + spec + ": '" + part.trim() + "' is not a positive size;"
                        + " pass the model's per-sample input shape, e.g. 1,28,28.");
            }
            shape.add(d);
            values *= d;
        }
        if (featureDim != null && values != featureDim) {
            throw new CoresetInputException("--input-shape " + spec + " holds " + values + " values per sample but "
                    + samples + " has " + featureDim + " features per row; pass a shape whose sizes multiply to "
                    + featureDim + ".");
        }
        return List.copyOf(shape);
    }
}
