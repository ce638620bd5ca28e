package dev.coreset.jobs.cli;

import dev.coreset.jobs.budget.BudgetModes;
import dev.coreset.jobs.cld.CldJob;
import dev.coreset.selection.budget.BudgetMode;
import dev.coreset.jobs.io.AtomicTableWriter;
import dev.coreset.jobs.io.ResumeGuard;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "cld", mixinStandardHelpOptions = true,
        description = {"Select a coreset by CLD: the Pearson correlation of each train sample's loss differences with "
                + "its class's mean validation loss differences, over the proxy run's checkpoints.",
                "Keeps the top samples of each class by CLD (ties to the lower sample_id); needs val rows in the scores table."})
public final class CldCommand implements Callable<Integer> {
    @Option(names = "--scores", required = true, description = "Scores table (one row per sample per checkpoint).")
    String scores;
    @Option(names = "--checkpoints", defaultValue = "all",
            description = "all | first:K | a list like 0,2,4 (at least 3; default ${DEFAULT-VALUE}).")
    String checkpoints;
    @Option(names = "--fraction", description = "Share of train samples to keep, in (0, 1].")
    Double fraction;
    @Option(names = "--per-class", description = "Samples to keep per class (all of a smaller class).")
    Integer perClass;
    @Option(names = "--budget-mode", defaultValue = "uniform",
            description = "With --fraction: uniform | proportional | difficulty (default ${DEFAULT-VALUE}).")
    String budgetMode;
    @Option(names = "--exclude", description = "Flags table (coreset noise): these samples are dropped before selecting.")
    String exclude;
    @Option(names = "--el2n-early", defaultValue = "3",
            description = "Checkpoints EL2N is averaged over for el2n_early (default ${DEFAULT-VALUE}, at most all).")
    int el2nEarly;
    @Option(names = "--window", defaultValue = "all", description = "Checkpoints the trajectory scores of --dynamics-out"
            + " (aum, mean_py, dual, probs) average over: all | from:N (from:1 skips coreset train's untrained"
            + " checkpoint 0) | last:K (default ${DEFAULT-VALUE}).")
    String window;
    @Option(names = "--dual-window", defaultValue = "3", description = "DUAL's window J: consecutive checkpoints whose"
            + " std of p_y it takes (default ${DEFAULT-VALUE}; dual is NaN when --window holds fewer).")
    int dualWindow;
    @Option(names = "--seed", defaultValue = "42", description = "Recorded in the manifest (CLD itself is deterministic).")
    long seed;
    @Option(names = "--out", required = true, description = "Output manifest directory.")
    String out;
    @Option(names = "--dynamics-out", description = "Also write the per-sample dynamics table here.")
    String dynamicsOut;
    @Option(names = "--overwrite", description = "Replace existing outputs.")
    boolean overwrite;

    @Mixin
    SparkOptions sparkOptions;

    @Override
    public Integer call() {
        BudgetMode mode = BudgetModes.parse(budgetMode);
        CldJob.Options options = new CldJob.Options(scores, checkpoints, fraction, perClass, mode, exclude, seed, out,
                overwrite, dynamicsOut, el2nEarly, window, dualWindow);
        CldJob.checkOptions(options);
        SparkSession spark = sparkOptions.session();
        var conf = AtomicTableWriter.hadoopConf(spark);
        if (ResumeGuard.skipIfCurrent(CldJob.STAGE.record(options, conf), overwrite, conf)) {
            return 0;
        }
        CldJob.Summary s = new CldJob(spark).run(options);
        System.out.printf(Locale.ROOT, "cld: %d train samples, %d checkpoints %s, %d excluded; selected %d -> %s (%.1f s)%n",
                s.trainSamples(), s.checkpoints().size(), s.checkpoints(), s.excluded(), s.selected(), out, s.seconds());
        TextTable table = new TextTable("class", "selected");
        s.selectedPerClass().forEach(table::row);
        System.out.print(table);
        if (dynamicsOut != null) {
            System.out.println("dynamics -> " + dynamicsOut);
        }
        return 0;
    }
}
