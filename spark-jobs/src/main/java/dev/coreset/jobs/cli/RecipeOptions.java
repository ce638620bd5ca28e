package dev.coreset.jobs.cli;

import dev.coreset.jobs.train.SamplesTableInfo;
import dev.coreset.jobs.train.TrainJob;
import dev.coreset.scoring.model.ModelSpec;
import dev.coreset.scoring.train.TrainOptions;
import java.util.List;
import picocli.CommandLine.Option;

/** The training recipe shared by `coreset train` and `coreset bench crest` (epochs stay with each command). */
public class RecipeOptions {
    @Option(names = "--model", defaultValue = "mlp", description = "mlp | cnn (the CNN expects 28x28 images).")
    String model;
    @Option(names = "--hidden", split = ",", description = "Hidden widths (mlp default 256,128; cnn dense default 128).")
    List<Integer> hidden;
    @Option(names = "--batch-size", defaultValue = "128")
    int batchSize;
    @Option(names = "--lr", defaultValue = "0.001")
    float lr;
    @Option(names = "--seed", defaultValue = "0")
    long seed;
    @Option(names = "--shuffle-buffer", defaultValue = "50000", description = "Rows held for shuffling (memory = rows x features x 4 bytes).")
    int shuffleBuffer;

    public ModelSpec spec(SamplesTableInfo info, String samples) {
        return TrainJob.spec(model, hidden, info, samples);
    }

    public TrainOptions options(int epochs) {
        return TrainOptions.defaults().withEpochs(epochs).withBatchSize(batchSize).withLearningRate(lr).withSeed(seed)
                .withShuffleBuffer(shuffleBuffer);
    }

    public String model() {
        return model;
    }
}
