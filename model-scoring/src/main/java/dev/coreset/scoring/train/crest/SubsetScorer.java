package dev.coreset.scoring.train.crest;

import ai.djl.Model;
import dev.coreset.scoring.BatchScorer;
import dev.coreset.scoring.EmbeddingKind;
import dev.coreset.scoring.ForwardOutput;
import dev.coreset.scoring.LinearHead;
import dev.coreset.scoring.ScoreBatch;
import dev.coreset.scoring.ScoreOptions;
import dev.coreset.scoring.ScoringModel;
import dev.coreset.scoring.model.ModelSpec;
import dev.coreset.scoring.train.LabeledRow;
import java.util.List;

/**
 * Scores rows of the training set with the model as it is now, through the same {@link BatchScorer} the
 * {@code score} job uses: per-sample loss and the gradient embedding (last-layer or logits gradient, optionally
 * projected), plus the forward pass itself (logits, h) and the head it came from, which the quadratic model needs.
 * The head is copied at each call, so later training steps are not seen by a result.
 */
final class SubsetScorer {
    /** What one pass over some rows gave. */
    record Result(int[] rows, int[] labels, ForwardOutput forward, ScoreBatch scores, LinearHead head) {
        double meanLoss() {
            double s = 0;
            for (float l : scores.loss()) {
                s += l;
            }
            return rows.length == 0 ? 0 : s / rows.length;
        }
    }

    private final Model model;
    private final ModelSpec spec;
    private final List<LabeledRow> data;
    private final ScoreOptions selection;
    private final ScoreOptions lossOnly;

    SubsetScorer(Model model, ModelSpec spec, List<LabeledRow> data, CrestOptions options, long projectionSeed) {
        this.model = model;
        this.spec = spec;
        this.data = data;
        ScoreOptions base = ScoreOptions.defaults().withMaxBatchRows(Integer.MAX_VALUE);
        this.selection = base.withEmbedding(options.embedding())
                .withBiasGrad(options.embedding() == EmbeddingKind.LAST_LAYER_GRAD)
                .withProjection(options.projectionDim(), projectionSeed);
        this.lossOnly = base;
    }

    Model model() {
        return model;
    }

    /** Loss and the selection gradient of each row. */
    Result withGradients(int[] rows) {
        return score(rows, selection);
    }

    /** Loss of each row (for checks). */
    Result lossOnly(int[] rows) {
        return score(rows, lossOnly);
    }

    private Result score(int[] rows, ScoreOptions options) {
        int n = spec.inputLength();
        float[] x = new float[Math.multiplyExact(rows.length, n)];
        int[] y = new int[rows.length];
        for (int j = 0; j < rows.length; j++) {
            LabeledRow r = data.get(rows[j]);
            System.arraycopy(r.features(), 0, x, j * n, n);
            y[j] = r.label();
        }
        ScoringModel current = ScoringModel.of(model, spec);
        try (BatchScorer scorer = new BatchScorer(current, options)) {
            ForwardOutput fo = scorer.forward(x, rows.length);
            return new Result(rows, y, fo, scorer.score(fo, y), current.head());
        }
    }
}
