package dev.coreset.jobs.score;

import ai.djl.Device;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.scoring.BatchScorer;
import dev.coreset.scoring.ModelLoader;
import dev.coreset.scoring.ModelRef;
import dev.coreset.scoring.ScoreOptions;
import dev.coreset.scoring.ScoringModel;
import dev.coreset.jobs.train.SamplesTableInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * One row of zeros through every model on the driver before any task runs, so a model that refuses the input
 * shape, returns another class count or lacks the embedding output fails in one line naming the file, the shape
 * sent and the fix, instead of in every task with the engine's trace.
 */
final class ModelProbe {
    private ModelProbe() {
    }

    /** @param local the models, each at a local path */
    static void check(List<ModelRef> local, ScoreOptions options, SamplesTableInfo info, String samples) {
        for (ModelRef ref : local) {
            try (ScoringModel probe = ModelLoader.load(ref, Device.cpu())) {
                if (probe.inputLength() != info.featureDim()) {
                    throw new CoresetInputException(ref.path() + ": the model takes " + probe.inputLength()
                            + " features per sample but " + samples + " has " + info.featureDim()
                            + "; score with a model trained on this table.");
                }
                if (probe.numClasses() == 0) {
                    // A TorchScript/ONNX model shows its class count (and whether it has the embedding output the
                    // options need) on its first forward pass.
                    forwardOneRow(probe, options);
                }
                if (probe.numClasses() < info.classes()) {
                    throw new CoresetInputException(ref.path() + ": the model has " + probe.numClasses()
                            + " classes but " + samples + " has labels up to " + (info.classes() - 1)
                            + "; score with a model trained on this table.");
                }
            }
        }
    }

    private static void forwardOneRow(ScoringModel probe, ScoreOptions options) {
        try (BatchScorer s = new BatchScorer(probe, options)) {
            s.score(new float[probe.inputLength()], new int[] {0});
        } catch (CoresetInputException e) {
            throw e;
        } catch (RuntimeException e) {
            List<Long> sent = new ArrayList<>(List.of(1L));
            for (long d : probe.inputShape()) {
                sent.add(d);
            }
            throw new CoresetInputException(probe.ref().path() + ": the model refused an input of shape " + sent
                    + " (" + engineReason(e) + "); pass --input-shape with the per-sample shape it takes, e.g."
                    + " --input-shape 1,28,28 for [N, 1, 28, 28].", e);
        }
    }

    /**
     * The engine's own reason: TorchScript errors carry the model's code and a traceback over many lines, and the
     * line that says what went wrong is the last "...Error: " one.
     */
    static String engineReason(Throwable e) {
        String reason = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m == null) {
                continue;
            }
            for (String line : m.split("\n")) {
                String l = line.trim();
                int at = l.indexOf("Error: ");
                if (at >= 0) {
                    reason = l.substring(at + "Error: ".length()).trim();
                }
            }
            if (reason == null) {
                reason = m.split("\n")[0].trim();
            }
        }
        return reason == null ? e.toString() : reason;
    }
}
