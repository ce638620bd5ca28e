package dev.coreset.jobs.cli;

import dev.coreset.jobs.io.AtomicTableWriter;
import dev.coreset.jobs.io.ResumeGuard;
import dev.coreset.jobs.select.SelectJob;
import dev.coreset.jobs.select.PartsMode;
import dev.coreset.jobs.select.SelectMethod;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "select", mixinStandardHelpOptions = true,
        description = {"Select a class-balanced coreset from a scores table and write a manifest.",
                "facility-location / kcenter: GreeDi per class on the embedding (parts of --partition-size points);",
                "random: stratified; loss, el2n, forgetting: highest first; margin: lowest first."})
public final class SelectCommand implements Callable<Integer> {
    @Option(names = "--scores", required = true)
    String scores;
    @Option(names = "--checkpoint", defaultValue = "last", description = "last or a checkpoint number.")
    String checkpoint;
    @Option(names = "--method", required = true,
            description = "facility-location | kcenter | random | loss | el2n | margin | forgetting")
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
        SparkSession spark = sparkOptions.session();
        SelectJob.Options options = new SelectJob.Options(scores, checkpoint, m, fraction, perClass, budgetMode,
                optimizer, epsilon, partitionSize, seed, memoBytes, out, overwrite, PartsMode.parse(parts), exclude,
                el2nCheckpoints);
        var conf = AtomicTableWriter.hadoopConf(spark);
        if (ResumeGuard.skipIfCurrent(SelectJob.STAGE.record(options, conf), overwrite, conf)) {
            return 0;
        }
        SelectJob.Summary s = new SelectJob(spark).run(options);
        System.out.printf(Locale.ROOT, "selected %d of %d train samples with %s -> %s (%.1f s)%s%n", s.selected(),
                s.candidates(), m.cliName(), out, s.seconds(),
                Double.isNaN(s.kMedoidCost()) ? "" : String.format(Locale.ROOT, ", k-medoid cost %.4g", s.kMedoidCost()));
        TextTable t = new TextTable("class", "selected");
        s.budgets().forEach(t::row);
        System.out.print(t);
        return 0;
    }
}
