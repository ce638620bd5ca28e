package dev.coreset.jobs.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.coreset.scoring.train.EpochMetrics;
import dev.coreset.scoring.train.TrainingResult;
import dev.coreset.scoring.train.crest.CrestSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code training.json} of a run directory: what was trained on and what it cost, next to the trainer's
 * per-epoch metrics.json. Readers (the demo report, a person) need not know the trainer's internals.
 *
 * @param samples      the samples table
 * @param manifest     the manifest trained on, or null for the whole train split
 * @param weights      manifest | uniform, or null without a manifest
 * @param rowsPerEpoch rows in one epoch (the manifest's size with a manifest; without one, the rows of a full pass,
 *                     or, when a step budget ends within the first pass, the rows it reached)
 * @param samplesSeen  rows back-propagated, summed over epochs (gradient computations)
 * @param wallSeconds  the whole training call, evaluation included
 * @param valAccuracy  validation accuracy after each epoch (index 0 = epoch 1; null entries without a val split)
 * @param testAccuracy test accuracy after each epoch (null entries without a test split)
 * @param epochSeconds cumulative seconds at the end of each epoch
 * @param steps        cumulative Adam steps at the end of each epoch (the x axis of an accuracy-against-steps
 *                     curve; under a step budget the last epoch may end mid-pass, at the budget); null in files
 *                     written before it existed
 * @param crest        CREST's counts (selections, checks, samples dropped, time per part), absent without --crest;
 *                     with CREST an "epoch" is an epoch-equivalent (ceil(n / b) steps) and samplesSeen counts the
 *                     rows back-propagated (the forward-only rows of selections and checks are in crest)
 */
public record TrainingRun(@JsonProperty("samples") String samples,
                          @JsonProperty("manifest") String manifest,
                          @JsonProperty("weights") String weights,
                          @JsonProperty("rowsPerEpoch") long rowsPerEpoch,
                          @JsonProperty("samplesSeen") long samplesSeen,
                          @JsonProperty("wallSeconds") double wallSeconds,
                          @JsonProperty("valAccuracy") List<Double> valAccuracy,
                          @JsonProperty("testAccuracy") List<Double> testAccuracy,
                          @JsonProperty("epochSeconds") List<Double> epochSeconds,
                          @JsonProperty("steps") List<Long> steps,
                          @JsonProperty("crest") @JsonInclude(JsonInclude.Include.NON_NULL) CrestSummary crest) {
    public static final String FILE = "training.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public static TrainingRun of(String samples, String manifest, String weights, TrainingResult result,
                                 double wallSeconds) {
        return of(samples, manifest, weights, result, wallSeconds, null);
    }

    public static TrainingRun of(String samples, String manifest, String weights, TrainingResult result,
                                 double wallSeconds, CrestSummary crest) {
        return of(samples, manifest, weights, -1, result, wallSeconds, crest);
    }

    /**
     * @param rowsPerEpoch the rows of one pass when the caller knows them (a manifest's size), or -1: the most rows
     *                     an epoch trained on (every epoch but a step budget's last is a full pass)
     */
    public static TrainingRun of(String samples, String manifest, String weights, long rowsPerEpoch,
                                 TrainingResult result, double wallSeconds, CrestSummary crest) {
        List<EpochMetrics> epochs = result.metrics().stream().filter(m -> m.epoch() > 0).toList();
        long seen = epochs.stream().mapToLong(EpochMetrics::trainRows).sum();
        long perEpoch = rowsPerEpoch >= 0 ? rowsPerEpoch
                : epochs.stream().mapToLong(EpochMetrics::trainRows).max().orElse(0);
        double[] cumulative = {0};
        List<Double> seconds = epochs.stream().map(m -> cumulative[0] += m.seconds()).toList();
        return new TrainingRun(samples, manifest, weights, perEpoch, seen, wallSeconds,
                epochs.stream().map(EpochMetrics::valAccuracy).toList(),
                epochs.stream().map(EpochMetrics::testAccuracy).toList(), seconds,
                epochs.stream().map(EpochMetrics::steps).toList(), crest);
    }

    public static TrainingRun write(Path runDir, String samples, String manifest, String weights,
                                    TrainingResult result, double wallSeconds) {
        return write(runDir, samples, manifest, weights, result, wallSeconds, null);
    }

    public static TrainingRun write(Path runDir, String samples, String manifest, String weights,
                                    TrainingResult result, double wallSeconds, CrestSummary crest) {
        return write(runDir, samples, manifest, weights, -1, result, wallSeconds, crest);
    }

    /** As {@link #of(String, String, String, long, TrainingResult, double, CrestSummary)}, written to the run. */
    public static TrainingRun write(Path runDir, String samples, String manifest, String weights, long rowsPerEpoch,
                                    TrainingResult result, double wallSeconds, CrestSummary crest) {
        TrainingRun run = of(samples, manifest, weights, rowsPerEpoch, result, wallSeconds, crest);
        try {
            JSON.writeValue(runDir.resolve(FILE).toFile(), run);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return run;
    }

    public static TrainingRun read(Path runDir) {
        try {
            return JSON.readValue(runDir.resolve(FILE).toFile(), TrainingRun.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
