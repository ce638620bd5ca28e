package dev.coreset.jobs.cld;

import static org.apache.spark.sql.functions.*;

import dev.coreset.jobs.ExactMean;
import dev.coreset.jobs.budget.BudgetModes;
import dev.coreset.jobs.budget.ClassDifficulty;
import dev.coreset.jobs.io.AtomicTableWriter;
import dev.coreset.jobs.io.Fingerprints;
import dev.coreset.jobs.io.Lineage;
import dev.coreset.jobs.io.ManifestWriter;
import dev.coreset.jobs.io.StageRecord;
import dev.coreset.jobs.io.StageSpec;
import dev.coreset.jobs.io.TableInputs;
import dev.coreset.jobs.progress.ProgressListener;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.Fingerprint;
import dev.coreset.schemas.ManifestMetadata;
import dev.coreset.schemas.SparkSchemas;
import dev.coreset.schemas.TableInfo;
import dev.coreset.schemas.Tables;
import dev.coreset.selection.budget.BudgetMode;
import dev.coreset.selection.budget.ClassBudgets;
import dev.coreset.selection.cld.Cld;
import dev.coreset.selection.cld.TrainingDynamics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * CLD selection (ALGORITHMS.md, seed 001) as a Spark job. Per train sample: the losses at the chosen
 * checkpoints (one groupBy, T values per sample), their first differences and the Pearson correlation
 * with the differences of the sample's class mean validation loss. The C x T class validation means are
 * the only data brought to the driver besides per-class counts. Keeps the top k_c of each class by CLD
 * (ties to the lower sample_id) and publishes a manifest; optionally the per-sample dynamics table.
 */
public final class CldJob {
    /** Every parameter of a run; exactly one of fraction and perClass is set. */
    public record Options(String scores, String checkpoints, Double fraction, Integer perClass,
                          BudgetMode budgetMode, String exclude, long seed, String out, boolean overwrite,
                          String dynamicsOut, int el2nEarly, String window, int dualWindow) {
        public Options {
            window = window == null ? "all" : window;
        }

        /** Trajectory scores over every chosen checkpoint, DUAL's default window. */
        public Options(String scores, String checkpoints, Double fraction, Integer perClass, BudgetMode budgetMode,
                       String exclude, long seed, String out, boolean overwrite, String dynamicsOut, int el2nEarly) {
            this(scores, checkpoints, fraction, perClass, budgetMode, exclude, seed, out, overwrite, dynamicsOut,
                    el2nEarly, "all", DEFAULT_DUAL_WINDOW);
        }
    }

    /** DUAL's window J when none is given: 3 consecutive checkpoints. */
    public static final int DEFAULT_DUAL_WINDOW = 3;

    /** What was selected, for the summary the command prints. */
    public record Summary(List<Integer> checkpoints, long trainSamples, long excluded,
                          Map<Integer, Long> selectedPerClass, long selected, double seconds) {
    }

    /** What resume compares: the scores and exclude tables and every option but --overwrite. */
    public static final StageSpec STAGE = StageSpec.of("cld", Options.class).inputs("scores", "exclude")
            .outputs("out", "dynamicsOut");

    private final SparkSession spark;

    public CldJob(SparkSession spark) {
        this.spark = spark;
    }

    public Summary run(Options o) {
        long start = System.nanoTime();
        checkOptions(o);
        CheckpointSelection selection = CheckpointSelection.parse(o.checkpoints());
        AtomicTableWriter writer = new AtomicTableWriter(spark);
        writer.checkTarget(o.out(), o.overwrite());
        if (o.dynamicsOut() != null) {
            writer.checkTarget(o.dynamicsOut(), o.overwrite());
        }
        StageRecord stage = STAGE.record(o, AtomicTableWriter.hadoopConf(spark));
        ProgressListener.stage(spark, "cld: read scores");
        Dataset<Row> scores = TableInputs.read(spark, o.scores(), Tables.SCORES, "--scores", "coreset score");
        Dataset<Row> flags = o.exclude() == null ? null : TableInputs.readIds(spark, o.exclude(), "--exclude");

        boolean probabilities = DynamicsBuilder.probabilitiesAvailable(o.scores(), AtomicTableWriter.hadoopConf(spark));
        DynamicsBuilder.Dynamics dyn = DynamicsBuilder.build(spark, scores, o.scores(), new DynamicsBuilder.Settings(
                selection, CheckpointSelection.MIN_CHECKPOINTS, o.el2nEarly(), ScoreWindow.parse(o.window()),
                o.dualWindow(), true, probabilities));
        try {
            return selectAndWrite(o, dyn, flags, writer, start, stage);
        } finally {
            dyn.table().unpersist();
        }
    }

    private Summary selectAndWrite(Options o, DynamicsBuilder.Dynamics dyn, Dataset<Row> flags, AtomicTableWriter writer,
                                   long start, StageRecord stage) {
        Dataset<Row> all = dyn.table();
        Dataset<Row> eligible = flags == null ? all : TableInputs.withoutIds(all, flags);
        ProgressListener.stage(spark, "cld: budgets");
        TreeMap<Integer, Long> sizes = new TreeMap<>(dyn.classSizes());
        if (flags != null) {
            sizes.clear();
            for (Row r : eligible.groupBy(Tables.LABEL).count().collectAsList()) {
                sizes.put(r.getInt(0), r.getLong(1));
            }
        }
        long trainSamples = dyn.classSizes().values().stream().mapToLong(Long::longValue).sum();
        long eligibleCount = sizes.values().stream().mapToLong(Long::longValue).sum();
        if (eligibleCount == 0) {
            throw new CoresetInputException(o.exclude() + ": --exclude flags every one of the " + trainSamples
                    + " train samples; nothing is left to select: check that the flags belong to " + o.scores() + ".");
        }
        Map<Integer, Long> budgets = budgets(o, eligible, sizes, eligibleCount);

        ProgressListener.stage(spark, "cld: select and write");
        Dataset<Row> selected = ClassTopK.select(eligible, budgets);
        ManifestMetadata meta = new ManifestMetadata();
        meta.method = "cld";
        meta.seed = o.seed();
        meta.parameters.put("scores", o.scores());
        meta.parameters.put("checkpoints", dyn.checkpoints());
        meta.parameters.put("checkpointSelection", o.checkpoints() == null ? "all" : o.checkpoints());
        if (o.fraction() != null) {
            meta.parameters.put("fraction", o.fraction());
        }
        if (o.perClass() != null) {
            meta.parameters.put("perClass", o.perClass());
        }
        meta.parameters.put("budgetMode", o.perClass() != null ? "per-class" : BudgetModes.cliName(o.budgetMode()));
        if (o.exclude() != null) {
            meta.parameters.put("exclude", o.exclude());
        }
        meta.parameters.put("excluded", trainSamples - eligibleCount);
        meta.parameters.put("trainSamples", trainSamples);
        meta.parameters.put("el2nEarlyCheckpoints", Math.min(o.el2nEarly(), dyn.checkpoints().size()));
        meta.parameters.put("window", o.window());
        meta.parameters.put("dualWindow", o.dualWindow());
        meta.parameters.put("classBudgets", stringKeys(budgets));
        if (o.dynamicsOut() != null) {
            meta.parameters.put("dynamicsOut", o.dynamicsOut());
        }
        // The train rows of the scores table at one checkpoint: every sample was checked to have exactly one
        // row per chosen checkpoint with one label, so the cached per-sample table holds the same pairs.
        Fingerprint fp = Fingerprints.of(all);
        meta.source.path = o.scores();
        meta.source.rows = fp.rows();
        meta.source.fingerprint = fp.hashHex();
        meta.parameters.put(Lineage.INPUTS, Lineage.fromScores(o.scores(), fp, spark.sparkContext().hadoopConfiguration()));
        new ManifestWriter(spark).write(selected, meta, o.out(), o.overwrite(), Map.of(StageRecord.FILE_NAME, stage));

        if (o.dynamicsOut() != null) {
            writeDynamics(all, trainSamples, o, dyn, writer, stage);
        }
        Map<Integer, Long> perClass = new TreeMap<>();
        meta.budget.perClass.forEach((k, v) -> perClass.put(Integer.parseInt(k), v));
        return new Summary(dyn.checkpoints(), trainSamples, trainSamples - eligibleCount, perClass,
                meta.budget.total, (System.nanoTime() - start) / 1e9);
    }

    private void writeDynamics(Dataset<Row> all, long rowCount, Options o, DynamicsBuilder.Dynamics dyn,
                               AtomicTableWriter writer, StageRecord stage) {
        Dataset<Row> rows = DynamicsBuilder.published(all);
        TableInfo info = TableInfo.of(Tables.DYNAMICS);
        info.rows = rowCount;
        info.parameters.put("scores", o.scores());
        info.parameters.put("checkpoints", dyn.checkpoints());
        info.parameters.put("el2nEarlyCheckpoints", Math.min(o.el2nEarly(), dyn.checkpoints().size()));
        info.parameters.put("window", o.window());
        info.parameters.put("windowCheckpoints", dyn.window());
        info.parameters.put("dualWindow", o.dualWindow());
        info.createdAt = Instant.now().toString();
        writer.write(dev.coreset.jobs.io.ContractRows.under(rows, rows.schema()), o.dynamicsOut(), o.overwrite(),
                Map.of(TableInfo.FILE_NAME, info, StageRecord.FILE_NAME, stage));
    }

    private static Map<String, Long> stringKeys(Map<Integer, Long> m) {
        Map<String, Long> out = new TreeMap<>(java.util.Comparator.comparingInt(Integer::parseInt));
        m.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    public static void checkOptions(Options o) {
        if ((o.fraction() == null) == (o.perClass() == null)) {
            throw new CoresetInputException("give exactly one of --fraction F (e.g. 0.1) and --per-class N (e.g. 100).");
        }
        if (o.fraction() != null && !(o.fraction() > 0 && o.fraction() <= 1)) {
            throw new CoresetInputException("--fraction " + o.fraction()
                    + " is outside (0, 1]; pass the share of train samples to keep, e.g. 0.1.");
        }
        if (o.perClass() != null && o.perClass() <= 0) {
            throw new CoresetInputException("--per-class " + o.perClass()
                    + " must be at least 1; pass the number of samples to keep per class, e.g. 100.");
        }
        if (o.dualWindow() < 2) {
            throw new CoresetInputException("--dual-window " + o.dualWindow()
                    + " must be at least 2; pass how many consecutive checkpoints DUAL's std spans, e.g. 3.");
        }
        ScoreWindow.parse(o.window());
        if (o.el2nEarly() <= 0) {
            throw new CoresetInputException("--el2n-early " + o.el2nEarly()
                    + " must be at least 1; pass how many early checkpoints EL2N averages, e.g. 3.");
        }
    }

    /**
     * Class budgets by the selection module's {@link ClassBudgets} (one definition for select and cld):
     * --per-class N caps N at each class's size; --fraction splits round(F x eligible) by the budget mode, the
     * difficulty mode weighting each class by size x NUCS difficulty (winsorized mean of mean_loss).
     */
    private Map<Integer, Long> budgets(Options o, Dataset<Row> eligible, TreeMap<Integer, Long> sizes,
                                       long eligibleCount) {
        Integer[] labels = sizes.keySet().toArray(new Integer[0]);
        int[] n = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            n[i] = Math.toIntExact(sizes.get(labels[i]));
        }
        Map<Integer, Long> out = new TreeMap<>();
        if (labels.length == 0) {
            return out;
        }
        int[] k;
        if (o.perClass() != null) {
            k = ClassBudgets.perClass(n, o.perClass());
        } else {
            double[] difficulty = null;
            if (o.budgetMode() == BudgetMode.DIFFICULTY) {
                Map<Integer, Double> d = ClassDifficulty.winsorizedMean(eligible, Tables.MEAN_LOSS);
                difficulty = new double[labels.length];
                for (int i = 0; i < labels.length; i++) {
                    difficulty[i] = d.getOrDefault(labels[i], 0.0);
                }
            }
            k = ClassBudgets.allocate(n, ClassBudgets.totalForFraction(Math.toIntExact(eligibleCount), o.fraction()),
                    o.budgetMode(), difficulty);
        }
        for (int i = 0; i < labels.length; i++) {
            out.put(labels[i], (long) k[i]);
        }
        return out;
    }

    private static double[] filled(int n, double v) {
        double[] a = new double[n];
        Arrays.fill(a, v);
        return a;
    }
}
