package dev.coreset.scoring.train;

import ai.djl.Device;

/**
 * Proxy training settings.
 *
 * @param epochs              full passes over the training source (>= 1)
 * @param batchSize           rows per Adam step (the last batch of an epoch may be smaller)
 * @param learningRate        Adam learning rate
 * @param seed                weight initialisation, shuffling and engine seed; same seed + same data = same
 *                            parameters, bit for bit, on the same machine and thread count
 * @param shuffleBuffer       rows held for shuffling (memory = rows x features x 4 bytes); 0 = no shuffle
 * @param useWeights          if true the loss is sum_i w_i l_i / sum_i w_i per batch (w from
 *                            {@link LabeledRow#weight()}); otherwise every row counts 1
 * @param saveInitial         also write {@code epoch-000} (the initialisation) before training
 * @param device              device to train on (CPU on the driver by default)
 */
public record TrainOptions(int epochs, int batchSize, float learningRate, long seed, int shuffleBuffer,
                           boolean useWeights, boolean saveInitial, Device device) {

    public TrainOptions {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learningRate must be > 0, got " + learningRate);
        }
        if (shuffleBuffer < 0) {
            throw new IllegalArgumentException("shuffleBuffer must be >= 0, got " + shuffleBuffer);
        }
        if (device == null) {
            device = Device.cpu();
        }
    }

    /**
     * 5 epochs, batch 128, lr 1e-3, seed 0, shuffle buffer 16,384 rows (51 MB at 784 features), weights used,
     * epoch-000 saved, CPU.
     */
    public static TrainOptions defaults() {
        return new TrainOptions(5, 128, 1e-3f, 0L, 16_384, true, true, Device.cpu());
    }

    public TrainOptions withEpochs(int e) {
        return new TrainOptions(e, batchSize, learningRate, seed, shuffleBuffer, useWeights, saveInitial, device);
    }

    public TrainOptions withBatchSize(int b) {
        return new TrainOptions(epochs, b, learningRate, seed, shuffleBuffer, useWeights, saveInitial, device);
    }

    public TrainOptions withLearningRate(float lr) {
        return new TrainOptions(epochs, batchSize, lr, seed, shuffleBuffer, useWeights, saveInitial, device);
    }

    public TrainOptions withSeed(long s) {
        return new TrainOptions(epochs, batchSize, learningRate, s, shuffleBuffer, useWeights, saveInitial, device);
    }

    public TrainOptions withShuffleBuffer(int rows) {
        return new TrainOptions(epochs, batchSize, learningRate, seed, rows, useWeights, saveInitial, device);
    }

    public TrainOptions withUseWeights(boolean w) {
        return new TrainOptions(epochs, batchSize, learningRate, seed, shuffleBuffer, w, saveInitial, device);
    }

    public TrainOptions withSaveInitial(boolean s) {
        return new TrainOptions(epochs, batchSize, learningRate, seed, shuffleBuffer, useWeights, s, device);
    }

    public TrainOptions withDevice(Device d) {
        return new TrainOptions(epochs, batchSize, learningRate, seed, shuffleBuffer, useWeights, saveInitial, d);
    }
}
