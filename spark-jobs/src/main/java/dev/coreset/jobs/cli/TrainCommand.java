package dev.coreset.jobs.cli;

import dev.coreset.jobs.io.ResumeGuard;
import dev.coreset.jobs.train.ManifestSubset;
import dev.coreset.jobs.train.SamplesTableInfo;
import dev.coreset.jobs.train.TrainJob;
import dev.coreset.scoring.model.ModelSpec;
import dev.coreset.scoring.train.EpochMetrics;
import dev.coreset.scoring.train.TrainOptions;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Trains the proxy model on the train split of a samples table with DJL, on this JVM (no Spark needed):
 * rows stream from Parquet through a bounded shuffle buffer. One checkpoint per epoch, published atomically.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a DJL model (mlp | cnn) on a samples table, or on a manifest's samples with their weights;"
                + " one checkpoint per epoch.")
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--samples", required = true, description = "Samples table from `coreset ingest`.")
    String samples;
    @Option(names = "--model", defaultValue = "mlp", description = "mlp | cnn (the CNN expects 28x28 images).")
    String model;
    @Option(names = "--hidden", split = ",", description = "Hidden widths (mlp default 256,128; cnn dense default 128).")
    List<Integer> hidden;
    @Option(names = "--epochs", defaultValue = "5")
    int epochs;
    @Option(names = "--batch-size", defaultValue = "128")
    int batchSize;
    @Option(names = "--lr", defaultValue = "0.001")
    float lr;
    @Option(names = "--seed", defaultValue = "0")
    long seed;
    @Option(names = "--shuffle-buffer", defaultValue = "50000", description = "Rows held for shuffling (memory = rows x features x 4 bytes).")
    int shuffleBuffer;
    @Option(names = "--out", required = true, description = "Run directory: epoch-NNN/ checkpoints and metrics.json.")
    String out;
    @Option(names = "--overwrite")
    boolean overwrite;
    @Option(names = "--manifest", description = "Train only on this manifest's samples (from `coreset select`/`cld`);"
            + " the samples table must be the one it was selected from.")
    String manifest;
    @Option(names = "--weights", defaultValue = "manifest", description = "With --manifest: manifest (loss weighted by"
            + " the manifest's weight column, per batch sum w*l / sum w) | uniform (every selected sample counts 1).")
    String weights;
    @Option(names = "--cache-mb", defaultValue = "1024", description = "Keep each split (or the manifest's rows) in memory"
            + " after the first pass up to this size; larger ones are streamed from Parquet every epoch.")
    long cacheMb;

    @Override
    public Integer call() throws Exception {
        Configuration conf = new Configuration();
        SamplesTableInfo info = SamplesTableInfo.read(samples, conf);
        ModelSpec spec = TrainJob.spec(model, hidden, info, samples);
        ManifestSubset.WeightMode mode = TrainJob.weightMode(weights);
        TrainOptions options = TrainOptions.defaults().withEpochs(epochs).withBatchSize(batchSize)
                .withLearningRate(lr).withSeed(seed).withShuffleBuffer(shuffleBuffer);
        long cacheBytes = cacheMb << 20;
        long start = System.nanoTime();
        TrainJob.Options job = new TrainJob.Options(samples, manifest, mode, spec, options, out, overwrite, cacheBytes);
        if (ResumeGuard.skipIfCurrent(TrainJob.STAGE.record(job, conf), overwrite, conf)) {
            return 0;
        }
        TrainJob.Outcome outcome = TrainJob.run(job, new TrainJob.Splits(samples, conf, cacheBytes));
        TextTable table = new TextTable("epoch", "train loss", "val acc", "test acc", "seconds");
        for (EpochMetrics m : outcome.result().metrics()) {
            table.row(m.epoch(), fmt(m.trainLoss()), fmt(m.valAccuracy()), fmt(m.testAccuracy()),
                    String.format(Locale.ROOT, "%.1f", m.seconds()));
        }
        System.out.printf(Locale.ROOT, "trained %s on %s%s for %d epochs (%d samples seen) -> %s (%.1f s)%n", model,
                samples, manifest == null ? "" : " (manifest " + manifest + ": " + outcome.rowsPerEpoch() + " rows)",
                epochs, outcome.run().samplesSeen(), out, (System.nanoTime() - start) / 1e9);
        System.out.print(table);
        return 0;
    }

    private static String fmt(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }
}
