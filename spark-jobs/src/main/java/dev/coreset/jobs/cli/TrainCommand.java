package dev.coreset.jobs.cli;

import dev.coreset.jobs.train.ManifestSubset;
import dev.coreset.jobs.train.ManifestWeights;
import dev.coreset.jobs.train.SamplesRowSource;
import dev.coreset.jobs.train.TrainingRun;
import dev.coreset.jobs.train.SamplesTableInfo;
import dev.coreset.schemas.AtomicPublisher;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.SamplesReader;
import dev.coreset.schemas.Tables;
import dev.coreset.scoring.model.ModelSpec;
import dev.coreset.scoring.train.EpochMetrics;
import dev.coreset.scoring.train.ProxyTrainer;
import dev.coreset.scoring.train.RowSource;
import dev.coreset.scoring.train.TrainOptions;
import dev.coreset.scoring.train.TrainingResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
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
    @Option(names = "--cache-mb", defaultValue = "1024", description = "With --manifest: keep the selected rows in memory"
            + " up to this size; a larger subset is streamed from the samples table every epoch.")
    long cacheMb;

    @Override
    public Integer call() throws Exception {
        Configuration conf = new Configuration();
        SamplesTableInfo info = SamplesTableInfo.read(samples, conf);
        ModelSpec spec = spec(info);
        AtomicPublisher publisher = new AtomicPublisher(conf);
        org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(out);
        publisher.checkTarget(target, overwrite);
        long start = System.nanoTime();
        TrainOptions options = TrainOptions.defaults().withEpochs(epochs).withBatchSize(batchSize)
                .withLearningRate(lr).withSeed(seed).withShuffleBuffer(shuffleBuffer)
                .withSaveInitial(manifest == null);
        RowSource trainRows = new SamplesRowSource(new SamplesReader(samples, Set.of(Tables.SPLIT_TRAIN), conf));
        ManifestSubset subset = null;
        if (manifest != null) {
            // Checked before the run directory is staged: a mismatched manifest leaves nothing behind.
            subset = ManifestSubset.load(samples, trainRows, ManifestWeights.read(manifest), weightMode(),
                    cacheMb << 20);
            trainRows = subset;
        }
        org.apache.hadoop.fs.Path staging = publisher.stagingFor(target);
        TrainingResult result;
        boolean done = false;
        try {
            result = ProxyTrainer.train(spec, trainRows,
                    new SamplesRowSource(new SamplesReader(samples, Set.of(Tables.SPLIT_VAL), conf)),
                    new SamplesRowSource(new SamplesReader(samples, Set.of(Tables.SPLIT_TEST), conf)),
                    options, Path.of(staging.toUri().getPath()));
            TrainingRun.write(Path.of(staging.toUri().getPath()), samples, manifest, manifest == null ? null : weights,
                    result, (System.nanoTime() - start) / 1e9);
            publisher.markSuccess(staging);
            publisher.publish(staging, target, overwrite);
            done = true;
        } finally {
            if (!done) {
                publisher.discard(staging);
            }
        }
        TextTable table = new TextTable("epoch", "train loss", "val acc", "test acc", "seconds");
        for (EpochMetrics m : result.metrics()) {
            table.row(m.epoch(), fmt(m.trainLoss()), fmt(m.valAccuracy()), fmt(m.testAccuracy()),
                    String.format(Locale.ROOT, "%.1f", m.seconds()));
        }
        long seen = result.metrics().stream().mapToLong(EpochMetrics::trainRows).sum();
        System.out.printf(Locale.ROOT, "trained %s on %s%s for %d epochs (%d samples seen) -> %s (%.1f s)%n", model,
                samples, subset == null ? "" : " (manifest " + manifest + ": " + subset.rows() + " rows)", epochs, seen,
                out, (System.nanoTime() - start) / 1e9);
        System.out.print(table);
        return 0;
    }

    private static String fmt(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }

    private ManifestSubset.WeightMode weightMode() {
        switch (weights.toLowerCase(Locale.ROOT)) {
            case "manifest":
                return ManifestSubset.WeightMode.MANIFEST;
            case "uniform":
                return ManifestSubset.WeightMode.UNIFORM;
            default:
                throw new CoresetInputException("--weights " + weights + " is unknown; use manifest or uniform.");
        }
    }

    private ModelSpec spec(SamplesTableInfo info) {
        switch (model.toLowerCase(Locale.ROOT)) {
            case "mlp":
                return hidden == null ? ModelSpec.mlp(info.featureDim(), info.classes())
                        : ModelSpec.mlp(info.featureDim(), info.classes(), hidden);
            case "cnn":
                int side = (int) Math.round(Math.sqrt(info.featureDim()));
                if (side * side != info.featureDim()) {
                    throw new CoresetInputException(samples + ": features have length " + info.featureDim()
                            + ", not a square image; use --model mlp.");
                }
                return ModelSpec.cnn(1, side, side, info.classes());
            default:
                throw new CoresetInputException("--model " + model + " is unknown; use mlp or cnn.");
        }
    }
}
