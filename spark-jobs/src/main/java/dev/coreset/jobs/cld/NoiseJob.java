package dev.coreset.jobs.cld;

import static org.apache.spark.sql.functions.*;

import dev.coreset.jobs.io.AtomicTableWriter;
import dev.coreset.jobs.io.StageRecord;
import dev.coreset.jobs.io.StageSpec;
import dev.coreset.jobs.io.TableInputs;
import dev.coreset.jobs.progress.ProgressListener;
import dev.coreset.schemas.SparkSchemas;
import dev.coreset.schemas.TableInfo;
import dev.coreset.schemas.Tables;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;
import java.util.TreeSet;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.selection.noise.LabelNoiseModel;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Flags likely mislabeled train samples from a dynamics table.
 *
 * <p>Signal: log of each sample's loss at the last checkpoint of the proxy run (dynamics column last_loss). A
 * short proxy trained on noisy labels learns the true class of a mislabeled sample, not its label, so its loss
 * under the given label stays high while clean samples' losses fall: inside each class the log loss has two
 * populations (the small-loss criterion; DivideMix fits the same two-component mixture to per-sample losses).
 * Chosen on Fashion-MNIST with 30% label noise and a 3- and a 6-epoch MLP proxy (docs/BENCHMARKS.md): losses
 * separate flipped from clean labels best of the candidates (AUC 0.99, vs 0.98 for early EL2N, 0.95-0.97 for
 * -CLD, 0.93 for the proxy's disagreement with the label, about 0.5 for forgetting). CLD is bounded (clean
 * samples pile up near 1, so its robust scale is tiny), and the first design (mean of robust z of log mean loss
 * and of -CLD, one global threshold) blurred the two populations into one and flagged nothing. The last checkpoint rather than the mean over all of them: the
 * mean includes the untrained model at checkpoint 0, whose loss depends on the input scale, not on the label
 * (it hid the signal on the digits data), and on Fashion-MNIST the last loss scored as well (F1 0.93).
 *
 * <p>Threshold: per class, from the data ({@link NoiseThreshold}): a two-component Gaussian mixture fitted to
 * the class's histogram of log loss, accepted only when the class clearly holds two populations (BIC and
 * Ashman's D > 2) and, as label noise, only when its high-loss component is a minority whose loss is above
 * chance level ln C ({@link #verdict}); a sample is flagged when the posterior of the high-loss component is
 * above 0.5 (it lies above the class's Bayes point). Per class because class difficulty shifts the whole loss
 * distribution (a clean sample of a hard class can lose more than a mislabeled one of an easy class). A class
 * that shows one population gets no flags, so clean data get few or none. noise_score = that posterior (at most
 * the high component's mean: a higher loss never scores lower).
 */
public final class NoiseJob {
    public record Options(String dynamics, String samples, String out, boolean overwrite, int bins, NoiseRule rule) {
        public Options {
            rule = rule == null ? NoiseRule.AUTO : rule;
        }

        /** The default rule (auto). */
        public Options(String dynamics, String samples, String out, boolean overwrite, int bins) {
            this(dynamics, samples, out, overwrite, bins, NoiseRule.AUTO);
        }
    }

    /** What resume compares: the dynamics and samples tables and --bins. */
    public static final StageSpec STAGE = StageSpec.of("noise", Options.class).inputs("dynamics", "samples")
            .outputs("out");

    /** Why a class gets flags or none. */
    public enum Verdict {
        /** Two populations, the high-loss one a minority rated below chance on its label: flagged. */
        NOISY("two populations"),
        ONE_POPULATION("one population"),
        /** The high-loss component holds half the class or more: it is the class, not its noise. */
        HIGH_SHARE_MAJORITY("high-loss share >= 0.5"),
        /** The high-loss component's loss is below chance level ln C: hard samples, not mislabeled ones. */
        HIGH_LOSS_BELOW_CHANCE("high-loss mean below ln C");

        private final String text;

        Verdict(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /** One class's mixture fit on log last_loss and its verdict; only NOISY classes have flags. */
    public record ClassFit(int label, long samples, long flagged, NoiseThreshold.Fit fit, Verdict verdict) {
        public boolean flags() {
            return verdict == Verdict.NOISY;
        }
    }

    /**
     * Precision/recall are NaN when no samples table with clean_label was given. {@code byRule}: for "mixture" and
     * (with probabilities) "posterior" alone and for the flags written ("flags"), {flagged, true positives} (true
     * positives -1 without clean labels). {@code estimatedNoiseRate}: the label-noise model's off-diagonal share (NaN
     * without probabilities).
     */
    public record Summary(long samples, long flagged, List<ClassFit> classes, long matched, long noisy,
                          long truePositives, double precision, double recall, double noiseRate,
                          String evaluationNote, double seconds, NoiseRule rule, boolean probabilities,
                          double estimatedNoiseRate, Map<String, long[]> byRule, Set<Integer> mixtureClasses) {
        public long classesWithTwoPopulations() {
            return classes.stream().filter(ClassFit::flags).count();
        }
    }

    /** Floor for the loss before the log: losses are stored as float, whose resolution near 1 is ~1e-7. */
    static final double LOSS_FLOOR = 1e-6;
    /** Working columns: the signal (log last_loss) and the flag. */
    static final String X = "_x";
    static final String FLAGGED = "_flagged";
    static final String MIXTURE_FLAG = "_mixture_flag";
    static final String POSTERIOR_FLAG = "_posterior_flag";

    private final SparkSession spark;

    public NoiseJob(SparkSession spark) {
        this.spark = spark;
    }

    public Summary run(Options o) {
        long start = System.nanoTime();
        AtomicTableWriter writer = new AtomicTableWriter(spark);
        writer.checkTarget(o.out(), o.overwrite());
        StageRecord stage = STAGE.record(o, AtomicTableWriter.hadoopConf(spark));
        Dataset<Row> dyn = TableInputs.read(spark, o.dynamics(), Tables.DYNAMICS, "--dynamics",
                "coreset cld --dynamics-out");
        Dataset<Row> samples = o.samples() == null ? null
                : TableInputs.read(spark, o.samples(), Tables.SAMPLES, "--samples", "coreset ingest");
        boolean probabilities = Arrays.asList(dyn.columns()).contains(Tables.PROBS);
        if (o.rule() == NoiseRule.POSTERIOR && !probabilities) {
            throw new CoresetInputException(o.dynamics() + ": no 'probs' column, which --rule posterior needs; run"
                    + " coreset cld --dynamics-out on scores made with --embedding logits-grad (no --dim), or use"
                    + " --rule mixture.");
        }

        ProgressListener.stage(spark, "noise: fit");
        List<Column> cols = new ArrayList<>(List.of(col(Tables.SAMPLE_ID), col(Tables.LABEL),
                log(greatest(col(Tables.LAST_LOSS), lit(LOSS_FLOOR))).as(X)));
        if (probabilities) {
            cols.add(col(Tables.PROBS));
        }
        Dataset<Row> signal = dyn.select(cols.toArray(Column[]::new)).persist(StorageLevel.MEMORY_AND_DISK());
        Dataset<Row> judged = null;
        try {
            List<ClassFit> fits = fitClasses(signal, o.bins());
            long n = fits.stream().mapToLong(ClassFit::samples).sum();
            if (n == 0) {
                throw new CoresetInputException(o.dynamics()
                        + ": no rows; run coreset cld --dynamics-out on a scores table with train samples.");
            }
            NoiseModelFit.Fitted fitted = probabilities && o.rule() != NoiseRule.MIXTURE
                    ? NoiseModelFit.fit(signal, fits, o.dynamics()) : null;
            LabelNoiseModel model = fitted == null ? null : fitted.model();
            Set<Integer> mixtureClasses = new TreeSet<>();
            Map<Integer, double[]> mixtures = new TreeMap<>();
            for (ClassFit c : fits) {
                if (c.flags()) {
                    NoiseThreshold.Fit f = c.fit();
                    mixtures.put(c.label(), new double[] {1 - f.highWeight(), f.lowMean(), f.lowSd(), f.highWeight(),
                        f.highMean(), f.highSd(), f.threshold()});
                }
                if (model == null || (o.rule() == NoiseRule.AUTO && c.flags())) {
                    mixtureClasses.add(c.label());
                }
            }
            judged = judge(signal, new SampleFlagger(mixtures, model, mixtureClasses), probabilities)
                    .persist(StorageLevel.MEMORY_AND_DISK());

            ProgressListener.stage(spark, "noise: write flags");
            StructType schema = SparkSchemas.structType(Tables.NOISE_FLAGS);
            Dataset<Row> flags = judged.filter(col(FLAGGED))
                    .select(Arrays.stream(schema.fieldNames()).map(org.apache.spark.sql.functions::col)
                            .toArray(Column[]::new))
                    .orderBy(col(Tables.NOISE_SCORE).desc(), col(Tables.SAMPLE_ID))
                    .coalesce(1);
            Map<Integer, Long> flaggedPerClass = new TreeMap<>();
            for (Row r : judged.filter(col(FLAGGED)).groupBy(Tables.LABEL).count().collectAsList()) {
                flaggedPerClass.put(r.getInt(0), r.getLong(1));
            }
            List<ClassFit> withCounts = new ArrayList<>();
            for (ClassFit f : fits) {
                withCounts.add(new ClassFit(f.label(), f.samples(), flaggedPerClass.getOrDefault(f.label(), 0L), f.fit(),
                        f.verdict()));
            }
            long flagged = withCounts.stream().mapToLong(ClassFit::flagged).sum();
            double estimatedRate = fitted == null ? Double.NaN : fitted.estimatedNoiseRate();
            TableInfo info = TableInfo.of(Tables.NOISE_FLAGS);
            info.rows = flagged;
            info.parameters.put("dynamics", o.dynamics());
            info.parameters.put("bins", o.bins());
            info.parameters.put("rule", o.rule().cliName());
            info.parameters.put("mixture", "per class, log(last_loss): two-component Gaussian mixture (EM on a "
                    + "histogram), accepted when BIC prefers two components and Ashman's D > " + NoiseThreshold.ASHMAN_D_MIN
                    + ", the high-loss component a minority with typical loss above ln C; flagged when its posterior > 0.5");
            info.parameters.put("posterior", "label-noise model of the mean probabilities (confident joint, transition "
                    + "matrix T, clean posterior q = p T^-1): flagged when P(true class = label) < 0.5");
            info.parameters.put("mixtureClasses", mixtureClasses);
            info.summary.put("samples", n);
            info.summary.put("flagged", flagged);
            if (model != null) {
                info.summary.put("estimatedNoiseRate", estimatedRate);
                info.summary.put("transition", model.transition());
            }
            List<Map<String, Object>> perClass = new ArrayList<>();
            for (ClassFit f : withCounts) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("label", f.label());
                m.put("samples", f.samples());
                m.put("flagged", f.flagged());
                m.put("rule", mixtureClasses.contains(f.label()) ? "mixture" : "posterior");
                m.putAll(fitMap(f));
                perClass.add(m);
            }
            info.summary.put("classes", perClass);
            info.createdAt = Instant.now().toString();
            writer.write(dev.coreset.jobs.io.ContractRows.under(flags, schema), o.out(), o.overwrite(),
                    Map.of(TableInfo.FILE_NAME, info, StageRecord.FILE_NAME, stage));

            return summarize(o, judged, samples, withCounts, n, flagged, model != null, estimatedRate, mixtureClasses,
                    start);
        } finally {
            signal.unpersist();
            if (judged != null) {
                judged.unpersist();
            }
        }
    }

    /** Precision and recall of the flags written and of each rule alone, against clean_label when the samples have it. */
    private Summary summarize(Options o, Dataset<Row> judged, Dataset<Row> samples, List<ClassFit> fits, long n,
                              long flagged, boolean posterior, double estimatedRate, Set<Integer> mixtureClasses,
                              long start) {
        long matched = 0;
        long noisy = 0;
        long tp = 0;
        String note = null;
        double precision = Double.NaN;
        double recall = Double.NaN;
        double rate = Double.NaN;
        Map<String, long[]> byRule = new LinkedHashMap<>();
        Column isPost = coalesce(col(POSTERIOR_FLAG), lit(false));
        if (samples != null && Arrays.asList(samples.columns()).contains(Tables.CLEAN_LABEL)) {
            Column wrong = col(Tables.LABEL).notEqual(col(Tables.CLEAN_LABEL));
            Row e = judged.join(samples.select(col(Tables.SAMPLE_ID), col(Tables.CLEAN_LABEL)), Tables.SAMPLE_ID)
                    .agg(count(lit(1)), sum(when(wrong, 1).otherwise(0)),
                            sum(when(col(FLAGGED), 1).otherwise(0)), sum(when(wrong.and(col(FLAGGED)), 1).otherwise(0)),
                            sum(when(col(MIXTURE_FLAG), 1).otherwise(0)),
                            sum(when(wrong.and(col(MIXTURE_FLAG)), 1).otherwise(0)),
                            sum(when(isPost, 1).otherwise(0)), sum(when(wrong.and(isPost), 1).otherwise(0)))
                    .first();
            matched = e.getLong(0);
            noisy = e.isNullAt(1) ? 0 : e.getLong(1);
            long flaggedMatched = e.isNullAt(2) ? 0 : e.getLong(2);
            tp = e.isNullAt(3) ? 0 : e.getLong(3);
            precision = flaggedMatched == 0 ? Double.NaN : (double) tp / flaggedMatched;
            recall = noisy == 0 ? Double.NaN : (double) tp / noisy;
            rate = matched == 0 ? Double.NaN : (double) noisy / matched;
            byRule.put("flags", new long[] {flaggedMatched, tp});
            byRule.put("mixture", new long[] {longOr0(e, 4), longOr0(e, 5)});
            if (posterior) {
                byRule.put("posterior", new long[] {longOr0(e, 6), longOr0(e, 7)});
            }
            if (matched < n) {
                note = (n - matched) + " of " + n + " dynamics samples are not in " + o.samples()
                        + "; figures cover the " + matched + " that are.";
            }
        } else {
            Row e = judged.agg(sum(when(col(MIXTURE_FLAG), 1).otherwise(0)), sum(when(isPost, 1).otherwise(0))).first();
            byRule.put("flags", new long[] {flagged, -1});
            byRule.put("mixture", new long[] {longOr0(e, 0), -1});
            if (posterior) {
                byRule.put("posterior", new long[] {longOr0(e, 1), -1});
            }
            if (samples != null) {
                note = o.samples() + " has no clean_label column (ingest --label-noise writes it); "
                        + "precision and recall need the true labels.";
            }
        }
        return new Summary(n, flagged, fits, matched, noisy, tp, precision, recall, rate, note,
                (System.nanoTime() - start) / 1e9, o.rule(), posterior, estimatedRate, byRule, mixtureClasses);
    }

    private static long longOr0(Row r, int i) {
        return r.isNullAt(i) ? 0 : r.getLong(i);
    }

    /** Every sample's verdicts: the flags table's columns plus the final flag and each rule's. */
    private static Dataset<Row> judge(Dataset<Row> signal, SampleFlagger flagger, boolean probabilities) {
        StructType schema = SparkSchemas.structType(Tables.NOISE_FLAGS).add(FLAGGED, DataTypes.BooleanType, false)
                .add(MIXTURE_FLAG, DataTypes.BooleanType, false).add(POSTERIOR_FLAG, DataTypes.BooleanType, true);
        return signal.mapPartitions((MapPartitionsFunction<Row, Row>) rows -> new java.util.Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public Row next() {
                Row r = rows.next();
                float[] probs = probabilities && !r.isNullAt(3) ? FloatArrays.of(r.getList(3)) : null;
                SampleFlagger.Verdict v = flagger.judge(r.getInt(1), r.getDouble(2), probs);
                return RowFactory.create(r.getLong(0), r.getInt(1), v.score(), v.rule(), v.suggested(), v.flagged(),
                        v.mixtureFlag(), v.posteriorFlag());
            }
        }, Encoders.row(schema));
    }

    /** Per class: the range of X, a histogram of X (C x bins counts reach the driver), the mixture fit. */
    static List<ClassFit> fitClasses(Dataset<Row> signal, int bins) {
        Map<Integer, double[]> ranges = new TreeMap<>();
        for (Row r : signal.groupBy(Tables.LABEL).agg(min(X), max(X), count(lit(1))).collectAsList()) {
            ranges.put(r.getInt(0), new double[] {r.getDouble(1), r.getDouble(2), r.getLong(3)});
        }
        List<Row> rangeRows = new ArrayList<>();
        ranges.forEach((label, r) -> rangeRows.add(RowFactory.create(label, r[0], r[1])));
        Dataset<Row> rangeTable = signal.sparkSession().createDataFrame(rangeRows, new StructType()
                .add(Tables.LABEL, DataTypes.IntegerType).add("_lo", DataTypes.DoubleType).add("_hi", DataTypes.DoubleType));
        Column width = col("_hi").minus(col("_lo")).divide(lit(bins));
        Column bin = when(width.gt(0), least(floor(col(X).minus(col("_lo")).divide(width)).cast("int"), lit(bins - 1)))
                .otherwise(lit(0));
        Map<Integer, long[]> counts = new TreeMap<>();
        for (Row r : signal.join(broadcast(rangeTable), Tables.LABEL).groupBy(col(Tables.LABEL), bin.as("_bin")).count()
                .collectAsList()) {
            counts.computeIfAbsent(r.getInt(0), k -> new long[bins])[r.getInt(1)] += r.getLong(2);
        }
        double chance = Math.log(ranges.size());
        List<ClassFit> fits = new ArrayList<>();
        for (var e : ranges.entrySet()) {
            double[] r = e.getValue();
            NoiseThreshold.Fit fit = NoiseThreshold.fit(r[0], r[1], counts.get(e.getKey()));
            fits.add(new ClassFit(e.getKey(), (long) r[2], 0, fit, verdict(fit, chance)));
        }
        return fits;
    }

    /**
     * Accepts a class's two-population fit as label noise only when the high-loss component is a minority of
     * the class (mislabeled samples cannot outnumber the class's own) and its typical loss, exp(mean of log
     * loss), is above chance level ln C (the loss of a uniform guess over C classes): the proxy rates those
     * samples' labels less likely than a guess, as it does when it has learnt their true class. On clean
     * Fashion-MNIST a 3-epoch proxy's hard samples form a second component too (Ashman D up to 3.2) but at a
     * typical loss of 1.2 or less, below ln 10 = 2.30; the flipped labels' component sits at 3.0-3.5.
     */
    static Verdict verdict(NoiseThreshold.Fit fit, double chanceLoss) {
        if (!fit.bimodal()) {
            return Verdict.ONE_POPULATION;
        }
        if (fit.highWeight() >= 0.5) {
            return Verdict.HIGH_SHARE_MAJORITY;
        }
        if (!(Math.exp(fit.highMean()) > chanceLoss)) {
            return Verdict.HIGH_LOSS_BELOW_CHANCE;
        }
        return Verdict.NOISY;
    }

    static Map<String, Object> fitMap(ClassFit c) {
        NoiseThreshold.Fit f = c.fit();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("verdict", c.verdict().text());
        m.put("twoPopulations", f.bimodal());
        m.put("threshold", Double.isFinite(f.threshold()) ? f.threshold() : null);
        m.put("otsu", finite(f.otsu()));
        m.put("lowMean", finite(f.lowMean()));
        m.put("lowSd", finite(f.lowSd()));
        m.put("highMean", finite(f.highMean()));
        m.put("highSd", finite(f.highSd()));
        m.put("highWeight", finite(f.highWeight()));
        m.put("ashmanD", finite(f.ashmanD()));
        m.put("bic1", finite(f.bic1()));
        m.put("bic2", finite(f.bic2()));
        return m;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
