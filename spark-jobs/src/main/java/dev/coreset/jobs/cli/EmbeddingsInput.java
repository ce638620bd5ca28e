package dev.coreset.jobs.cli;

import dev.coreset.jobs.select.EmbeddingsTable;
import dev.coreset.schemas.CoresetInputException;
import picocli.CommandLine.Option;

/** The --embeddings table and its column options, shared by select and dedup. */
public class EmbeddingsInput {
    @Option(names = "--embeddings", description = "Your own Parquet table of id, label and embedding (e.g. CLIP or"
            + " DINO vectors computed elsewhere), instead of --scores.")
    String embeddings;
    @Option(names = "--id-column", description = "With --embeddings: the id column, bigint or int (default sample_id).")
    String idColumn;
    @Option(names = "--label-column", description = "With --embeddings: the class column, int 0..C-1 (default label).")
    String labelColumn;
    @Option(names = "--embedding-column", description = "With --embeddings: the vector column, array<float>,"
            + " array<double> or an ML Vector (default embedding).")
    String embeddingColumn;

    /** The table, or null when the command reads a scores table. */
    String table() {
        return embeddings;
    }

    /** The named columns; refuses column options without --embeddings (a scores table has fixed names). */
    EmbeddingsTable.Columns columns() {
        if (embeddings == null && (idColumn != null || labelColumn != null || embeddingColumn != null)) {
            throw new CoresetInputException("--id-column, --label-column and --embedding-column name the columns of an"
                    + " --embeddings table; a --scores table has fixed names: drop them or pass --embeddings.");
        }
        return new EmbeddingsTable.Columns(idColumn, labelColumn, embeddingColumn);
    }
}
