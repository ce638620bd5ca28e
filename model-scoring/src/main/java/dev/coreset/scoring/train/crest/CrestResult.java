package dev.coreset.scoring.train.crest;

import dev.coreset.scoring.train.TrainingResult;

/** The checkpoints and per-epoch-equivalent metrics (as for plain training) and CREST's own counts. */
public record CrestResult(TrainingResult training, CrestSummary summary) {
}
