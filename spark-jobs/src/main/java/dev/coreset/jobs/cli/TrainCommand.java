package dev.coreset.jobs.cli;

import dev.coreset.jobs.io.DriverHadoopConf;
import dev.coreset.jobs.io.ResumeGuard;
import dev.coreset.jobs.train.ManifestSubset;
import dev.coreset.jobs.train.SamplesTableInfo;
import dev.coreset.jobs.train.TrainJob;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.scoring.model.ModelSpec;
import dev.coreset.scoring.train.CheckpointPolicy;
import dev.coreset.scoring.train.EpochMetrics;
import dev.coreset.scoring.train.TrainOptions;
import dev.coreset.scoring.train.crest.CrestOptions;
import dev.coreset.scoring.train.crest.CrestSummary;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Trains the proxy model on the train split of a samples table with DJL, on this JVM (no Spark needed):
 * rows stream from Parquet through a bounded shuffle buffer. The run lasts --epochs passes or --steps Adam steps;
 * one checkpoint per epoch (or only the last), published atomically.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a DJL model (mlp | cnn) on a samples table, or on a manifest's samples with their weights,"
                + " for --epochs passes or --steps Adam steps; one checkpoint per epoch (or only the last).")
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--samples", required = true, description = "Samples table from `coreset ingest`.")
    String samples;
    @Mixin
    RecipeOptions recipe;
    @Option(names = "--epochs", description = "Passes over the training rows (default " + DEFAULT_EPOCHS + ");"
            + " or give --steps.")
    Integer epochs;
    @Option(names = "--steps", description = "Train exactly N Adam steps instead (e.g. the full run's, to train a"
            + " coreset for equal steps): epochs follow, ceil(N / ceil(rows / batch)), the last one stopping after"
            + " step N, where val/test accuracy is measured once more.")
    Long steps;
    @Option(names = "--checkpoints", defaultValue = "every-epoch", description = "every-epoch (what score and cld"
            + " need) | last: write only the last epoch's folder (and epoch-000), for runs of many short epochs.")
    String checkpoints;
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

    static final int DEFAULT_EPOCHS = 5;
    /** Rows of the printed per-epoch table; a run of a hundred epochs shows the first, evenly spaced ones, the last. */
    static final int MAX_TABLE_ROWS = 12;

    @Override
    public Integer call() throws Exception {
        TrainOptions options = budget().withCheckpoints(CheckpointPolicy.parse(checkpoints));
        Configuration conf = DriverHadoopConf.create();
        SamplesTableInfo info = SamplesTableInfo.read(samples, conf);
        ModelSpec spec = recipe.spec(info, samples);
        ManifestSubset.WeightMode mode = TrainJob.weightMode(weights);
        long cacheBytes = cacheMb << 20;
        long start = System.nanoTime();
        CrestOptions crestSettings = crest ? crestOptions.toOptions() : null;
        TrainJob.Options job = new TrainJob.Options(samples, manifest, mode, spec, options, out, overwrite, cacheBytes,
                crestSettings);
        TrainJob.checkCombination(job);
        if (ResumeGuard.skipIfCurrent(TrainJob.stageRecord(job, conf), overwrite, conf)) {
            return 0;
        }
        TrainJob.Outcome outcome = TrainJob.run(job, new TrainJob.Splits(samples, conf, cacheBytes));
        List<EpochMetrics> epochs = outcome.result().metrics();
        EpochMetrics last = epochs.get(epochs.size() - 1);
        System.out.printf(Locale.ROOT, "trained %s%s on %s%s: %d steps in %d epochs (%d samples seen) -> %s (%.1f s)%n",
                recipe.model(), crest ? " with CREST" : "", samples,
                manifest == null ? "" : " (manifest " + manifest + ": " + outcome.rowsPerEpoch() + " rows)",
                last.steps(), last.epoch(), outcome.run().samplesSeen(), out, (System.nanoTime() - start) / 1e9);
        System.out.print(epochTable(epochs));
        CrestSummary c = outcome.run().crest();
        if (c != null) {
            System.out.printf(Locale.ROOT, "CREST: %d selections, %d checks, %d samples dropped (pool %d at the end);"
                            + " seconds: train %.1f, selection %.1f, checks %.1f, evaluation %.1f%n", c.selections(),
                    c.checks(), c.samplesDropped(), c.finalPool(), c.trainSeconds(), c.selectionSeconds(),
                    c.checkSeconds(), c.evalSeconds());
        }
        return 0;
    }

    /** The run's length: --epochs (default 5) or --steps, never both; refused in one line before anything runs. */
    private TrainOptions budget() {
        if (steps == null) {
            int e = epochs == null ? DEFAULT_EPOCHS : epochs;
            if (e < 1) {
                throw new CoresetInputException("--epochs " + e + " must be >= 1; give the number of passes, or --steps.");
            }
            return recipe.options(e);
        }
        if (epochs != null) {
            throw new CoresetInputException("--steps " + steps + " and --epochs " + epochs + " both set the run's"
                    + " length; give only one of them.");
        }
        if (steps < 1) {
            throw new CoresetInputException("--steps " + steps + " must be >= 1 (the number of Adam steps to train).");
        }
        return recipe.options(DEFAULT_EPOCHS).withSteps(steps);
    }

    /** The per-epoch table, at most {@link #MAX_TABLE_ROWS} rows; metrics.json holds every epoch. */
    static String epochTable(List<EpochMetrics> epochs) {
        TextTable table = new TextTable("epoch", "steps", "train loss", "val acc", "test acc", "seconds");
        List<Integer> shown = EvenlySpaced.indices(epochs.size(), MAX_TABLE_ROWS);
        for (int i : shown) {
            EpochMetrics m = epochs.get(i);
            table.row(m.epoch(), m.steps(), fmt(m.trainLoss()), fmt(m.valAccuracy()), fmt(m.testAccuracy()),
                    String.format(Locale.ROOT, "%.1f", m.seconds()));
        }
        String note = shown.size() < epochs.size() ? String.format(Locale.ROOT,
                "(%d of %d rows shown; metrics.json holds every epoch)%n", shown.size(), epochs.size()) : "";
        return table + note;
    }

    private static String fmt(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }
}
