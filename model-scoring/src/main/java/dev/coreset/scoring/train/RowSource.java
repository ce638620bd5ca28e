package dev.coreset.scoring.train;

import java.util.List;

/**
 * Where the trainer gets its rows, one pass per {@link #open} call. Implementations stream (e.g. from
 * Parquet files) and need not hold the data set in memory; the trainer only keeps its shuffle buffer.
 * {@code epochSeed} lets an implementation vary its file order per epoch (optional; the trainer shuffles
 * anyway). Two calls with the same seed must yield the same rows in the same order for runs to be
 * reproducible.
 */
@FunctionalInterface
public interface RowSource {
    CloseableIterator<LabeledRow> open(long epochSeed);

    /** An in-memory source (tests, small data). */
    static RowSource of(List<LabeledRow> rows) {
        List<LabeledRow> copy = List.copyOf(rows);
        return seed -> CloseableIterator.of(copy);
    }
}
