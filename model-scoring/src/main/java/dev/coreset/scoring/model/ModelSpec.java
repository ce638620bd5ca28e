package dev.coreset.scoring.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.coreset.schemas.CoresetInputException;
import java.util.List;

/**
 * The proxy architecture, serialised to JSON in every checkpoint ({@code checkpoint.json}).
 *
 * <ul>
 *   <li>{@code "mlp"}: (flatten) then one Linear + ReLU per entry of {@code hidden}; default hidden
 *       {@code [256, 128]}. Any input shape; it is flattened.</li>
 *   <li>{@code "cnn"}: for small images {@code [channels, height, width]} (e.g. {@code [1, 28, 28]}):
 *       per entry of {@code convChannels} a 3x3 convolution (padding 1) + ReLU + 2x2 max-pool, then
 *       flatten, then one Linear + ReLU per entry of {@code hidden}; defaults conv {@code [16, 32]},
 *       hidden {@code [128]}.</li>
 * </ul>
 *
 * Both end in a body producing the penultimate activation h (width {@link #embeddingDim()} = last
 * hidden width) and a head: a single Linear to {@code numClasses} logits.
 */
public record ModelSpec(
        @JsonProperty("architecture") String architecture,
        @JsonProperty("inputShape") List<Integer> inputShape,
        @JsonProperty("numClasses") int numClasses,
        @JsonProperty("hidden") List<Integer> hidden,
        @JsonProperty("convChannels") List<Integer> convChannels) {

    public static final String MLP = "mlp";
    public static final String CNN = "cnn";
    public static final List<Integer> MLP_DEFAULT_HIDDEN = List.of(256, 128);
    public static final List<Integer> CNN_DEFAULT_CONV = List.of(16, 32);
    public static final List<Integer> CNN_DEFAULT_HIDDEN = List.of(128);

    public ModelSpec {
        if (architecture == null) {
            throw new CoresetInputException("model spec: architecture is missing; use \"mlp\" or \"cnn\"");
        }
        architecture = architecture.toLowerCase(java.util.Locale.ROOT);
        if (!architecture.equals(MLP) && !architecture.equals(CNN)) {
            throw new CoresetInputException("model spec: unknown architecture '" + architecture + "'; use \"mlp\" or \"cnn\"");
        }
        if (inputShape == null || inputShape.isEmpty() || inputShape.stream().anyMatch(d -> d == null || d <= 0)) {
            throw new CoresetInputException("model spec: inputShape must be a non-empty list of positive sizes, got " + inputShape);
        }
        if (numClasses < 2) {
            throw new CoresetInputException("model spec: numClasses must be at least 2, got " + numClasses);
        }
        boolean cnn = architecture.equals(CNN);
        if (hidden == null || hidden.isEmpty()) {
            hidden = cnn ? CNN_DEFAULT_HIDDEN : MLP_DEFAULT_HIDDEN;
        }
        if (hidden.stream().anyMatch(h -> h == null || h <= 0)) {
            throw new CoresetInputException("model spec: hidden widths must be positive, got " + hidden);
        }
        if (cnn) {
            if (convChannels == null || convChannels.isEmpty()) {
                convChannels = CNN_DEFAULT_CONV;
            }
            if (convChannels.stream().anyMatch(c -> c == null || c <= 0)) {
                throw new CoresetInputException("model spec: convChannels must be positive, got " + convChannels);
            }
            if (inputShape.size() != 3) {
                throw new CoresetInputException("model spec: cnn needs inputShape [channels, height, width], got " + inputShape);
            }
            int side = Math.min(inputShape.get(1), inputShape.get(2));
            if ((side >> convChannels.size()) < 1) {
                throw new CoresetInputException("model spec: image " + inputShape.get(1) + "x" + inputShape.get(2)
                        + " is too small for " + convChannels.size() + " 2x2 poolings; use fewer convChannels");
            }
        } else {
            convChannels = List.of();
        }
        inputShape = List.copyOf(inputShape);
        hidden = List.copyOf(hidden);
        convChannels = List.copyOf(convChannels);
    }

    /** Parses a spec from JSON; a bad spec gives a one-line {@link CoresetInputException}. */
    public static ModelSpec fromJson(String json) {
        try {
            return Checkpoints.JSON.readValue(json, ModelSpec.class);
        } catch (java.io.IOException e) {
            throw Checkpoints.inputError("model spec", e);
        }
    }

    public String toJson() {
        try {
            return Checkpoints.JSON.writeValueAsString(this);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** MLP with the default hidden widths [256, 128]. */
    public static ModelSpec mlp(int inputDim, int numClasses) {
        return new ModelSpec(MLP, List.of(inputDim), numClasses, null, null);
    }

    public static ModelSpec mlp(int inputDim, int numClasses, List<Integer> hidden) {
        return new ModelSpec(MLP, List.of(inputDim), numClasses, hidden, null);
    }

    /** Small CNN with the default conv channels [16, 32] and dense width [128]. */
    public static ModelSpec cnn(int channels, int height, int width, int numClasses) {
        return new ModelSpec(CNN, List.of(channels, height, width), numClasses, null, null);
    }

    public static ModelSpec cnn(int channels, int height, int width, int numClasses,
                                List<Integer> convChannels, List<Integer> hidden) {
        return new ModelSpec(CNN, List.of(channels, height, width), numClasses, hidden, convChannels);
    }

    /** Number of floats per sample (product of the input shape). */
    @JsonIgnore
    public int inputLength() {
        int n = 1;
        for (int d : inputShape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Width H of the penultimate activation h. */
    @JsonIgnore
    public int embeddingDim() {
        return hidden.get(hidden.size() - 1);
    }

    @JsonIgnore
    public long[] inputShapeArray() {
        return inputShape.stream().mapToLong(Integer::longValue).toArray();
    }
}
