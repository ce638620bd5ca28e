package dev.coreset.jobs.cld;

import static dev.coreset.schemas.ColumnType.*;

import dev.coreset.schemas.Column;
import dev.coreset.schemas.TableSchema;
import dev.coreset.schemas.Tables;
import java.util.List;

/**
 * The two tables this package writes, in the style of {@link Tables}; meant to move into Tables.java.
 * Both are Parquet directories published atomically with a {@code _coreset_table.json} side file.
 */
public final class DynamicsTables {
    private DynamicsTables() {
    }

    public static final String CLD = "cld";
    public static final String MEAN_LOSS = "mean_loss";
    public static final String LAST_LOSS = "last_loss";
    public static final String EL2N_EARLY = "el2n_early";
    public static final String FORGETTING = "forgetting";
    public static final String NOISE_SCORE = "noise_score";

    /**
     * Training dynamics: one row per train sample, over the checkpoints a cld run used (listed in the side
     * file). cld in [-1, 1] (0 for a flat trajectory); mean_loss over those checkpoints; last_loss the loss at
     * the last of them (the noise flags' signal); el2n_early the mean EL2N over the first K of them; forgetting
     * the number of correct -> incorrect transitions. Version 2 added last_loss.
     */
    public static final TableSchema DYNAMICS = new TableSchema("dynamics", 2, List.of(
            Column.required(Tables.SAMPLE_ID, LONG),
            Column.required(Tables.LABEL, INT),
            Column.required(CLD, DOUBLE),
            Column.required(MEAN_LOSS, DOUBLE),
            Column.required(LAST_LOSS, DOUBLE),
            Column.required(EL2N_EARLY, DOUBLE),
            Column.required(FORGETTING, INT)));

    /** Samples flagged as likely mislabeled, with the score that flagged them (higher = more suspicious). */
    public static final TableSchema NOISE_FLAGS = new TableSchema("noise_flags", 1, List.of(
            Column.required(Tables.SAMPLE_ID, LONG),
            Column.required(Tables.LABEL, INT),
            Column.required(NOISE_SCORE, DOUBLE)));
}
