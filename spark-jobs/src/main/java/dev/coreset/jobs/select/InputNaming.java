package dev.coreset.jobs.select;

import dev.coreset.schemas.Tables;

/**
 * How select's row errors name their input: the table (or Spark ML stage), the columns holding the id, the label
 * and the embedding, and the fix. A scores table is fixed by scoring again; a user's embeddings table (or a
 * DataFrame without scores) by writing it again, under the user's own column names.
 */
record InputNaming(String table, String id, String label, String embedding, boolean userTable) {

    /** @param scored whether the rows carry a model's scores (a loss column) */
    static InputNaming of(SelectJob.Options o, boolean scored) {
        if (o.embeddings() == null && scored) {
            return new InputNaming(o.input(), Tables.SAMPLE_ID, Tables.LABEL, Tables.EMBEDDING, false);
        }
        EmbeddingsTable.Columns c = o.columns();
        return new InputNaming(o.input(), c.idColumn(), c.labelColumn(), c.embeddingColumn(), true);
    }

    String noRows() {
        return table + (userTable ? ": no rows; write at least one row per class." : ": no train rows; score the train split.");
    }

    String idFix() {
        return "every row needs an id: drop the rows without one or give them ids.";
    }

    String labelProblem() {
        return userTable ? "is null or not a class index 0..C-1" : "is null or negative";
    }

    String labelFix() {
        return userTable ? "labels must be class indices 0..C-1: map the classes to 0..C-1 when writing the table."
                : "labels must be class indices 0..C-1: re-score from a samples table written by `coreset ingest`.";
    }

    String embeddingProblem() {
        return userTable ? "is null or holds NaN or infinity" : "holds NaN or infinity";
    }

    String embeddingFix() {
        return userTable ? "write finite vectors in every row, or drop those rows."
                : "re-score (a diverged model gives non-finite gradients), or use a score-based --method.";
    }

    String raggedFix() {
        return userTable ? "every row needs a vector of the same length." : "re-score with one --embedding and --dim.";
    }

    String duplicate(long sampleId) {
        return userTable
                ? table + ": " + id + " " + sampleId + " appears in two rows; ids must be unique (one row per sample):"
                        + " drop the duplicates when writing the table."
                : table + ": sample_id " + sampleId + " appears twice at one checkpoint; re-score into a fresh --out.";
    }

    String emptyClass(int c) {
        return table + ": class " + c + " has no " + (userTable ? "rows" : "train samples")
                + "; labels must be 0..C-1 with every class present.";
    }
}
