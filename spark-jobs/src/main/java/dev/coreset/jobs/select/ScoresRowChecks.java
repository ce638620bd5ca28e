package dev.coreset.jobs.select;

import static org.apache.spark.sql.functions.*;

import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.Fingerprint;
import dev.coreset.schemas.Tables;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.DataTypes;

/**
 * Row checks of the train rows at the chosen checkpoint (or of a user's embeddings table) before anything is
 * selected: ids, labels, losses, the method's score column and the embedding, in one aggregate per class that also
 * finds the first offending sample_id (so a failure costs no second pass) and gives the class sizes and the rows'
 * {@link Fingerprint}, so budgets and the manifest's source need no pass of their own; then one groupBy for
 * duplicate ids.
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

    /** What the checks counted: rows per label (a null label is never counted: it fails) and their fingerprint. */
    record Counts(Map<Integer, Long> perLabel, Fingerprint fingerprint) {
    }

    /** @param scored whether the rows carry a loss column (a user's embeddings table does not) */
    static Counts check(Dataset<Row> at, SelectMethod method, InputNaming names, boolean scored) {
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
        // The fingerprint's wrapping sum as two sums of 32-bit halves, which cannot overflow a long (ANSI mode).
        Column mix = udf((UDF2<Long, Integer, Long>) (id, label) -> id == null || label == null ? null
                : Fingerprint.mix(id, label), DataTypes.LongType).apply(col(Tables.SAMPLE_ID), col(Tables.LABEL));
        aggs.add(count(lit(1)));
        aggs.add(sum(shiftrightunsigned(mix, 32)));
        aggs.add(sum(mix.bitwiseAND(lit(0xFFFFFFFFL))));
        List<Row> perLabel = at.groupBy(Tables.LABEL)
                .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).collectAsList();
        // Column i + 1 of a row: aggs.get(i) (column 0 is the label).
        for (int i = 0; i < conditions.size(); i++) {
            long count = 0;
            Long first = null;
            for (Row r : perLabel) {
                count += r.isNullAt(2 * i + 1) ? 0 : r.getLong(2 * i + 1);
                if (!r.isNullAt(2 * i + 2) && (first == null || r.getLong(2 * i + 2) < first)) {
                    first = r.getLong(2 * i + 2);
                }
            }
            if (count > 0) {
                // The first offender by id; a null id has none to name.
                String where = first == null ? "" : " at " + names.id() + " " + first;
                throw new CoresetInputException(names.table() + ": " + problems.get(i) + where
                        + (count > 1 ? " (first of " + count + " rows)" : "") + "; " + fixes.get(i));
            }
        }
        int base = 2 * conditions.size() + 1;
        if (method.needsEmbedding() && !perLabel.isEmpty()) {
            int lo = perLabel.stream().mapToInt(r -> r.getInt(base)).min().getAsInt();
            int hi = perLabel.stream().mapToInt(r -> r.getInt(base + 1)).max().getAsInt();
            if (lo != hi || lo <= 0) {
                throw new CoresetInputException(names.table() + ": column '" + names.embedding()
                        + "' is ragged or empty (lengths " + lo + ".." + hi + "); " + names.raggedFix());
            }
        }
        Row dup = at.groupBy(Tables.SAMPLE_ID).count().filter(col("count").gt(1)).agg(min(Tables.SAMPLE_ID)).first();
        if (!dup.isNullAt(0)) {
            throw new CoresetInputException(names.duplicate(dup.getLong(0)));
        }
        int counted = aggs.size() - 2; // count, high halves, low halves
        Map<Integer, Long> sizes = new TreeMap<>();
        long rows = 0;
        long hash = 0;
        for (Row r : perLabel) {
            sizes.put(r.getInt(0), r.getLong(counted));
            rows += r.getLong(counted);
            hash += (r.getLong(counted + 1) << 32) + r.getLong(counted + 2);
        }
        return new Counts(sizes, new Fingerprint(rows, hash));
    }

    private static Column nonFinite(Column c) {
        return c.isNull().or(isnan(c)).or(c.equalTo(lit(Float.POSITIVE_INFINITY)))
                .or(c.equalTo(lit(Float.NEGATIVE_INFINITY)));
    }
}
