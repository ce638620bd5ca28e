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

    public static final String SPLIT_TRAIN = "train";
    public static final String SPLIT_VAL = "val";
    public static final String SPLIT_TEST = "test";
    public static final List<String> SPLITS = List.of(SPLIT_TRAIN, SPLIT_VAL, SPLIT_TEST);

    /** Ingested samples: one row per sample. */
    public static final TableSchema SAMPLES = new TableSchema("samples", 1, List.of(
            Column.required(SAMPLE_ID, LONG),
            Column.required(LABEL, INT),
            Column.required(SPLIT, STRING),
            Column.required(FEATURES, FLOAT_ARRAY),
            Column.optional(CLEAN_LABEL, INT),
            Column.optional(SOURCE, STRING)));

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

    public static List<TableSchema> all() {
        return List.of(SAMPLES, SCORES, MANIFEST);
    }
}
