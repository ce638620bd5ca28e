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
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
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
                          String dynamicsOut, int el2nEarly) {
    }

    /** What was selected, for the summary the command prints. */
    public record Summary(List<Integer> checkpoints, long trainSamples, long excluded,
                          Map<Integer, Long> selectedPerClass, long selected, double seconds) {
    }

    /** What resume compares: the scores and exclude tables and every option but --overwrite. */
    public static final StageSpec STAGE = StageSpec.of("cld", Options.class).inputs("scores", "exclude")
            .outputs("out", "dynamicsOut");

    /** Per-sample dynamics plus the checks' helper columns. */
    static final String N_ROWS = "_n";
    static final String PROBLEM = "_problem";
    static final int OK = 0;
    static final int WRONG_ROWS = 1;
    static final int LABEL_CONFLICT = 2;
    static final int NON_FINITE = 3;
    static final StructType DYNAMICS_WORK = SparkSchemas.structType(DynamicsTables.DYNAMICS)
            .add(N_ROWS, DataTypes.IntegerType, false)
            .add(PROBLEM, DataTypes.IntegerType, false);

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

        Dynamics dyn = dynamics(spark, scores, o.scores(), selection, o.el2nEarly());
        try {
            return selectAndWrite(o, dyn, flags, writer, start, stage);
        } finally {
            dyn.table().unpersist();
        }
    }

    private Summary selectAndWrite(Options o, Dynamics dyn, Dataset<Row> flags, AtomicTableWriter writer,
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
        Dataset<Row> selected = selectTop(eligible, budgets);
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
            writeDynamics(all, trainSamples, o, dyn.checkpoints(), writer, stage);
        }
        Map<Integer, Long> perClass = new TreeMap<>();
        meta.budget.perClass.forEach((k, v) -> perClass.put(Integer.parseInt(k), v));
        return new Summary(dyn.checkpoints(), trainSamples, trainSamples - eligibleCount, perClass,
                meta.budget.total, (System.nanoTime() - start) / 1e9);
    }

    private void writeDynamics(Dataset<Row> all, long rowCount, Options o, List<Integer> checkpoints,
                               AtomicTableWriter writer, StageRecord stage) {
        StructType schema = SparkSchemas.structType(DynamicsTables.DYNAMICS);
        Dataset<Row> rows = all.select(Arrays.stream(schema.fieldNames()).map(functions::col).toArray(Column[]::new));
        TableInfo info = TableInfo.of(DynamicsTables.DYNAMICS);
        info.rows = rowCount;
        info.parameters.put("scores", o.scores());
        info.parameters.put("checkpoints", checkpoints);
        info.parameters.put("el2nEarlyCheckpoints", Math.min(o.el2nEarly(), checkpoints.size()));
        info.createdAt = Instant.now().toString();
        writer.write(spark.createDataFrame(rows.rdd(), schema), o.dynamicsOut(), o.overwrite(),
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
        if (o.el2nEarly() <= 0) {
            throw new CoresetInputException("--el2n-early " + o.el2nEarly()
                    + " must be at least 1; pass how many early checkpoints EL2N averages, e.g. 3.");
        }
    }

    /** The per-sample dynamics (cached) with the chosen checkpoints and the train class sizes. */
    public record Dynamics(Dataset<Row> table, List<Integer> checkpoints, Map<Integer, Long> classSizes) {
    }

    /**
     * Builds and checks the per-sample dynamics of a scores DataFrame. The returned table is persisted;
     * the caller unpersists it. Columns: those of {@link DynamicsTables#DYNAMICS}.
     */
    public static Dynamics dynamics(SparkSession spark, Dataset<Row> scores, String path,
                                    CheckpointSelection selection, int el2nEarly) {
        // Which checkpoints each split has: a handful of rows.
        // ... and, in the same pass, the first sample whose label is not a class index.
        Map<String, TreeSet<Integer>> bySplit = new HashMap<>();
        Column badLabel = col(Tables.LABEL).isNull().or(col(Tables.LABEL).lt(0));
        long firstBadLabel = Long.MAX_VALUE;
        for (Row r : scores.groupBy(Tables.SPLIT, Tables.CHECKPOINT)
                .agg(count(lit(1)), min(when(badLabel, col(Tables.SAMPLE_ID)))).collectAsList()) {
            bySplit.computeIfAbsent(r.getString(0), s -> new TreeSet<>()).add(r.getInt(1));
            if (!r.isNullAt(3)) {
                firstBadLabel = Math.min(firstBadLabel, r.getLong(3));
            }
        }
        if (firstBadLabel != Long.MAX_VALUE) {
            throw new CoresetInputException(path + ": column 'label' is null or negative at sample_id " + firstBadLabel
                    + "; labels must be class indices 0..C-1: re-score from a samples table written by `coreset ingest`.");
        }
        TreeSet<Integer> trainCheckpoints = bySplit.getOrDefault(Tables.SPLIT_TRAIN, new TreeSet<>());
        if (trainCheckpoints.isEmpty()) {
            throw new CoresetInputException(path + ": no rows with split 'train'; CLD ranks train samples: "
                    + "score the train split.");
        }
        if (!bySplit.containsKey(Tables.SPLIT_VAL)) {
            throw new CoresetInputException(path + ": no rows with split 'val'. CLD needs validation losses: "
                    + "ingest with --val-fraction > 0 and score the val split.");
        }
        List<Integer> chosen = selection.choose(new ArrayList<>(trainCheckpoints), path);
        int t = chosen.size();
        Column atChosen = col(Tables.CHECKPOINT).isin(chosen.toArray());

        // Class validation trajectories: C x T means, the only per-class data on the driver.
        Map<Integer, double[]> valMeans = new TreeMap<>();
        for (Row r : scores.filter(col(Tables.SPLIT).equalTo(Tables.SPLIT_VAL).and(atChosen))
                .groupBy(Tables.LABEL, Tables.CHECKPOINT).agg(ExactMean.of(col(Tables.LOSS)))
                .collectAsList()) {
            double[] m = valMeans.computeIfAbsent(r.getInt(0), c -> filled(t, Double.NaN));
            m[chosen.indexOf(r.getInt(1))] = r.isNullAt(2) ? Double.NaN : r.getDouble(2);
        }
        if (valMeans.isEmpty()) {
            throw new CoresetInputException(path + ": no val losses at checkpoints " + chosen
                    + ". CLD needs validation losses: ingest with --val-fraction > 0 and score the val split "
                    + "at the same checkpoints as the train split.");
        }
        for (var e : valMeans.entrySet()) {
            double[] m = e.getValue();
            for (int i = 0; i < t; i++) {
                if (!Double.isFinite(m[i])) {
                    throw new CoresetInputException(path + ": class " + e.getKey() + " has no finite val loss at checkpoint "
                            + chosen.get(i) + "; score the val split at every checkpoint in " + chosen
                            + " (or narrow --checkpoints).");
                }
            }
        }

        // One shuffle by sample_id, then each partition sorted by (sample_id, checkpoint) and streamed: a sample's
        // T rows are consecutive, so memory is O(T) per sample and no partial aggregation is wasted on rows that
        // a checkpoint-major scores table never clusters by sample.
        Dataset<Row> sorted = scores.filter(col(Tables.SPLIT).equalTo(Tables.SPLIT_TRAIN).and(atChosen))
                .select(col(Tables.SAMPLE_ID), col(Tables.LABEL), col(Tables.CHECKPOINT), col(Tables.LOSS),
                        col(Tables.CORRECT), col(Tables.EL2N))
                .repartition(col(Tables.SAMPLE_ID))
                .sortWithinPartitions(Tables.SAMPLE_ID, Tables.CHECKPOINT);
        int early = Math.min(el2nEarly, t);
        int[] cps = chosen.stream().mapToInt(Integer::intValue).toArray();
        Dataset<Row> table = sorted.mapPartitions(perSample(valMeans, cps, early), Encoders.row(DYNAMICS_WORK))
                .persist(StorageLevel.MEMORY_AND_DISK());

        // Checks in one aggregate over the cached table, C rows back.
        List<Row> perClass = table.groupBy(Tables.LABEL).agg(
                count(lit(1)),
                sum(when(col(PROBLEM).notEqual(OK), 1).otherwise(0)),
                min(when(col(PROBLEM).notEqual(OK), col(Tables.SAMPLE_ID)))).collectAsList();
        Map<Integer, Long> sizes = new TreeMap<>();
        long problems = 0;
        long firstProblem = Long.MAX_VALUE;
        for (Row r : perClass) {
            sizes.put(r.getInt(0), r.getLong(1));
            problems += r.getLong(2);
            if (!r.isNullAt(3)) {
                firstProblem = Math.min(firstProblem, r.getLong(3));
            }
        }
        try {
            if (problems > 0) {
                Row r = table.filter(col(Tables.SAMPLE_ID).equalTo(firstProblem)).select(PROBLEM, N_ROWS).first();
                String more = problems > 1 ? " (first of " + problems + " samples with a problem)" : "";
                String id = "train sample_id " + firstProblem;
                throw new CoresetInputException(path + ": " + switch (r.getInt(0)) {
                    case WRONG_ROWS -> id + " has " + r.getInt(1) + " rows at the " + t + " checkpoints " + chosen
                            + " but needs exactly one per checkpoint" + more + "; re-score, or narrow --checkpoints.";
                    case LABEL_CONFLICT -> id + " has different labels at different checkpoints" + more
                            + "; score every checkpoint from the same samples table.";
                    default -> "column 'loss' is null, NaN or infinite for " + id + more
                            + "; re-score the checkpoints or narrow --checkpoints.";
                });
            }
            for (var e : sizes.entrySet()) {
                if (!valMeans.containsKey(e.getKey())) {
                    throw new CoresetInputException(path + ": class " + e.getKey() + " has " + e.getValue()
                            + " train samples but no val rows; CLD compares each class with its own validation "
                            + "trajectory: ingest with --val-fraction > 0 (stratified, so every class gets val samples) "
                            + "and score the val split.");
                }
            }
        } catch (RuntimeException e) {
            table.unpersist();
            throw e;
        }
        return new Dynamics(table, chosen, sizes);
    }

    /**
     * Streams a partition sorted by (sample_id, checkpoint): each run of rows with one sample_id becomes that
     * sample's dynamics row. Rows whose checkpoints are not exactly the chosen ones, whose labels differ or
     * whose losses are not finite give a row with a problem code instead of scores.
     */
    static MapPartitionsFunction<Row, Row> perSample(Map<Integer, double[]> valMeans, int[] checkpoints, int early) {
        HashMap<Integer, double[]> classVal = new HashMap<>(valMeans);
        int t = checkpoints.length;
        return rows -> new Iterator<>() {
            private Row pending = rows.hasNext() ? rows.next() : null;
            private float[] loss = new float[t];
            private float[] el2n = new float[t];
            private boolean[] correct = new boolean[t];
            private int[] cps = new int[t];

            @Override
            public boolean hasNext() {
                return pending != null;
            }

            @Override
            public Row next() {
                long id = pending.getLong(0);
                int label = pending.getInt(1);
                int n = 0;
                boolean labelConflict = false;
                boolean bad = false;
                while (pending != null && pending.getLong(0) == id) {
                    Row p = pending;
                    if (n == loss.length) {
                        loss = Arrays.copyOf(loss, 2 * n);
                        el2n = Arrays.copyOf(el2n, 2 * n);
                        correct = Arrays.copyOf(correct, 2 * n);
                        cps = Arrays.copyOf(cps, 2 * n);
                    }
                    labelConflict |= p.getInt(1) != label;
                    cps[n] = p.getInt(2);
                    loss[n] = p.isNullAt(3) ? Float.NaN : p.getFloat(3);
                    correct[n] = !p.isNullAt(4) && p.getBoolean(4);
                    el2n[n] = p.isNullAt(5) ? Float.NaN : p.getFloat(5);
                    bad |= !Double.isFinite(loss[n]);
                    n++;
                    pending = rows.hasNext() ? rows.next() : null;
                }
                boolean rowsOk = n == t;
                for (int i = 0; rowsOk && i < t; i++) {
                    rowsOk = cps[i] == checkpoints[i];
                }
                int problem = !rowsOk ? WRONG_ROWS : labelConflict ? LABEL_CONFLICT : bad ? NON_FINITE : OK;
                if (problem != OK) {
                    return RowFactory.create(id, label, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, n, problem);
                }
                double[] v = classVal.get(label);
                float[] l = loss.length == t ? loss : Arrays.copyOf(loss, t);
                float[] e = el2n.length == t ? el2n : Arrays.copyOf(el2n, t);
                boolean[] c = correct.length == t ? correct : Arrays.copyOf(correct, t);
                double cld = v == null ? Double.NaN : Cld.score(l, v);
                return RowFactory.create(id, label, cld, TrainingDynamics.mean(l), (double) l[t - 1],
                        TrainingDynamics.meanOfFirst(e, early),
                        TrainingDynamics.forgettingEvents(c), n, OK);
            }
        };
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
                Map<Integer, Double> d = ClassDifficulty.winsorizedMean(eligible, DynamicsTables.MEAN_LOSS);
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

    /** The top k_c of each class by CLD, ties to the lower sample_id; rank = position in class from 0. */
    static Dataset<Row> selectTop(Dataset<Row> eligible, Map<Integer, Long> budgets) {
        SparkSession spark = eligible.sparkSession();
        List<Row> rows = new ArrayList<>();
        budgets.forEach((label, k) -> rows.add(RowFactory.create(label, k)));
        StructType schema = new StructType().add("_label", DataTypes.IntegerType).add("_k", DataTypes.LongType);
        Dataset<Row> ks = spark.createDataFrame(rows, schema);
        long maxK = budgets.values().stream().mapToLong(Long::longValue).max().orElse(0);
        WindowSpec w = Window.partitionBy(Tables.LABEL)
                .orderBy(col(DynamicsTables.CLD).desc(), col(Tables.SAMPLE_ID).asc());
        return eligible
                .withColumn("_rn", row_number().over(w))
                .filter(col("_rn").leq(lit(maxK)))
                .join(broadcast(ks), col(Tables.LABEL).equalTo(col("_label")))
                .filter(col("_rn").leq(col("_k")))
                .select(col(Tables.SAMPLE_ID), col(Tables.LABEL), lit(1.0).as(Tables.WEIGHT),
                        col(DynamicsTables.CLD).as(Tables.SCORE), col("_rn").minus(1).cast("int").as(Tables.RANK));
    }

    private static double[] filled(int n, double v) {
        double[] a = new double[n];
        Arrays.fill(a, v);
        return a;
    }
}
