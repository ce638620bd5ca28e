package dev.coreset.jobs.cli;

import dev.coreset.jobs.io.AtomicTableWriter;
import dev.coreset.jobs.io.ResumeGuard;
import dev.coreset.jobs.select.EmbeddingsTable;
import dev.coreset.jobs.select.SelectJob;
import dev.coreset.jobs.select.PartsMode;
import dev.coreset.jobs.select.PruningOptions;
import dev.coreset.jobs.select.SelectMethod;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "select", mixinStandardHelpOptions = true,
        description = {"Select a class-balanced coreset from a scores table, or from your own table of id, label and"
                        + " embedding (--embeddings), and write a manifest.",
                "facility-location / kcenter: GreeDi per class on the embedding (parts of --partition-size points);",
                "random: stratified; loss, el2n, forgetting: highest first; margin: lowest first.",
                "ccs, dual, d2: from the samples' trajectories over every checkpoint of the scores table (AUM, DUAL's"
                        + " score, mean p_y: see --window):",
                "  ccs: per class drop the hardest --hard-cut by --score, split the rest into --strata equal-width"
                        + " strata, give them equal shares, draw at random inside each;",
                "  dual: draw with probability BetaPdf(mean p_y; a, b) x DUAL score, a and b from the pruning rate;",
                "  d2: spread --score difficulty over a k-NN graph of the embedding (--neighbours), then pick the"
                        + " highest and lower its neighbours (GreeDi-like parts of --partition-size points)."})
public final class SelectCommand implements Callable<Integer> {
    @Option(names = "--scores", description = "Scores table (coreset score); or pass --embeddings.")
    String scores;
    @Mixin
    EmbeddingsInput input;
    @Option(names = "--checkpoint", defaultValue = "last", description = "last or a checkpoint number.")
    String checkpoint;
    @Option(names = "--method", required = true,
            description = "facility-location | kcenter | random | loss | el2n | margin | forgetting | ccs | dual | d2")
    String method;
    @Option(names = "--fraction", description = "Fraction of the train rows to keep.")
    Double fraction;
    @Option(names = "--per-class", description = "Samples to keep in every class.")
    Integer perClass;
    @Option(names = "--budget-mode", defaultValue = "proportional", description = "uniform | proportional | difficulty (default ${DEFAULT-VALUE}).")
    String budgetMode;
    @Option(names = "--optimizer", defaultValue = "lazy", description = "lazy | stochastic")
    String optimizer;
    @Option(names = "--epsilon", defaultValue = "0.01", description = "Stochastic greedy's epsilon.")
    double epsilon;
    @Option(names = "--partition-size", defaultValue = "10000", description = "Points per GreeDi part (bounds memory per task).")
    int partitionSize;
    @Option(names = "--parts", defaultValue = "kmeans",
            description = "GreeDi parts: kmeans (neighbours together; default) | random (what GreeDi's guarantee assumes).")
    String parts;
    @Option(names = "--memo-bytes", defaultValue = "268435456", description = "Facility-location memo and contributor lists, bytes per task (default ${DEFAULT-VALUE}).")
    long memoBytes;
    @Option(names = "--exclude", description = "Flags table (coreset noise): these samples are dropped before budgets and selection.")
    String exclude;
    @Option(names = "--el2n-checkpoints", description = "With --method el2n: first:K ranks by EL2N averaged over the K earliest checkpoints.")
    String el2nCheckpoints;
    @Option(names = "--score", defaultValue = "aum", description = "ccs and d2: the dynamics score that orders samples"
            + " by difficulty: aum | mean_py | cld | dual | forgetting | el2n_early | mean_loss | last_loss (default ${DEFAULT-VALUE}).")
    String score;
    @Option(names = "--hard-cut", defaultValue = "auto", description = "ccs and d2: share of each class's hardest samples"
            + " dropped first, in [0, 1), or auto: the share of candidates whose AUM < 0 (the proxy ranks another"
            + " class above their label on average) (default ${DEFAULT-VALUE}).")
    String hardCut;
    @Option(names = "--strata", defaultValue = "50", description = "ccs: equal-width strata of the score (default ${DEFAULT-VALUE}).")
    int strata;
    @Option(names = "--window", defaultValue = "all", description = "ccs, dual, d2: checkpoints the trajectory scores"
            + " average over: all | from:N (from:1 skips coreset train's untrained checkpoint 0) | last:K (default ${DEFAULT-VALUE}).")
    String window;
    @Option(names = "--dual-window", defaultValue = "3", description = "dual: J consecutive checkpoints per window"
            + " (default ${DEFAULT-VALUE}).")
    int dualWindow;
    @Option(names = "--dual-exponent", defaultValue = "4", description = "dual: e in b = 15 (1 - anchor)(1 - r^e)"
            + " (default ${DEFAULT-VALUE}).")
    double dualExponent;
    @Option(names = "--neighbours", defaultValue = "10", description = "d2: k of the k-NN graph (default ${DEFAULT-VALUE}).")
    int neighbours;
    @Option(names = "--gamma-forward", defaultValue = "1.0", description = "d2: forward gamma, on distances divided by"
            + " the part's mean k-NN distance (default ${DEFAULT-VALUE}).")
    double gammaForward;
    @Option(names = "--gamma-reverse", defaultValue = "0.1", description = "d2: reverse gamma (default ${DEFAULT-VALUE}).")
    double gammaReverse;
    @Option(names = "--seed", defaultValue = "0")
    long seed;
    @Option(names = "--out", required = true)
    String out;
    @Option(names = "--overwrite")
    boolean overwrite;
    @Mixin
    SparkOptions sparkOptions;

    @Override
    public Integer call() {
        SelectMethod m = SelectMethod.parse(method);
        EmbeddingsTable.Columns columns = input.columns();
        String embeddings = input.table();
        SparkSession spark = sparkOptions.session();
        SelectJob.Options options = new SelectJob.Options(scores, checkpoint, m, fraction, perClass, budgetMode,
                optimizer, epsilon, partitionSize, seed, memoBytes, out, overwrite, PartsMode.parse(parts), exclude,
                el2nCheckpoints, new PruningOptions(score, hardCut, strata, window, dualWindow, dualExponent, neighbours,
                gammaForward, gammaReverse), embeddings, columns);
        var conf = AtomicTableWriter.hadoopConf(spark);
        if (ResumeGuard.skipIfCurrent(SelectJob.STAGE.record(options, conf), overwrite, conf)) {
            return 0;
        }
        SelectJob.Summary s = new SelectJob(spark).run(options);
        System.out.printf(Locale.ROOT, "selected %d of %d %s with %s -> %s (%.1f s)%s%n", s.selected(),
                s.candidates(), embeddings == null ? "train samples" : "rows of " + embeddings, m.cliName(), out, s.seconds(),
                Double.isNaN(s.kMedoidCost()) ? "" : String.format(Locale.ROOT, ", k-medoid cost %.4g", s.kMedoidCost()));
        TextTable t = new TextTable("class", "selected");
        s.budgets().forEach(t::row);
        System.out.print(t);
        return 0;
    }
}
