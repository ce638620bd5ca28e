package dev.coreset.scoring.train;

/**
 * One training sample. {@code features} is the flat input (length = product of the model's input shape,
 * row-major for images: channel, height, width); {@code weight} scales the sample's loss (1 for plain
 * training; coreset weights otherwise; must be finite and >= 0).
 */
public record LabeledRow(long id, int label, float[] features, float weight) {
    public LabeledRow(long id, int label, float[] features) {
        this(id, label, features, 1f);
    }
}
