package dev.coreset.jobs.train;

import dev.coreset.jobs.image.ImageDecoding;
import dev.coreset.jobs.io.DriverHadoopConf;
import dev.coreset.jobs.io.StageRecord;
import dev.coreset.jobs.io.StageSpec;
import dev.coreset.jobs.io.WriteFailures;
import dev.coreset.schemas.AtomicPublisher;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.SamplesReader;
import dev.coreset.schemas.Tables;
import dev.coreset.scoring.model.ModelSpec;
import dev.coreset.scoring.train.ProxyTrainer;
import dev.coreset.scoring.train.RowSource;
import dev.coreset.scoring.train.TrainOptions;
import dev.coreset.scoring.train.TrainingResult;
import dev.coreset.scoring.train.crest.CrestObserver;
import dev.coreset.scoring.train.crest.CrestOptions;
import dev.coreset.scoring.train.crest.CrestResult;
import dev.coreset.scoring.train.crest.CrestSummary;
import dev.coreset.scoring.train.crest.CrestTrainer;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;

/**
 * Trains a DJL model on a samples table's train split, on a manifest's samples with its weights, or with CREST
 * mini-batch coresets, and publishes the run directory (checkpoints, metrics.json, training.json) atomically.
 * Runs on one JVM.
 */
public final class TrainJob {

    /**
     * @param manifest   null to train on the whole train split
     * @param cacheBytes per split: rows kept in memory after the first pass when they fit (with CREST: the bound
     *                   on the train split, which CREST must hold in memory)
     * @param crest      null for plain training; otherwise CREST mini-batch coresets over the whole train split
     */
    public record Options(String samples, String manifest, ManifestSubset.WeightMode weights, ModelSpec spec,
                          TrainOptions train, String out, boolean overwrite, long cacheBytes, CrestOptions crest) {
        /** Plain training (no CREST). */
        public Options(String samples, String manifest, ManifestSubset.WeightMode weights, ModelSpec spec,
                       TrainOptions train, String out, boolean overwrite, long cacheBytes) {
            this(samples, manifest, weights, spec, train, out, overwrite, cacheBytes, null);
        }
    }

    /**
     * What resume compares: the samples table, the manifest, the model and trainer options (not --cache-mb); the
     * trainer's options include the run's length (epochs or steps) and --checkpoints.
     */
    public static final StageSpec STAGE = StageSpec.of("train", Options.class).inputs("samples", "manifest")
            .outputs("out").ignore("cacheBytes").spread("spec", "train").rename("learningRate", "lr")
            .rename("architecture", "model");

    /**
     * The run's {@link StageRecord}: {@link #STAGE}'s, with the budget the run does not use (epochs under a step
     * budget, steps under an epoch budget) recorded as not set, so that resume names a switch between the two as
     * such ("made with --epochs 5, this run has --epochs (not set)") rather than as a 0 nobody typed.
     */
    public static StageRecord stageRecord(Options o, Configuration conf) {
        StageRecord r = STAGE.record(o, conf);
        r.parameters.put(o.train().hasStepBudget() ? "epochs" : "steps", null);
        return r;
    }

    /** The train, val and test rows of one samples table; the demo shares one instance across many runs. */
    public static final class Splits {
        private final String samples;
        private final RowSource train;
        private final RowSource val;
        private final RowSource test;

        public Splits(String samples, Configuration conf, long cacheBytes) {
            this.samples = samples;
            ImageDecoding image = SamplesTableInfo.imageOf(samples, conf);
            this.train = split(samples, Tables.SPLIT_TRAIN, image, conf, cacheBytes);
            this.val = split(samples, Tables.SPLIT_VAL, image, conf, cacheBytes);
            this.test = split(samples, Tables.SPLIT_TEST, image, conf, cacheBytes);
        }

        /** Reads every split once, so that the caches are filled before a timed run (benchmarks). */
        public void warm() {
            for (RowSource source : new RowSource[] {train, val, test}) {
                try (var it = source.open(0)) {
                    while (it.hasNext()) {
                        it.next();
                    }
                }
            }
        }

        /** One split's rows; images are decoded once, on the first pass, when the split fits the cache. */
        private static RowSource split(String samples, String split, ImageDecoding image, Configuration conf,
                                       long cacheBytes) {
            return new CachedRowSource(new SamplesRowSource(new SamplesReader(samples, Set.of(split), conf), image,
                    samples), cacheBytes);
        }
    }

    /** The trainer's per-epoch result and the run's summary. */
    public record Outcome(TrainingResult result, TrainingRun run, long rowsPerEpoch) {
    }

    private TrainJob() {
    }

    public static Outcome run(Options o, Splits splits) throws java.io.IOException {
        if (!splits.samples.equals(o.samples())) {
            throw new IllegalArgumentException("splits of " + splits.samples + " passed for " + o.samples());
        }
        Configuration conf = DriverHadoopConf.create();
        AtomicPublisher publisher = new AtomicPublisher(conf);
        org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(o.out());
        publisher.checkTarget(target, o.overwrite());
        StageRecord stage = stageRecord(o, conf);
        long start = System.nanoTime();
        RowSource trainRows = splits.train;
        TrainOptions options = o.train();
        long subsetRows = -1;
        checkCombination(o);
        if (o.manifest() != null) {
            // Checked before the run directory is staged: a mismatched manifest leaves nothing behind.
            ManifestSubset subset = ManifestSubset.load(o.samples(), splits.train, ManifestWeights.read(o.manifest()),
                    o.weights(), o.cacheBytes());
            subsetRows = subset.rows();
            trainRows = subset;
            options = options.withSaveInitial(false);
        }
        org.apache.hadoop.fs.Path staging;
        try {
            staging = publisher.createStaging(target);
        } catch (java.io.IOException e) {
            throw WriteFailures.rethrow(e, target);
        }
        boolean done = false;
        try (LocalRunDir local = LocalRunDir.of(staging, conf)) {
            Path dir = local.dir();
            TrainingResult result;
            CrestSummary crest = null;
            if (o.crest() != null) {
                CrestResult cr = CrestTrainer.train(o.spec(), trainRows, splits.val, splits.test, options, o.crest(),
                        o.cacheBytes(), dir, CrestObserver.NONE);
                result = cr.training();
                crest = cr.summary();
            } else {
                result = ProxyTrainer.train(o.spec(), trainRows, splits.val, splits.test, options, dir);
            }
            TrainingRun run = TrainingRun.write(dir, o.samples(), o.manifest(),
                    o.manifest() == null ? null : o.weights().name().toLowerCase(Locale.ROOT), subsetRows, result,
                    (System.nanoTime() - start) / 1e9, crest);
            local.upload();
            stage.write(staging, conf);
            publisher.markSuccess(staging);
            publisher.publish(staging, target, o.overwrite());
            done = true;
            return new Outcome(result, run, subsetRows >= 0 ? subsetRows : run.rowsPerEpoch());
        } catch (Exception e) { // Spark throws its checked SparkException undeclared
            throw WriteFailures.rethrow(e, target);
        } finally {
            if (!done) {
                publisher.discard(staging);
            }
        }
    }

    /**
     * Refuses options that do not go together, before anything is read or written (the CLI calls it before
     * resume, so a bad combination is named as such rather than compared with an existing run).
     */
    public static void checkCombination(Options o) {
        if (o.crest() != null && o.manifest() != null) {
            throw new CoresetInputException("--crest selects its own mini-batch coresets from the whole train split;"
                    + " use either --crest or --manifest, not both.");
        }
        if (o.crest() != null && o.train().hasStepBudget()) {
            throw new CoresetInputException("--steps " + o.train().steps() + " does not apply to --crest, which counts"
                    + " epoch-equivalents of ceil(n / batch) steps; give --epochs instead.");
        }
    }

    /**
     * The model for a samples table: an MLP of the given widths, or the small CNN for images: of the table's
     * decoded shape (C, H, W) for an image table, else square gray images of the features.
     */
    public static ModelSpec spec(String model, List<Integer> hidden, SamplesTableInfo info, String samples) {
        if (info.tokens() != null) {
            throw new CoresetInputException(samples + " holds token ids (text); coreset train builds MLPs and CNNs on"
                    + " features or images: train your text model elsewhere, save it per epoch as TorchScript and pass"
                    + " the files to coreset score --checkpoints.");
        }
        switch (model.toLowerCase(Locale.ROOT)) {
            case "mlp":
                return hidden == null ? ModelSpec.mlp(info.featureDim(), info.classes())
                        : ModelSpec.mlp(info.featureDim(), info.classes(), hidden);
            case "cnn":
                if (info.image() != null) {
                    ImageDecoding d = info.image();
                    return ModelSpec.cnn(d.channels(), d.height(), d.width(), info.classes());
                }
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

    public static ManifestSubset.WeightMode weightMode(String weights) {
        switch (weights.toLowerCase(Locale.ROOT)) {
            case "manifest":
                return ManifestSubset.WeightMode.MANIFEST;
            case "uniform":
                return ManifestSubset.WeightMode.UNIFORM;
            default:
                throw new CoresetInputException("--weights " + weights + " is unknown; use manifest or uniform.");
        }
    }
}
