package dev.coreset.jobs.cli;

import dev.coreset.jobs.cld.NoiseJob;
import dev.coreset.jobs.cld.NoiseThreshold;
import dev.coreset.jobs.io.AtomicTableWriter;
import dev.coreset.jobs.io.ResumeGuard;
import dev.coreset.schemas.CoresetInputException;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "noise", mixinStandardHelpOptions = true,
        description = {"Flag likely mislabeled train samples from a dynamics table (coreset cld --dynamics-out).",
                "Per class: a two-component Gaussian mixture on the log loss at the last checkpoint; flagged when the "
                        + "high-loss component's posterior > 0.5. A class whose losses show one population gets no flags.",
                "Use the flags with coreset select --exclude or coreset cld --exclude."})
public final class NoiseCommand implements Callable<Integer> {
    @Option(names = "--dynamics", required = true, description = "Dynamics table written by coreset cld --dynamics-out.")
    String dynamics;
    @Option(names = "--samples", description = "Samples table; with clean_label, precision and recall are printed.")
    String samples;
    @Option(names = "--bins", defaultValue = "512", description = "Histogram bins per class for the mixture fit (default ${DEFAULT-VALUE}).")
    int bins;
    @Option(names = "--out", required = true, description = "Output flags table (sample_id, label, noise_score).")
    String out;
    @Option(names = "--overwrite", description = "Replace an existing output.")
    boolean overwrite;

    @Mixin
    SparkOptions sparkOptions;

    @Override
    public Integer call() {
        if (bins < 16) {
            throw new CoresetInputException("--bins " + bins + " is too few for a threshold fit; pass 16 or more, e.g. the default 512.");
        }
        SparkSession spark = sparkOptions.session();
        NoiseJob.Options options = new NoiseJob.Options(dynamics, samples, out, overwrite, bins);
        var conf = AtomicTableWriter.hadoopConf(spark);
        if (ResumeGuard.skipIfCurrent(NoiseJob.STAGE.record(options, conf), overwrite, conf)) {
            return 0;
        }
        NoiseJob.Summary s = new NoiseJob(spark).run(options);
        System.out.printf(Locale.ROOT, "noise: flagged %d of %d train samples (%.2f%%) -> %s (%.1f s)%n", s.flagged(),
                s.samples(), 100.0 * s.flagged() / Math.max(1, s.samples()), out, s.seconds());
        System.out.printf(Locale.ROOT, "log last loss: %d of %d classes show two populations with a noisy one (Ashman D > %.0f, "
                        + "high-loss share < 0.5, its typical loss > ln C = %.2f); the others get no flags%n",
                s.classesWithTwoPopulations(), s.classes().size(), NoiseThreshold.ASHMAN_D_MIN, Math.log(s.classes().size()));
        TextTable t = new TextTable("class", "samples", "flagged", "Ashman D", "high share", "high loss",
                "flag above", "verdict");
        for (NoiseJob.ClassFit c : s.classes()) {
            var f = c.fit();
            boolean two = f.bimodal();
            t.row(c.label(), c.samples(), c.flagged(), String.format(Locale.ROOT, "%.2f", f.ashmanD()),
                    two ? String.format(Locale.ROOT, "%.3f", f.highWeight()) : "-",
                    two ? String.format(Locale.ROOT, "%.3f", Math.exp(f.highMean())) : "-",
                    c.flags() ? String.format(Locale.ROOT, "%.3f", Math.exp(f.threshold())) : "-", c.verdict().text());
        }
        System.out.print(t);
        if (!Double.isNaN(s.noiseRate())) {
            System.out.printf(Locale.ROOT, "against clean_label: noise rate %.2f%% (%d of %d), precision %s, recall %s%n",
                    100 * s.noiseRate(), s.noisy(), s.matched(), pct(s.precision()), pct(s.recall()));
        }
        if (s.evaluationNote() != null) {
            System.out.println("note: " + s.evaluationNote());
        }
        return 0;
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f%%", 100 * v);
    }
}
