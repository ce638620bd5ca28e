package dev.coreset.jobs.cli;

import dev.coreset.jobs.cld.NoiseJob;
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
                "Score: per-class robust z of log mean loss and of -CLD; threshold from the data (two-population "
                        + "mixture + Youden's J), nothing flagged when the scores show one population.",
                "Use the flags with coreset cld --exclude."})
public final class NoiseCommand implements Callable<Integer> {
    @Option(names = "--dynamics", required = true, description = "Dynamics table written by coreset cld --dynamics-out.")
    String dynamics;
    @Option(names = "--samples", description = "Samples table; with clean_label, precision and recall are printed.")
    String samples;
    @Option(names = "--bins", defaultValue = "1024", description = "Histogram bins for the threshold fit (default ${DEFAULT-VALUE}).")
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
            throw new CoresetInputException("--bins " + bins + " is too few for a threshold fit; pass 16 or more, e.g. 1024.");
        }
        SparkSession spark = sparkOptions.session();
        NoiseJob.Options options = new NoiseJob.Options(dynamics, samples, out, overwrite, bins);
        var conf = AtomicTableWriter.hadoopConf(spark);
        if (ResumeGuard.skipIfCurrent(NoiseJob.STAGE.record(options, conf), overwrite, conf)) {
            return 0;
        }
        NoiseJob.Summary s = new NoiseJob(spark).run(options);
        var f = s.fit();
        System.out.printf(Locale.ROOT, "noise: flagged %d of %d train samples (%.2f%%) -> %s (%.1f s)%n", s.flagged(),
                s.samples(), 100.0 * s.flagged() / Math.max(1, s.samples()), out, s.seconds());
        if (f.bimodal()) {
            System.out.printf(Locale.ROOT, "threshold %.3f: two populations (means %.2f and %.2f, high share %.3f, Ashman D %.2f)%n",
                    f.threshold(), f.lowMean(), f.highMean(), f.highWeight(), f.ashmanD());
        } else {
            System.out.printf(Locale.ROOT, "one population (Ashman D %.2f, BIC %s): nothing flagged%n", f.ashmanD(),
                    f.bic2() < f.bic1() ? "prefers two but they overlap" : "prefers one");
        }
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
