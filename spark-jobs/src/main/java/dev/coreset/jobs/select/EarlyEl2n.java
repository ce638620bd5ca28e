package dev.coreset.jobs.select;

import static org.apache.spark.sql.functions.*;

import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.Tables;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

/**
 * EL2N averaged over the earliest checkpoints (ALGORITHMS.md, "Scores"; {@code select --method el2n
 * --el2n-checkpoints first:K}): per train sample, the mean EL2N of the K earliest checkpoints of the scores table,
 * the same value as the dynamics table's el2n_early for {@code cld --el2n-early K --checkpoints all}.
 */
public final class EarlyEl2n {
    private EarlyEl2n() {
    }

    /** K of {@code first:K}. */
    public static int parse(String spec) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        if (s.startsWith("first:")) {
            try {
                int k = Integer.parseInt(s.substring("first:".length()).trim());
                if (k >= 1) {
                    return k;
                }
            } catch (NumberFormatException e) {
                // the message below
            }
        }
        throw new CoresetInputException("--el2n-checkpoints " + spec + " is not first:K with K >= 1; write e.g. first:3.");
    }

    /** The K earliest train checkpoints of the table, ascending. */
    public static List<Integer> checkpoints(Dataset<Row> train, int k, String path) {
        List<Integer> cps = train.select(Tables.CHECKPOINT).distinct().orderBy(Tables.CHECKPOINT)
                .as(Encoders.INT()).collectAsList();
        if (k > cps.size()) {
            throw new CoresetInputException("--el2n-checkpoints first:" + k + " asks for " + k + " checkpoints but "
                    + path + " has " + cps.size() + " " + cps + "; lower K.");
        }
        return List.copyOf(cps.subList(0, k));
    }

    /** sample_id, el2n (double): the mean EL2N over {@code chosen}; every sample must have one row at each. */
    public static Dataset<Row> mean(Dataset<Row> train, List<Integer> chosen, String path) {
        Dataset<Row> means = train.filter(col(Tables.CHECKPOINT).isin(chosen.toArray()))
                .groupBy(Tables.SAMPLE_ID)
                .agg(avg(col(Tables.EL2N).cast("double")).as(Tables.EL2N), count(lit(1)).as("_rows"));
        Row bad = means.filter(col("_rows").notEqual(chosen.size())).orderBy(Tables.SAMPLE_ID).limit(1)
                .collectAsList().stream().findFirst().orElse(null);
        if (bad != null) {
            throw new CoresetInputException(path + ": train sample_id " + bad.getLong(0) + " has " + bad.getLong(2)
                    + " rows at checkpoints " + chosen + " but needs one at each; re-score, or lower K.");
        }
        return means.drop("_rows");
    }
}
