package dev.coreset.scoring.train;

import java.nio.file.Path;
import java.util.List;

/** What {@link ProxyTrainer#train} wrote: checkpoint folders (epoch order) and the per-epoch metrics. */
public record TrainingResult(Path runDir, List<Path> checkpoints, List<EpochMetrics> metrics) {
    public Path lastCheckpoint() {
        return checkpoints.get(checkpoints.size() - 1);
    }
}
