package dev.coreset.jobs.ingest;

import dev.coreset.schemas.CoresetInputException;
import java.io.Serializable;

/**
 * Text samples as token ids: the Parquet column holding them (an array of integers per row, padded or not), an
 * optional column with each row's true length (ids past it are padding and dropped), and the id that pads rows up
 * to the table's longest where rows are used (recorded with the table as summary.tokens).
 */
public record TokenOptions(String tokensColumn, String lengthColumn, int padId) implements Serializable {
    /** The samples side file's key for {length, padId}. */
    public static final String SUMMARY_KEY = "tokens";

    void check(boolean parquet, boolean images) {
        if (tokensColumn == null) {
            if (lengthColumn != null) {
                throw new CoresetInputException("--length-column goes with --tokens-column; name the token ids column.");
            }
            return;
        }
        if (!parquet) {
            throw new CoresetInputException("--tokens-column names a column of a Parquet input; use --format parquet.");
        }
        if (images) {
            throw new CoresetInputException("--tokens-column and --image-column both name the model's input; pass one.");
        }
        if (padId < 0) {
            throw new CoresetInputException("--pad-id " + padId + " is negative; pass the tokenizer's padding id (e.g. 0).");
        }
    }
}
