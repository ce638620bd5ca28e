package dev.coreset.schemas;

import static dev.coreset.schemas.ColumnType.*;

import java.util.List;

/** The data contract: every table the pipeline reads or writes, defined once. */
public final class Tables {
    private Tables() {
    }

    // Column names shared by several tables.
    public static final String SAMPLE_ID = "sample_id";
    public static final String LABEL = "label";
    public static final String SPLIT = "split";
    public static final String FEATURES = "features";
    public static final String CLEAN_LABEL = "clean_label";
    public static final String SOURCE = "source";
    public static final String IMAGE = "image";
    public static final String TOKENS = "tokens";
    public static final String CHECKPOINT = "checkpoint";
    public static final String LOSS = "loss";
    public static final String CORRECT = "correct";
    public static final String MARGIN = "margin";
    public static final String EL2N = "el2n";
    public static final String EMBEDDING = "embedding";
    public static final String DRAWS = "draws";
    public static final String WEIGHT = "weight";
    public static final String SCORE = "score";
    public static final String RANK = "rank";

    // Training dynamics and noise flags (coreset cld --dynamics-out, coreset noise).
    public static final String CLD = "cld";
    public static final String MEAN_LOSS = "mean_loss";
    public static final String LAST_LOSS = "last_loss";
    public static final String EL2N_EARLY = "el2n_early";
    public static final String FORGETTING = "forgetting";
    public static final String AUM = "aum";
    public static final String DUAL = "dual";
    public static final String MEAN_PY = "mean_py";
    public static final String PROBS = "probs";
    public static final String NOISE_SCORE = "noise_score";
    public static final String RULE = "rule";
    public static final String SUGGESTED_LABEL = "suggested_label";

    // Duplicate flags (coreset dedup).
    public static final String KEPT_ID = "kept_id";
    public static final String SIMILARITY = "similarity";
    public static final String CLUSTER = "cluster";
    public static final String KIND = "kind";
    public static final String KIND_EXACT = "exact";
    public static final String KIND_NEAR = "near";

    public static final String SPLIT_TRAIN = "train";
    public static final String SPLIT_VAL = "val";
    public static final String SPLIT_TEST = "test";
    public static final List<String> SPLITS = List.of(SPLIT_TRAIN, SPLIT_VAL, SPLIT_TEST);

    /**
     * Ingested samples: one row per sample, holding its features, its encoded image (PNG or JPEG bytes, decoded
     * where rows are used, as the table's side file says: summary.image) or its token ids (a text sample, padded to
     * summary.tokens.length where rows are used). Version 2 made features optional and added image and tokens;
     * version 1 tables (features only) read as they are.
     */
    public static final TableSchema SAMPLES = new TableSchema("samples", 2, List.of(
            Column.required(SAMPLE_ID, LONG),
            Column.required(LABEL, INT),
            Column.required(SPLIT, STRING),
            Column.optional(FEATURES, FLOAT_ARRAY),
            Column.optional(IMAGE, BINARY),
            Column.optional(TOKENS, INT_ARRAY),
            Column.optional(CLEAN_LABEL, INT),
            Column.optional(SOURCE, STRING)),
            List.of(List.of(FEATURES, IMAGE, TOKENS)));

    /** The oldest samples format version this code reads (version 1: features only). */
    public static final int SAMPLES_OLDEST_READABLE = 1;

    /** Model scores: one row per sample per checkpoint. */
    public static final TableSchema SCORES = new TableSchema("scores", 1, List.of(
            Column.required(SAMPLE_ID, LONG),
            Column.required(LABEL, INT),
            Column.required(SPLIT, STRING),
            Column.required(CHECKPOINT, INT),
            Column.required(LOSS, FLOAT),
            Column.required(CORRECT, BOOLEAN),
            Column.required(MARGIN, FLOAT),
            Column.required(EL2N, FLOAT),
            Column.optional(EMBEDDING, FLOAT_ARRAY),
            Column.required(DRAWS, INT)));

    /** A coreset manifest: the selected samples with their weights. */
    public static final TableSchema MANIFEST = new TableSchema("manifest", 1, List.of(
            Column.required(SAMPLE_ID, LONG),
            Column.required(LABEL, INT),
            Column.required(WEIGHT, DOUBLE),
            Column.nullable(SCORE, DOUBLE),
            Column.required(RANK, INT)));

    /**
     * Training dynamics: one row per train sample, over the checkpoints a cld run used (listed in the side file).
     * cld in [-1, 1] (0 for a flat trajectory); mean_loss over those checkpoints; last_loss the loss at the last of
     * them (the mixture noise rule's signal); el2n_early the mean EL2N over the first K of them; forgetting the number
     * of correct -> incorrect transitions. Over the checkpoints of the score window (side file: window; all of them by
     * default): aum, the mean probability margin p_y - max_{c != y} p_c; mean_py, the mean p_y = exp(-loss); dual,
     * DUAL's score (NaN when the window holds fewer checkpoints than DUAL's window J); probs, the mean predicted
     * class probabilities (only when the scores carry logits-grad embeddings, from which they are recovered).
     * Version 2 added last_loss; version 3 aum, dual, mean_py and probs.
     */
    public static final TableSchema DYNAMICS = new TableSchema("dynamics", 3, List.of(
            Column.required(SAMPLE_ID, LONG),
            Column.required(LABEL, INT),
            Column.required(CLD, DOUBLE),
            Column.required(MEAN_LOSS, DOUBLE),
            Column.required(LAST_LOSS, DOUBLE),
            Column.required(EL2N_EARLY, DOUBLE),
            Column.required(FORGETTING, INT),
            Column.required(AUM, DOUBLE),
            Column.required(DUAL, DOUBLE),
            Column.required(MEAN_PY, DOUBLE),
            Column.optional(PROBS, FLOAT_ARRAY)));

    /**
     * Samples flagged as likely mislabeled: noise_score (higher = more suspicious, in [0, 1]), the rule that flagged
     * the sample (mixture or posterior) and, when the rule knows it, the class the sample most likely belongs to.
     * Version 2 added rule and suggested_label.
     */
    public static final TableSchema NOISE_FLAGS = new TableSchema("noise_flags", 2, List.of(
            Column.required(SAMPLE_ID, LONG),
            Column.required(LABEL, INT),
            Column.required(NOISE_SCORE, DOUBLE),
            Column.required(RULE, STRING),
            Column.nullable(SUGGESTED_LABEL, INT)));

    /**
     * Duplicates found by coreset dedup, one row per removed sample: the kept sample it duplicates, their cosine
     * similarity (1 for exact copies), the k-means cluster both were in (null for exact copies, found before
     * clustering) and the kind (exact or near). Usable as --exclude of select and cld (it has sample_id).
     */
    public static final TableSchema DUPLICATE_FLAGS = new TableSchema("duplicate_flags", 1, List.of(
            Column.required(SAMPLE_ID, LONG),
            Column.required(LABEL, INT),
            Column.required(KEPT_ID, LONG),
            Column.required(SIMILARITY, DOUBLE),
            Column.nullable(CLUSTER, INT),
            Column.required(KIND, STRING)));

    public static List<TableSchema> all() {
        return List.of(SAMPLES, SCORES, MANIFEST, DYNAMICS, NOISE_FLAGS, DUPLICATE_FLAGS);
    }
}
