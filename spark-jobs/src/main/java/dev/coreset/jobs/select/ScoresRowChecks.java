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
 * Row checks of the train rows at the chosen checkpoint before anything is selected: labels, losses, the
 * method's score column and the embedding, in one aggregate that also finds the first offending sample_id
 * (so a failure costs no second pass), then one groupBy for duplicate ids.
 */
final class ScoresRowChecks {
    private ScoresRowChecks() {
    }

    static void check(Dataset<Row> at, SelectMethod method, String path) {
        List<String> problems = new ArrayList<>();
        List<String> fixes = new ArrayList<>();
        List<Column> conditions = new ArrayList<>();
        problems.add("column 'label' is null or negative");
        fixes.add("labels must be class indices 0..C-1: re-score from a samples table written by `coreset ingest`.");
        conditions.add(col(Tables.LABEL).isNull().or(col(Tables.LABEL).lt(0)));
        problems.add("column 'loss' is NaN, infinite or null");
        fixes.add("re-score with a model that does not diverge.");
        conditions.add(nonFinite(col(Tables.LOSS)));
        String scoreColumn = method.scoreColumn();
        if (scoreColumn != null && !scoreColumn.equals(Tables.LOSS) && !scoreColumn.equals("forgetting")) {
            problems.add("column '" + scoreColumn + "' is NaN, infinite or null");
            fixes.add("re-score with a model that does not diverge.");
            conditions.add(nonFinite(col(scoreColumn)));
        }
        if (method.needsEmbedding()) {
            problems.add("column 'embedding' holds NaN or infinity");
            fixes.add("re-score (a diverged model gives non-finite gradients), or use a score-based --method.");
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
                throw new CoresetInputException(path + ": " + problems.get(i) + " at sample_id " + r.getLong(2 * i + 1)
                        + (count > 1 ? " (first of " + count + " rows)" : "") + "; " + fixes.get(i));
            }
        }
        if (method.needsEmbedding()) {
            int base = 2 * conditions.size();
            int lo = r.getInt(base);
            int hi = r.getInt(base + 1);
            if (lo != hi || lo <= 0) {
                throw new CoresetInputException(path + ": column 'embedding' is ragged or empty (lengths " + lo + ".."
                        + hi + "); re-score with one --embedding and --dim.");
            }
        }
        Row dup = at.groupBy(Tables.SAMPLE_ID).count().filter(col("count").gt(1)).agg(min(Tables.SAMPLE_ID)).first();
        if (!dup.isNullAt(0)) {
            throw new CoresetInputException(path + ": sample_id " + dup.getLong(0)
                    + " appears twice at one checkpoint; re-score into a fresh --out.");
        }
    }

    private static Column nonFinite(Column c) {
        return c.isNull().or(isnan(c)).or(c.equalTo(lit(Float.POSITIVE_INFINITY)))
                .or(c.equalTo(lit(Float.NEGATIVE_INFINITY)));
    }
}
