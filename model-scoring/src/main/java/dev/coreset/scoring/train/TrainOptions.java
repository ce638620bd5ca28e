package dev.coreset.scoring.train;

import ai.djl.Device;

/**
 * Proxy training settings. The run's length is either a number of epochs or a number of optimizer steps
 * (exactly one of {@code epochs} and {@code steps} is set): a step budget lets a coreset train for as many Adam
 * steps as the full-data run ("equal steps") rather than for as many passes over its fewer rows.
 *
 * @param epochs              full passes over the training source (>= 1), or 0 when {@code steps} is set
 * @param batchSize           rows per Adam step (the last batch of an epoch may be smaller)
 * @param learningRate        Adam learning rate
 * @param seed                weight initialisation, shuffling and engine seed; same seed + same data = same
 *                            parameters, bit for bit, on the same machine and thread count
 * @param shuffleBuffer       rows held for shuffling (memory = rows x features x 4 bytes); 0 = no shuffle
 * @param useWeights          if true the loss is sum_i w_i l_i / sum_i w_i per batch (w from
 *                            {@link LabeledRow#weight()}); otherwise every row counts 1
 * @param saveInitial         also write {@code epoch-000} (the initialisation) before training
 * @param device              device to train on (CPU on the driver by default)
 * @param steps               Adam steps to train (>= 1), or 0 for an epoch budget; epochs over the source follow
 *                            (ceil(steps / steps per epoch)), the last one stopping after the last step, mid-pass
 *                            if need be
 * @param checkpoints         which epochs write a checkpoint folder (null = every epoch)
 */
public record TrainOptions(int epochs, int batchSize, float learningRate, long seed, int shuffleBuffer,
                           boolean useWeights, boolean saveInitial, Device device, long steps,
                           CheckpointPolicy checkpoints) {

    public TrainOptions {
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 1 (or 0 for an epoch budget), got " + steps);
        }
        if (steps == 0 && epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        if (steps > 0 && epochs != 0) {
            throw new IllegalArgumentException("give epochs or steps, not both: epochs " + epochs + ", steps " + steps);
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
        if (checkpoints == null) {
            checkpoints = CheckpointPolicy.EVERY_EPOCH;
        }
    }

    /** An epoch budget with a checkpoint after every epoch (the settings before step budgets existed). */
    public TrainOptions(int epochs, int batchSize, float learningRate, long seed, int shuffleBuffer,
                        boolean useWeights, boolean saveInitial, Device device) {
        this(epochs, batchSize, learningRate, seed, shuffleBuffer, useWeights, saveInitial, device, 0,
                CheckpointPolicy.EVERY_EPOCH);
    }

    /**
     * 5 epochs, batch 128, lr 1e-3, seed 0, shuffle buffer 16,384 rows (51 MB at 784 features), weights used,
     * epoch-000 saved, CPU, a checkpoint after every epoch.
     */
    public static TrainOptions defaults() {
        return new TrainOptions(5, 128, 1e-3f, 0L, 16_384, true, true, Device.cpu());
    }

    /** True when the run is measured in optimizer steps rather than epochs. */
    public boolean hasStepBudget() {
        return steps > 0;
    }

    /** An epoch budget of {@code e} epochs (replaces a step budget). */
    public TrainOptions withEpochs(int e) {
        return new TrainOptions(e, batchSize, learningRate, seed, shuffleBuffer, useWeights, saveInitial, device, 0,
                checkpoints);
    }

    /** A step budget of {@code n} Adam steps (replaces the epoch budget). */
    public TrainOptions withSteps(long n) {
        if (n < 1) {
            throw new IllegalArgumentException("steps must be >= 1, got " + n);
        }
        return new TrainOptions(0, batchSize, learningRate, seed, shuffleBuffer, useWeights, saveInitial, device, n,
                checkpoints);
    }

    public TrainOptions withCheckpoints(CheckpointPolicy p) {
        return new TrainOptions(epochs, batchSize, learningRate, seed, shuffleBuffer, useWeights, saveInitial, device,
                steps, p);
    }

    public TrainOptions withBatchSize(int b) {
        return new TrainOptions(epochs, b, learningRate, seed, shuffleBuffer, useWeights, saveInitial, device, steps,
                checkpoints);
    }

    public TrainOptions withLearningRate(float lr) {
        return new TrainOptions(epochs, batchSize, lr, seed, shuffleBuffer, useWeights, saveInitial, device, steps,
                checkpoints);
    }

    public TrainOptions withSeed(long s) {
        return new TrainOptions(epochs, batchSize, learningRate, s, shuffleBuffer, useWeights, saveInitial, device,
                steps, checkpoints);
    }

    public TrainOptions withShuffleBuffer(int rows) {
        return new TrainOptions(epochs, batchSize, learningRate, seed, rows, useWeights, saveInitial, device, steps,
                checkpoints);
    }

    public TrainOptions withUseWeights(boolean w) {
        return new TrainOptions(epochs, batchSize, learningRate, seed, shuffleBuffer, w, saveInitial, device, steps,
                checkpoints);
    }

    public TrainOptions withSaveInitial(boolean s) {
        return new TrainOptions(epochs, batchSize, learningRate, seed, shuffleBuffer, useWeights, s, device, steps,
                checkpoints);
    }

    public TrainOptions withDevice(Device d) {
        return new TrainOptions(epochs, batchSize, learningRate, seed, shuffleBuffer, useWeights, saveInitial, d, steps,
                checkpoints);
    }
}
