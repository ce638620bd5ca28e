package dev.coreset.jobs.select;

import static org.apache.spark.sql.functions.*;

import dev.coreset.jobs.validate.ArrayConditions;
import dev.coreset.jobs.validate.DuplicateIds;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.Fingerprint;
import dev.coreset.schemas.Tables;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.DataTypes;

/**
 * Row checks of the train rows at the chosen checkpoint (or of a user's embeddings table) before anything is
 * selected: ids, labels, losses, the method's score column and the embedding, in one aggregate per class that also
 * finds the first offending sample_id (so a failure costs no second pass) and gives the class sizes and the rows'
 * {@link Fingerprint}, so budgets and the manifest's source need no pass of their own; then the duplicate ids
 * ({@link DuplicateIds}).
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

    /**
     * One row check: what is wrong, the fix, the column it reads, the condition as a Spark column and the same test
     * on a collected value (null included), so both paths name the same problem and the same first offender.
     */
    private record Check(String problem, String fix, String column, Column condition, Predicate<Object> fails) {
    }

    /** The checks the method needs, in the order their failures are reported. */
    private static List<Check> checks(SelectMethod method, InputNaming names, boolean scored) {
        List<Check> checks = new ArrayList<>();
        checks.add(new Check("column '" + names.id() + "' is null", names.idFix(), Tables.SAMPLE_ID,
                col(Tables.SAMPLE_ID).isNull(), v -> v == null));
        checks.add(new Check("column '" + names.label() + "' " + names.labelProblem(), names.labelFix(), Tables.LABEL,
                col(Tables.LABEL).isNull().or(col(Tables.LABEL).lt(0)), v -> v == null || ((Number) v).intValue() < 0));
        if (scored) {
            checks.add(new Check("column 'loss' is NaN, infinite or null", "re-score with a model that does not diverge.",
                    Tables.LOSS, nonFinite(col(Tables.LOSS)), ScoresRowChecks::nonFinite));
            String scoreColumn = method.scoreColumn();
            if (scoreColumn != null && !scoreColumn.equals(Tables.LOSS) && !scoreColumn.equals("forgetting")) {
                checks.add(new Check("column '" + scoreColumn + "' is NaN, infinite or null",
                        "re-score with a model that does not diverge.", scoreColumn, nonFinite(col(scoreColumn)),
                        ScoresRowChecks::nonFinite));
            }
        }
        if (method.needsEmbedding()) {
            checks.add(new Check("column '" + names.embedding() + "' " + names.embeddingProblem(), names.embeddingFix(),
                    Tables.EMBEDDING, ArrayConditions.nullOrNonFinite(col(Tables.EMBEDDING)),
                    v -> v == null || asList(v).stream().anyMatch(ScoresRowChecks::nonFinite)));
        }
        return checks;
    }

    /** The columns {@link #checkCollected} reads, for the caller's collect. */
    static Column[] columns(SelectMethod method, InputNaming names, boolean scored) {
        return checks(method, names, scored).stream().map(c -> col(c.column())).distinct().toArray(Column[]::new);
    }

    /** @param scored whether the rows carry a loss column (a user's embeddings table does not) */
    static Counts check(Dataset<Row> at, SelectMethod method, InputNaming names, boolean scored) {
        List<Check> checks = checks(method, names, scored);
        List<Column> aggs = new ArrayList<>();
        for (Check c : checks) {
            aggs.add(sum(when(c.condition(), 1L).otherwise(0L)));
            aggs.add(min(when(c.condition(), col(Tables.SAMPLE_ID))));
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
        for (int i = 0; i < checks.size(); i++) {
            long count = 0;
            Long first = null;
            for (Row r : perLabel) {
                count += r.isNullAt(2 * i + 1) ? 0 : r.getLong(2 * i + 1);
                if (!r.isNullAt(2 * i + 2) && (first == null || r.getLong(2 * i + 2) < first)) {
                    first = r.getLong(2 * i + 2);
                }
            }
            failIfAny(checks.get(i), count, first, names);
        }
        int base = 2 * checks.size() + 1;
        if (method.needsEmbedding() && !perLabel.isEmpty()) {
            int lo = perLabel.stream().mapToInt(r -> r.getInt(base)).min().getAsInt();
            int hi = perLabel.stream().mapToInt(r -> r.getInt(base + 1)).max().getAsInt();
            failIfRagged(lo, hi, names);
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
        Long dup = DuplicateIds.smallest(at, rows);
        if (dup != null) {
            throw new CoresetInputException(names.duplicate(dup));
        }
        return new Counts(sizes, new Fingerprint(rows, hash));
    }

    /**
     * The same checks, in the same order and with the same messages, on rows already on the driver (collected with
     * {@link #columns}): a small table's selection then needs no Spark job for them.
     */
    static Counts checkCollected(List<Row> rows, SelectMethod method, InputNaming names, boolean scored) {
        int idAt = rows.isEmpty() ? -1 : rows.get(0).fieldIndex(Tables.SAMPLE_ID);
        for (Check c : checks(method, names, scored)) {
            int at = rows.isEmpty() ? -1 : rows.get(0).fieldIndex(c.column());
            long count = 0;
            Long first = null;
            for (Row r : rows) {
                if (c.fails().test(r.get(at))) {
                    count++;
                    if (!r.isNullAt(idAt) && (first == null || r.getLong(idAt) < first)) {
                        first = r.getLong(idAt);
                    }
                }
            }
            failIfAny(c, count, first, names);
        }
        if (method.needsEmbedding() && !rows.isEmpty()) {
            int at = rows.get(0).fieldIndex(Tables.EMBEDDING);
            int lo = Integer.MAX_VALUE;
            int hi = Integer.MIN_VALUE;
            for (Row r : rows) {
                int n = r.getList(at).size();
                lo = Math.min(lo, n);
                hi = Math.max(hi, n);
            }
            failIfRagged(lo, hi, names);
        }
        Set<Long> seen = new HashSet<>();
        Long duplicate = null;
        Map<Integer, Long> sizes = new TreeMap<>();
        Fingerprint fp = Fingerprint.empty();
        int labelAt = rows.isEmpty() ? -1 : rows.get(0).fieldIndex(Tables.LABEL);
        for (Row r : rows) {
            long id = r.getLong(idAt);
            if (!seen.add(id) && (duplicate == null || id < duplicate)) {
                duplicate = id;
            }
            sizes.merge(r.getInt(labelAt), 1L, Long::sum);
            fp = fp.add(id, r.getInt(labelAt));
        }
        if (duplicate != null) {
            throw new CoresetInputException(names.duplicate(duplicate));
        }
        return new Counts(sizes, fp);
    }

    private static void failIfAny(Check c, long count, Long first, InputNaming names) {
        if (count > 0) {
            // The first offender by id; a null id has none to name.
            String where = first == null ? "" : " at " + names.id() + " " + first;
            throw new CoresetInputException(names.table() + ": " + c.problem() + where
                    + (count > 1 ? " (first of " + count + " rows)" : "") + "; " + c.fix());
        }
    }

    private static void failIfRagged(int lo, int hi, InputNaming names) {
        if (lo != hi || lo <= 0) {
            throw new CoresetInputException(names.table() + ": column '" + names.embedding()
                    + "' is ragged or empty (lengths " + lo + ".." + hi + "); " + names.raggedFix());
        }
    }

    private static boolean nonFinite(Object v) {
        return v == null || !Double.isFinite(((Number) v).doubleValue());
    }

    private static List<?> asList(Object v) {
        return v instanceof List<?> l ? l : scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Seq<?>) v);
    }

    private static Column nonFinite(Column c) {
        return c.isNull().or(isnan(c)).or(c.equalTo(lit(Float.POSITIVE_INFINITY)))
                .or(c.equalTo(lit(Float.NEGATIVE_INFINITY)));
    }
}
