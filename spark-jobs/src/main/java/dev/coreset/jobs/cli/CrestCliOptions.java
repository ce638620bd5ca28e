package dev.coreset.jobs.cli;

import dev.coreset.scoring.EmbeddingKind;
import dev.coreset.scoring.train.crest.CrestOptions;
import picocli.CommandLine.Option;

/** The CREST settings of `coreset train --crest` and `coreset bench crest`; unset ones take CrestOptions.defaults(). */
public class CrestCliOptions {
    @Option(names = "--crest-subset", paramLabel = "R", description = "Rows of each random subset R (default 512).")
    Integer subset;
    @Option(names = "--crest-batch", paramLabel = "B", description = "Rows of each mini-batch coreset (default: --batch-size).")
    Integer batch;
    @Option(names = "--crest-coresets", paramLabel = "P", description = "Mini-batch coresets per selection, each from its own"
            + " random subset (default 4).")
    Integer coresets;
    @Option(names = "--crest-tau", paramLabel = "TAU", description = "Relative error of the quadratic loss model on R at"
            + " which CREST selects again (default 0.1; 0 = before every step).")
    Double tau;
    @Option(names = "--crest-check-every", paramLabel = "STEPS", description = "Steps between checks of the quadratic"
            + " model (default 4).")
    Integer checkEvery;
    @Option(names = "--crest-learned-threshold", paramLabel = "LOSS", description = "Samples with loss under this at"
            + " --crest-learned-checks consecutive measurements leave later selections (default 0.1; 0 = keep all).")
    Double learnedThreshold;
    @Option(names = "--crest-learned-checks", paramLabel = "H", description = "Consecutive low-loss measurements that make"
            + " a sample learned (default 3).")
    Integer learnedChecks;
    @Option(names = "--crest-embedding", description = "last-layer-grad | logits-grad: the gradients facility location"
            + " compares (default last-layer-grad).")
    String embedding;
    @Option(names = "--crest-dim", paramLabel = "D", description = "Project the gradients to D dimensions first (default 64;"
            + " 0 = raw).")
    Integer dim;
    @Option(names = "--crest-optimizer", description = "lazy | stochastic greedy (default lazy).")
    String optimizer;
    @Option(names = "--crest-epsilon", description = "Stochastic greedy's epsilon (default 0.01).")
    Double epsilon;

    public CrestOptions toOptions() {
        CrestOptions d = CrestOptions.defaults();
        return new CrestOptions(or(subset, d.subsetSize()), or(batch, d.coresetSize()), or(coresets, d.coresets()),
                or(tau, d.tau()), or(checkEvery, d.checkEvery()), or(learnedThreshold, d.learnedThreshold()),
                or(learnedChecks, d.learnedChecks()), embedding == null ? d.embedding() : EmbeddingKind.parse(embedding),
                or(dim, d.projectionDim()), optimizer == null ? d.optimizer() : optimizer, or(epsilon, d.epsilon()));
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
