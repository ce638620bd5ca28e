package dev.coreset.jobs.cli;

import dev.coreset.jobs.cld.NoiseJob;
import dev.coreset.jobs.cld.NoiseRule;
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
                "mixture: per class, a two-component Gaussian mixture on the log loss at the last checkpoint; flagged when"
                        + " the high-loss component's posterior > 0.5 (a class showing one population gets no flags).",
                "posterior: a label-noise model of the proxy's mean probabilities (confident joint, transition matrix);"
                        + " flagged when P(true class = label) < 0.5. Sees class-conditional noise (needs probs in the"
                        + " dynamics: scores with --embedding logits-grad).",
                "auto: the mixture in classes where it finds a noisy population, the posterior elsewhere.",
                "Use the flags with coreset select --exclude or coreset cld --exclude."})
public final class NoiseCommand implements Callable<Integer> {
    @Option(names = "--dynamics", required = true, description = "Dynamics table written by coreset cld --dynamics-out.")
    String dynamics;
    @Option(names = "--samples", description = "Samples table; with clean_label, precision and recall are printed.")
    String samples;
    @Option(names = "--bins", defaultValue = "512", description = "Histogram bins per class for the mixture fit (default ${DEFAULT-VALUE}).")
    int bins;
    @Option(names = "--rule", defaultValue = "auto", description = "auto | mixture | posterior (default ${DEFAULT-VALUE}).")
    String rule;
    @Option(names = "--out", required = true, description = "Output flags table (sample_id, label, noise_score, rule,"
            + " suggested_label).")
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
        NoiseJob.Options options = new NoiseJob.Options(dynamics, samples, out, overwrite, bins,
                NoiseRule.parse(rule));
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
        if (s.probabilities()) {
            System.out.printf(Locale.ROOT, "label-noise model of the mean probabilities: estimated noise rate %.2f%%%n",
                    100 * s.estimatedNoiseRate());
        } else {
            System.out.println("no probs in the dynamics: mixture rule only (score with --embedding logits-grad for the"
                    + " posterior rule)");
        }
        TextTable t = new TextTable("class", "samples", "flagged", "rule", "Ashman D", "high share", "high loss",
                "flag above", "mixture verdict");
        for (NoiseJob.ClassFit c : s.classes()) {
            var f = c.fit();
            boolean two = f.bimodal();
            t.row(c.label(), c.samples(), c.flagged(), s.mixtureClasses().contains(c.label()) ? "mixture" : "posterior",
                    String.format(Locale.ROOT, "%.2f", f.ashmanD()),
                    two ? String.format(Locale.ROOT, "%.3f", f.highWeight()) : "-",
                    two ? String.format(Locale.ROOT, "%.3f", Math.exp(f.highMean())) : "-",
                    c.flags() ? String.format(Locale.ROOT, "%.3f", Math.exp(f.threshold())) : "-", c.verdict().text());
        }
        System.out.print(t);
        if (!Double.isNaN(s.noiseRate())) {
            System.out.printf(Locale.ROOT, "against clean_label: noise rate %.2f%% (%d of %d), precision %s, recall %s%n",
                    100 * s.noiseRate(), s.noisy(), s.matched(), pct(s.precision()), pct(s.recall()));
            TextTable r = new TextTable("rule alone", "flagged", "precision", "recall");
            s.byRule().forEach((name, v) -> r.row(name.equals("flags") ? "written (" + s.rule().cliName() + ")" : name,
                    v[0], pct(v[0] == 0 ? Double.NaN : (double) v[1] / v[0]),
                    pct(s.noisy() == 0 ? Double.NaN : (double) v[1] / s.noisy())));
            System.out.print(r);
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
