package dev.coreset.jobs.cli;

import dev.coreset.jobs.io.AtomicTableWriter;
import dev.coreset.jobs.io.ResumeGuard;
import dev.coreset.jobs.score.ScoreJob;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "score", mixinStandardHelpOptions = true,
        description = {"Score every sample at every checkpoint on Spark executors: loss, correct, margin, EL2N,",
                "and optionally a gradient embedding (logits-grad | last-layer-grad), reduced by --dim and",
                "averaged over --posterior-draws Gaussian perturbations of the last layer."})
public final class ScoreCommand implements Callable<Integer> {
    @Option(names = "--samples", required = true)
    String samples;
    @Option(names = "--checkpoints", required = true, description = {"Run directory of `coreset train`; or your own model:"
            + " a TorchScript (.pt) or ONNX (.onnx) file (checkpoint 0), a folder of per-epoch files or a quoted glob"
            + " such as 'ckpts/epoch-*.pt' (one checkpoint per file, numbered by the last number in its name).",
            "Any Hadoop file system: executors copy each model once per JVM into a local cache."})
    String checkpoints;
    @Option(names = "--input-shape", description = "Per-sample input shape of a TorchScript/ONNX model, e.g. 1,28,28"
            + " (a row's features reshaped to it; default: one vector of the feature count).")
    String inputShape;
    @Option(names = "--epochs", defaultValue = "all", description = "all, or a list such as 0,2,4.")
    String epochs;
    @Option(names = "--splits", split = ",", defaultValue = "train,val,test", description = "Splits to score (default ${DEFAULT-VALUE}).")
    List<String> splits;
    @Option(names = "--embedding", defaultValue = "none", description = "none | logits-grad | last-layer-grad")
    String embedding;
    @Option(names = "--dim", defaultValue = "0", description = "Seeded random projection of the embedding to D dims (0 = off).")
    int dim;
    @Option(names = "--posterior-draws", defaultValue = "1")
    int posteriorDraws;
    @Option(names = "--posterior-sigma", defaultValue = "0", description = "Std of the Gaussian weight perturbation (0 = off).")
    double posteriorSigma;
    @Option(names = "--seed", defaultValue = "0")
    long seed;
    // 128: with two tasks per machine a CNN's activations at 512 rows outgrow the caches (docs/BENCHMARKS.md).
    @Option(names = "--batch-size", defaultValue = "128", description = "Rows per forward pass (default ${DEFAULT-VALUE}).")
    int batchSize;
    @Option(names = "--partitions", defaultValue = "0", description = "Score in this many tasks (rows hashed by id), e.g."
            + " the cluster's executor or GPU count; 0 = one task per input split (default).")
    int partitions;
    @Option(names = "--previous", description = "Incremental: an earlier scores table made with the same checkpoint files"
            + " and settings; its rows are kept for samples it has (same id and label), only the others are scored."
            + " May be the --out itself (with --overwrite).")
    String previous;
    @Option(names = "--out", required = true)
    String out;
    @Option(names = "--overwrite")
    boolean overwrite;
    @Mixin
    SparkOptions sparkOptions;

    @Override
    public Integer call() {
        SparkSession spark = sparkOptions.session();
        ScoreJob.Options options = new ScoreJob.Options(samples, checkpoints, epochs, splits, embedding, dim,
                posteriorDraws, posteriorSigma, seed, batchSize, out, overwrite, partitions, previous, inputShape);
        var conf = AtomicTableWriter.hadoopConf(spark);
        if (ResumeGuard.skipIfCurrent(ScoreJob.STAGE.record(options, conf), overwrite, conf)) {
            return 0;
        }
        ScoreJob.Summary s = new ScoreJob(spark).run(options);
        System.out.printf(Locale.ROOT, "scored %d rows (%d checkpoints, embedding dim %d) -> %s (%.1f s)%n",
                s.scoredRows(), s.checkpoints(), s.embeddingDim(), out, s.seconds());
        System.out.println(s.times()); // which part to work on when scoring is slow
        if (previous != null) {
            System.out.printf(Locale.ROOT, "kept %d rows from %s; %d rows in all%n", s.rows() - s.scoredRows(), previous,
                    s.rows());
        }
        return 0;
    }
}
