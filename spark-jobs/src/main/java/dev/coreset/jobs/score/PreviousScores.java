package dev.coreset.jobs.score;

import static org.apache.spark.sql.functions.col;

import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.Json;
import dev.coreset.schemas.PublishedOutput;
import dev.coreset.schemas.SparkSchemas;
import dev.coreset.schemas.TableInfo;
import dev.coreset.schemas.Tables;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The scores table of an earlier run, for {@code score --previous}: its rows are reused for samples it already
 * scored (same sample_id and label), and only the others go through the model. Accepted only when it was made
 * from the same checkpoint files (SHA-256) with the same scoring settings, so reused rows equal re-scored ones.
 */
final class PreviousScores {
    /** Parameters that decide a row's values; a previous table must match the current run on all of them. */
    static final List<String> SAME = List.of(ScoreJob.CHECKPOINTS_SHA256, "epochs", "embedding", "dim",
            "posteriorDraws", "posteriorSigma", "seed");

    final String path;
    final TableInfo info;
    private final Dataset<Row> rows;

    private PreviousScores(String path, TableInfo info, Dataset<Row> rows) {
        this.path = path;
        this.info = info;
        this.rows = rows;
    }

    /** --previous equal to --out and not there yet: the first run of an in-place schedule, which scores everything. */
    static boolean firstInPlaceRun(String previous, String out, Configuration conf) {
        try {
            Path p = new Path(previous);
            org.apache.hadoop.fs.FileSystem fs = p.getFileSystem(conf);
            return fs.makeQualified(p).equals(fs.makeQualified(new Path(out))) && !PublishedOutput.exists(p, conf);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static PreviousScores open(SparkSession spark, String path, Map<String, Object> current, Configuration conf) {
        String content = PublishedOutput.resolve(path, conf);
        Path file = new Path(content, TableInfo.FILE_NAME);
        TableInfo info;
        try {
            if (!file.getFileSystem(conf).exists(file)) {
                throw new CoresetInputException("--previous " + path + ": no " + TableInfo.FILE_NAME
                        + "; pass the --out of an earlier `coreset score`.");
            }
            info = Json.read(file, TableInfo.class, conf);
        } catch (IOException e) {
            throw new CoresetInputException(file + ": unreadable (" + e.getMessage() + "); re-score without --previous.", e);
        }
        if (!Tables.SCORES.name().equals(info.table)) {
            throw new CoresetInputException("--previous " + path + ": a '" + info.table + "' table, not scores; pass the"
                    + " --out of an earlier `coreset score`.");
        }
        if (info.parameters.get(ScoreJob.CHECKPOINTS_SHA256) == null) {
            throw new CoresetInputException("--previous " + path + " records no checkpoint fingerprint (an older coreset"
                    + " wrote it); score once without --previous.");
        }
        for (String key : SAME) {
            String was = text(info.parameters.get(key));
            String now = text(current.get(key));
            if (!was.equals(now)) {
                throw new CoresetInputException("--previous " + path + " was scored with " + key + "=" + was
                        + " but this run has " + key + "=" + now + "; score with the same checkpoints and settings,"
                        + " or without --previous.");
            }
        }
        Dataset<Row> rows = spark.read().parquet(content);
        SparkSchemas.check(Tables.SCORES, rows.schema(), path);
        return new PreviousScores(path, info, rows);
    }

    /** Previous rows of samples that are still there with the same label, with the split they have now. */
    Dataset<Row> reusable(Dataset<Row> samples, String[] columns) {
        return rows.drop(Tables.SPLIT)
                .join(samples.select(Tables.SAMPLE_ID, Tables.LABEL, Tables.SPLIT),
                        scala.jdk.javaapi.CollectionConverters.asScala(List.of(Tables.SAMPLE_ID, Tables.LABEL)).toSeq())
                .select(java.util.Arrays.stream(columns).map(org.apache.spark.sql.functions::col)
                        .toArray(org.apache.spark.sql.Column[]::new));
    }

    /** Samples the previous table has no rows for (new ids, or ids whose label changed). */
    Dataset<Row> unscored(Dataset<Row> samples) {
        Dataset<Row> seen = rows.select(col(Tables.SAMPLE_ID), col(Tables.LABEL)).distinct();
        return samples.join(seen, scala.jdk.javaapi.CollectionConverters.asScala(
                List.of(Tables.SAMPLE_ID, Tables.LABEL)).toSeq(), "left_anti");
    }

    private static String text(Object v) {
        return Json.MAPPER.valueToTree(v).toString();
    }
}
