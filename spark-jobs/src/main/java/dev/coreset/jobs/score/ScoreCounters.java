package dev.coreset.jobs.score;

import java.io.Serializable;
import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * What the scoring tasks count while they run: rows through the model (times checkpoints) and where their time
 * went, summed over tasks. A task's time splits into reading its rows (Spark's Parquet scan and the copy into the batch
 * buffer), the model (forward passes, the per-sample scores and their result rows) and the output (Spark encoding
 * and writing those rows): which of them to work on when a scoring job is slow.
 */
public record ScoreCounters(LongAccumulator rows, LongAccumulator readNanos, LongAccumulator modelNanos,
                            LongAccumulator taskNanos) implements Serializable {

    /** Task seconds summed over the job's tasks. */
    public record Times(double read, double model, double task) {
        /** Encoding and writing the result rows: the task's time outside reading and the model. */
        public double rest() {
            return Math.max(0, task - read - model);
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "task time %.1f s: read %.1f s, model %.1f s, output %.1f s",
                    task, read, model, rest());
        }
    }

    public static ScoreCounters register(SparkContext sc) {
        return new ScoreCounters(sc.longAccumulator("rows scored"), sc.longAccumulator("score read ns"),
                sc.longAccumulator("score model ns"), sc.longAccumulator("score task ns"));
    }

    public Times times() {
        return new Times(readNanos.value() / 1e9, modelNanos.value() / 1e9, taskNanos.value() / 1e9);
    }
}
