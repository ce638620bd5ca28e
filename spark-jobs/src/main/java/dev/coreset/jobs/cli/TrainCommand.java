package dev.coreset.jobs.cli;

import dev.coreset.jobs.io.ResumeGuard;
import dev.coreset.jobs.train.ManifestSubset;
import dev.coreset.jobs.train.SamplesTableInfo;
import dev.coreset.jobs.train.TrainJob;
import dev.coreset.scoring.model.ModelSpec;
import dev.coreset.scoring.train.EpochMetrics;
import dev.coreset.scoring.train.TrainOptions;
import dev.coreset.scoring.train.crest.CrestOptions;
import dev.coreset.scoring.train.crest.CrestSummary;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
    @Mixin
    RecipeOptions recipe;
    @Option(names = "--epochs", defaultValue = "5")
    int epochs;
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
    @Option(names = "--crest", description = "Train with CREST: weighted mini-batch coresets selected by facility location"
            + " on last-layer gradients of random subsets, re-selected when the quadratic loss model drifts past tau,"
            + " learned samples dropped; --epochs counts epoch-equivalents (ceil(n / batch) steps). The train split"
            + " is held in memory (bounded by --cache-mb).")
    boolean crest;
    @Mixin
    CrestCliOptions crestOptions;

    @Override
    public Integer call() throws Exception {
        Configuration conf = new Configuration();
        SamplesTableInfo info = SamplesTableInfo.read(samples, conf);
        ModelSpec spec = recipe.spec(info, samples);
        ManifestSubset.WeightMode mode = TrainJob.weightMode(weights);
        TrainOptions options = recipe.options(epochs);
        long cacheBytes = cacheMb << 20;
        long start = System.nanoTime();
        CrestOptions crestSettings = crest ? crestOptions.toOptions() : null;
        TrainJob.Options job = new TrainJob.Options(samples, manifest, mode, spec, options, out, overwrite, cacheBytes,
                crestSettings);
        if (ResumeGuard.skipIfCurrent(TrainJob.STAGE.record(job, conf), overwrite, conf)) {
            return 0;
        }
        TrainJob.Outcome outcome = TrainJob.run(job, new TrainJob.Splits(samples, conf, cacheBytes));
        TextTable table = new TextTable("epoch", "train loss", "val acc", "test acc", "seconds");
        for (EpochMetrics m : outcome.result().metrics()) {
            table.row(m.epoch(), fmt(m.trainLoss()), fmt(m.valAccuracy()), fmt(m.testAccuracy()),
                    String.format(Locale.ROOT, "%.1f", m.seconds()));
        }
        System.out.printf(Locale.ROOT, "trained %s%s on %s%s for %d epochs (%d samples seen) -> %s (%.1f s)%n", recipe.model(),
                crest ? " with CREST" : "", samples, manifest == null ? "" : " (manifest " + manifest + ": " + outcome.rowsPerEpoch() + " rows)",
                epochs, outcome.run().samplesSeen(), out, (System.nanoTime() - start) / 1e9);
        System.out.print(table);
        CrestSummary c = outcome.run().crest();
        if (c != null) {
            System.out.printf(Locale.ROOT, "CREST: %d selections, %d checks, %d samples dropped (pool %d at the end);"
                            + " seconds: train %.1f, selection %.1f, checks %.1f, evaluation %.1f%n", c.selections(),
                    c.checks(), c.samplesDropped(), c.finalPool(), c.trainSeconds(), c.selectionSeconds(),
                    c.checkSeconds(), c.evalSeconds());
        }
        return 0;
    }

    private static String fmt(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }
}
