package dev.coreset.scoring;

/**
 * One forward pass: logits (rows x numClasses) and, when the model provides it, the penultimate activation h
 * (rows x embeddingDim; null otherwise). Row-major.
 */
public record ForwardOutput(int rows, float[] logits, int numClasses, float[] embedding, int embeddingDim) {
}
