package dev.coreset.jobs.select;

import dev.coreset.schemas.CoresetInputException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The selection methods of {@code coreset select}, with the score direction of the score-based ones. */
public enum SelectMethod {
    FACILITY_LOCATION("facility-location", null, false),
    KCENTER("kcenter", null, false),
    RANDOM("random", null, false),
    /** Highest loss first: the hardest samples at the checkpoint. */
    LOSS("loss", "loss", true),
    /** Highest EL2N (||softmax - onehot||) first, as in "Deep learning on a data diet". */
    EL2N("el2n", "el2n", true),
    /** Lowest probability margin first: the least certain samples. */
    MARGIN("margin", "margin", false),
    /** Most forgetting events (correct -> incorrect across checkpoints) first. */
    FORGETTING("forgetting", "forgetting", true),
    /** Coverage-centric selection: hard cut, equal-width strata of a dynamics score, equal shares, random draws. */
    CCS("ccs", null, false),
    /** DUAL's score with Beta sampling around an anchor confidence. */
    DUAL("dual", null, false),
    /** D2-Pruning: difficulty spread over a k-NN graph of the embeddings, then picks that lower their neighbours. */
    D2("d2", null, false);

    private final String cliName;
    private final String scoreColumn;
    private final boolean highestFirst;

    SelectMethod(String cliName, String scoreColumn, boolean highestFirst) {
        this.cliName = cliName;
        this.scoreColumn = scoreColumn;
        this.highestFirst = highestFirst;
    }

    public String cliName() {
        return cliName;
    }

    public String scoreColumn() {
        return scoreColumn;
    }

    public boolean highestFirst() {
        return highestFirst;
    }

    public boolean needsEmbedding() {
        return this == FACILITY_LOCATION || this == KCENTER || this == D2;
    }

    /** Facility location and k-center: GreeDi rounds on the embedding. */
    public boolean greedy() {
        return this == FACILITY_LOCATION || this == KCENTER;
    }

    /** Methods that score samples by their trajectory over the checkpoints (the dynamics), not one checkpoint. */
    public boolean usesDynamics() {
        return this == CCS || this == DUAL || this == D2;
    }

    /**
     * Methods that read a model's per-sample scores or their trajectories (a scores table): all but
     * facility-location, kcenter and random, the ones a table of embeddings and labels alone can run.
     */
    public boolean needsScores() {
        return scoreColumn != null || usesDynamics();
    }

    public static SelectMethod parse(String name) {
        for (SelectMethod m : values()) {
            if (m.cliName.equals(name.toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new CoresetInputException("--method " + name + " is unknown; use one of "
                + Arrays.stream(values()).map(SelectMethod::cliName).collect(Collectors.joining(", ")) + ".");
    }
}
