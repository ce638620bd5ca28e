package dev.coreset.scoring.train;

import dev.coreset.schemas.CoresetInputException;
import java.util.Locale;

/**
 * Which epochs of a run write a checkpoint folder. Every epoch is what scoring and CLD need (loss trajectories);
 * a run of many short epochs (a step budget on a small subset: a hundred epochs and more) that is only trained
 * for its accuracy keeps the last one. {@code epoch-000} follows {@link TrainOptions#saveInitial()} either way.
 */
public enum CheckpointPolicy {
    EVERY_EPOCH, LAST;

    /** The command-line spelling: every-epoch | last. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Whether the epoch that just ended writes {@code epoch-NNN/}. */
    public boolean saves(boolean lastEpoch) {
        return this == EVERY_EPOCH || lastEpoch;
    }

    public static CheckpointPolicy parse(String s) {
        for (CheckpointPolicy p : values()) {
            if (p.cliName().equals(s.trim().toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new CoresetInputException("--checkpoints " + s + " is unknown; use every-epoch or last.");
    }
}
