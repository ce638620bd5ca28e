package dev.coreset.jobs.select;

import static org.apache.spark.sql.functions.*;

import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.Tables;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Row checks of the train rows at the chosen checkpoint (or of a user's embeddings table) before anything is
 * selected: ids, labels, losses, the method's score column and the embedding, in one aggregate that also finds the first offending sample_id
 * (so a failure costs no second pass), then one groupBy for duplicate ids.
 */
public final class ScoresRowChecks {
    private ScoresRowChecks() {
    }

    /**
     * The embedding checks alone (ids, labels, non-finite or ragged vectors, duplicate ids) for another command that
     * reads the same rows (dedup), naming the user's columns when the rows came from an --embeddings table.
     */
    public static void checkEmbeddings(Dataset<Row> at, String input, EmbeddingsTable.Columns userColumns) {
        InputNaming names = userColumns == null
                ? new InputNaming(input, Tables.SAMPLE_ID, Tables.LABEL, Tables.EMBEDDING, false)
                : new InputNaming(input, userColumns.idColumn(), userColumns.labelColumn(), userColumns.embeddingColumn(), true);
        check(at, SelectMethod.FACILITY_LOCATION, names, false);
    }

    /** @param scored whether the rows carry a loss column (a user's embeddings table does not) */
    static void check(Dataset<Row> at, SelectMethod method, InputNaming names, boolean scored) {
        List<String> problems = new ArrayList<>();
        List<String> fixes = new ArrayList<>();
        List<Column> conditions = new ArrayList<>();
        problems.add("column '" + names.id() + "' is null");
        fixes.add(names.idFix());
        conditions.add(col(Tables.SAMPLE_ID).isNull());
        problems.add("column '" + names.label() + "' " + names.labelProblem());
        fixes.add(names.labelFix());
        conditions.add(col(Tables.LABEL).isNull().or(col(Tables.LABEL).lt(0)));
        if (scored) {
            problems.add("column 'loss' is NaN, infinite or null");
            fixes.add("re-score with a model that does not diverge.");
            conditions.add(nonFinite(col(Tables.LOSS)));
            String scoreColumn = method.scoreColumn();
            if (scoreColumn != null && !scoreColumn.equals(Tables.LOSS) && !scoreColumn.equals("forgetting")) {
                problems.add("column '" + scoreColumn + "' is NaN, infinite or null");
                fixes.add("re-score with a model that does not diverge.");
                conditions.add(nonFinite(col(scoreColumn)));
            }
        }
        if (method.needsEmbedding()) {
            problems.add("column '" + names.embedding() + "' " + names.embeddingProblem());
            fixes.add(names.embeddingFix());
            conditions.add(col(Tables.EMBEDDING).isNull()
                    .or(exists(col(Tables.EMBEDDING), x -> nonFinite(x))));
        }
        List<Column> aggs = new ArrayList<>();
        for (Column c : conditions) {
            aggs.add(sum(when(c, 1L).otherwise(0L)));
            aggs.add(min(when(c, col(Tables.SAMPLE_ID))));
        }
        if (method.needsEmbedding()) {
            aggs.add(min(size(col(Tables.EMBEDDING))));
            aggs.add(max(size(col(Tables.EMBEDDING))));
        }
        Row r = at.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).first();
        for (int i = 0; i < conditions.size(); i++) {
            long count = r.isNullAt(2 * i) ? 0 : r.getLong(2 * i);
            if (count > 0) {
                // The first offender by id; a null id has none to name.
                String where = r.isNullAt(2 * i + 1) ? "" : " at " + names.id() + " " + r.getLong(2 * i + 1);
                throw new CoresetInputException(names.table() + ": " + problems.get(i) + where
                        + (count > 1 ? " (first of " + count + " rows)" : "") + "; " + fixes.get(i));
            }
        }
        if (method.needsEmbedding()) {
            int base = 2 * conditions.size();
            int lo = r.getInt(base);
            int hi = r.getInt(base + 1);
            if (lo != hi || lo <= 0) {
                throw new CoresetInputException(names.table() + ": column '" + names.embedding()
                        + "' is ragged or empty (lengths " + lo + ".." + hi + "); " + names.raggedFix());
            }
        }
        Row dup = at.groupBy(Tables.SAMPLE_ID).count().filter(col("count").gt(1)).agg(min(Tables.SAMPLE_ID)).first();
        if (!dup.isNullAt(0)) {
            throw new CoresetInputException(names.duplicate(dup.getLong(0)));
        }
    }

    private static Column nonFinite(Column c) {
        return c.isNull().or(isnan(c)).or(c.equalTo(lit(Float.POSITIVE_INFINITY)))
                .or(c.equalTo(lit(Float.NEGATIVE_INFINITY)));
    }
}
