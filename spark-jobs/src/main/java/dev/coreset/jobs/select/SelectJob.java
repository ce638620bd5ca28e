package dev.coreset.jobs.select;

import static org.apache.spark.sql.functions.*;

import dev.coreset.jobs.budget.BudgetModes;
import dev.coreset.jobs.budget.ClassDifficulty;
import dev.coreset.jobs.ingest.SplitAndNoise;
import dev.coreset.jobs.io.Lineage;
import dev.coreset.jobs.io.ManifestWriter;
import dev.coreset.jobs.io.StageRecord;
import dev.coreset.jobs.io.StageSpec;
import dev.coreset.jobs.io.TableInputs;
import dev.coreset.jobs.progress.ProgressListener;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.Fingerprint;
import dev.coreset.schemas.ManifestMetadata;
import dev.coreset.schemas.Tables;
import dev.coreset.selection.budget.BudgetMode;
import dev.coreset.selection.budget.ClassBudgets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code coreset select}: reads the train rows of a scores table at one checkpoint (or every row of a user's
 * embeddings table, mapped onto the same columns by {@link EmbeddingsTable}), allocates class budgets,
 * selects per class (GreeDi for facility location and k-center, windows for random and score-based methods)
 * and publishes the manifest atomically. Only per-class numbers and the budget-sized centers reach the driver.
 */
public final class SelectJob {
    /**
     * Every parameter of a selection run; all of them go into {@code _coreset.json}. The input is either
     * {@code scores} or {@code embeddings} (a user's table, whose columns {@code columns} names).
     */
    public record Options(String scores, String checkpoint, SelectMethod method, Double fraction, Integer perClass,
                          String budgetMode, String optimizer, double epsilon, int partitionSize, long seed,
                          long cacheBytes, String out, boolean overwrite, PartsMode parts, String exclude,
                          String el2nCheckpoints, PruningOptions pruning, String embeddings,
                          EmbeddingsTable.Columns columns) {
        public Options {
            parts = parts == null ? PartsMode.DEFAULT : parts;
            pruning = pruning == null ? PruningOptions.defaults() : pruning;
            columns = columns == null ? EmbeddingsTable.Columns.DEFAULTS : columns;
        }

        /** A scores table as input. */
        public Options(String scores, String checkpoint, SelectMethod method, Double fraction, Integer perClass,
                       String budgetMode, String optimizer, double epsilon, int partitionSize, long seed,
                       long cacheBytes, String out, boolean overwrite, PartsMode parts, String exclude,
                       String el2nCheckpoints, PruningOptions pruning) {
            this(scores, checkpoint, method, fraction, perClass, budgetMode, optimizer, epsilon, partitionSize, seed,
                    cacheBytes, out, overwrite, parts, exclude, el2nCheckpoints, pruning, null, null);
        }

        /** With the dynamics-based methods' defaults. */
        public Options(String scores, String checkpoint, SelectMethod method, Double fraction, Integer perClass,
                       String budgetMode, String optimizer, double epsilon, int partitionSize, long seed,
                       long cacheBytes, String out, boolean overwrite, PartsMode parts, String exclude,
                       String el2nCheckpoints) {
            this(scores, checkpoint, method, fraction, perClass, budgetMode, optimizer, epsilon, partitionSize, seed,
                    cacheBytes, out, overwrite, parts, exclude, el2nCheckpoints, (PruningOptions) null);
        }

        /** The input's path (or, for the Spark ML stage, its name): what error messages and the manifest name. */
        public String input() {
            return embeddings != null ? embeddings : scores;
        }
    }

    public record Summary(long candidates, long selected, Map<Integer, Integer> budgets, double kMedoidCost,
                          double seconds) {
    }

    /** What resume compares: the scores or embeddings table and every option but --overwrite. */
    public static final StageSpec STAGE = StageSpec.of("select", Options.class).inputs("scores", "embeddings", "exclude")
            .outputs("out").rename("cacheBytes", "memo-bytes").spread("pruning", "columns");

    private final SparkSession spark;

    public SelectJob(SparkSession spark) {
        this.spark = spark;
    }

    /**
     * The outcome of one selection: the manifest rows (sample_id, label, weight, score, rank; materialized, so
     * they no longer depend on the input) and what the manifest metadata records about them.
     */
    public record Selection(Dataset<Row> rows, int checkpoint, Map<Integer, Integer> budgets, double kMedoidCost,
                            Fingerprint source, Map<String, Object> recorded) {
    }

    public Summary run(Options o) {
        long start = System.nanoTime();
        checkOptions(o);
        new dev.coreset.jobs.io.AtomicTableWriter(spark).checkTarget(o.out(), o.overwrite());
        StageRecord stage = STAGE.record(o, dev.coreset.jobs.io.AtomicTableWriter.hadoopConf(spark));
        Dataset<Row> input = o.embeddings() == null
                ? TableInputs.read(spark, o.scores(), Tables.SCORES, "--scores", "coreset score")
                : EmbeddingsTable.read(spark, o.embeddings(), o.columns());
        // --checkpoint last and the table's size from the footers (an embeddings table has checkpoint 0 only).
        TableFooters footers = TableFooters.read(o.input(), dev.coreset.jobs.io.AtomicTableWriter.hadoopConf(spark));
        Integer lastHint = o.embeddings() != null ? Integer.valueOf(0) : footers == null ? null : footers.lastCheckpoint();
        Selection s = select(input, o, lastHint, footers);
        ManifestMetadata meta = manifestMetadata(o, s);
        meta.parameters.put(Lineage.INPUTS, o.embeddings() == null
                ? Lineage.fromScores(o.scores(), s.source(), spark.sparkContext().hadoopConfiguration())
                : Lineage.fromEmbeddings(o.embeddings(), s.source()));
        new ManifestWriter(spark).write(s.rows(), meta, o.out(), o.overwrite(), Map.of(StageRecord.FILE_NAME, stage));
        long total = s.budgets().values().stream().mapToLong(Integer::longValue).sum();
        return new Summary(s.source().rows(), total, s.budgets(), s.kMedoidCost(), (System.nanoTime() - start) / 1e9);
    }

    /**
     * Selects on a Dataset with the scores table's columns (all splits and checkpoints; only the train rows at the
     * chosen checkpoint are candidates): the selection code of {@code coreset select} and of
     * {@link dev.coreset.jobs.ml.CoresetSelector}. Rows without a loss column (an {@link EmbeddingsTable}, a
     * DataFrame of embeddings) run only the methods that need no scores. {@code o.input()} names the input in error
     * messages; {@code o.out()} is not used.
     */
    public Selection select(Dataset<Row> scores, Options o) {
        return select(scores, o, null, null);
    }

    /**
     * @param lastHint the input's last checkpoint if known without a query (null: the query finds it)
     * @param footers  the input table's footers (null: a DataFrame, or unknown), which say whether it is small
     *                 enough to check and select on the driver ({@link DriverGreedy})
     */
    private Selection select(Dataset<Row> scores, Options o, Integer lastHint, TableFooters footers) {
        checkOptions(o);
        boolean scored = Arrays.asList(scores.schema().fieldNames()).contains(Tables.LOSS);
        if (!scored) {
            requireNoScoresNeeded(o);
        }
        InputNaming names = InputNaming.of(o, scored);
        Dataset<Row> train = scores.filter(col(Tables.SPLIT).equalTo(Tables.SPLIT_TRAIN));
        Integer guess = guessCheckpoint(o.checkpoint(), lastHint);
        int checkpoint = guess != null ? guess : resolveCheckpoint(train, o, names);
        Dataset<Row> at = train.filter(col(Tables.CHECKPOINT).equalTo(checkpoint));
        if (o.method().needsEmbedding() && !Arrays.asList(scores.schema().fieldNames()).contains(Tables.EMBEDDING)) {
            throw new CoresetInputException(o.scores() + ": no 'embedding' column, which --method " + o.method().cliName()
                    + " needs; score with --embedding logits-grad or last-layer-grad.");
        }
        if (o.method() == SelectMethod.FORGETTING) {
            at = at.join(forgetting(train, checkpoint), Tables.SAMPLE_ID);
        }
        List<Integer> el2nCheckpoints = null;
        if (o.el2nCheckpoints() != null) {
            el2nCheckpoints = EarlyEl2n.checkpoints(train, EarlyEl2n.parse(o.el2nCheckpoints()), o.scores());
            at = at.drop(Tables.EL2N).join(EarlyEl2n.mean(train, el2nCheckpoints, o.scores()), Tables.SAMPLE_ID);
        }
        Dataset<Row> flags = o.exclude() == null ? null : TableInputs.readIds(spark, o.exclude(), "--exclude");
        // The greedy methods read the rows three times at most (checks, duplicate ids, points) and cache only the
        // points they keep reading (DistributedGreedy); the others rank the cached rows.
        if (!o.method().greedy()) {
            at = at.cache();
        }
        try {
            // A small table's greedy selection: its candidate rows on the driver in one job, checked there.
            List<Row> collected = o.method().greedy() && flags == null && DriverGreedy.fits(spark, footers)
                    ? at.select(ScoresRowChecks.columns(o.method(), names, scored)).collectAsList() : null;
            ScoresRowChecks.Counts counts = collected != null
                    ? ScoresRowChecks.checkCollected(collected, o.method(), names, scored)
                    : ScoresRowChecks.check(at, o.method(), names, scored);
            if (guess != null && counts.fingerprint().rows() == 0) {
                // No train row at the guessed checkpoint: the query names the ones there are, or finds the last.
                return select(scores, o, resolveCheckpoint(train, o, names), footers);
            }
            // Flagged samples leave before budgets; the manifest's source fingerprint stays that of all train rows.
            Dataset<Row> candidates = flags == null ? at : TableInputs.withoutIds(at, flags);
            ProgressListener.stage(spark, "select: budgets");
            Map<Integer, Long> sizes = flags == null ? counts.perLabel() : new TreeMap<>();
            if (flags != null) {
                for (Row r : candidates.groupBy(Tables.LABEL).count().collectAsList()) {
                    sizes.put(r.getInt(0), r.getLong(1));
                }
            }
            Map<Integer, Integer> budgets = budgets(candidates, sizes, o, names);
            Dataset<Row> selected;
            double cost = Double.NaN;
            Map<String, Object> methodRecord = Map.of();
            if (o.method().usesDynamics()) {
                List<Column> cols = new ArrayList<>(List.of(col(Tables.SAMPLE_ID), col(Tables.LABEL)));
                if (o.method().needsEmbedding()) {
                    cols.add(col(Tables.EMBEDDING));
                }
                DynamicsSelection.Outcome d = DynamicsSelection.select(spark, scores, candidates.select(
                        cols.toArray(Column[]::new)), sizes, budgets, o);
                selected = d.rows();
                methodRecord = d.recorded();
            } else if (o.method().greedy()) {
                PartSelector selector = new PartSelector(o.method(), o.optimizer(), o.epsilon(), o.cacheBytes());
                List<DistributedGreedy.ClassResult> results = collected != null && !collected.isEmpty()
                        && DistributedGreedy.everyClassFitsOnePart(sizes, budgets, o.partitionSize())
                        ? DriverGreedy.run(spark, selector, o.seed(), collected, budgets)
                        : new DistributedGreedy(spark, selector, o.partitionSize(), o.seed(), o.parts())
                                .run(candidates.select(Tables.SAMPLE_ID, Tables.LABEL, Tables.EMBEDDING), sizes, budgets);
                selected = toRows(results);
                cost = results.stream().mapToDouble(DistributedGreedy.ClassResult::kMedoidCost).sum();
            } else {
                selected = ranked(candidates, budgets, o);
            }
            Fingerprint fp = counts.fingerprint();
            Map<String, Object> recorded = new TreeMap<>();
            if (o.exclude() != null) {
                recorded.put("exclude", o.exclude());
                recorded.put("excluded", fp.rows() - sizes.values().stream().mapToLong(Long::longValue).sum());
            }
            if (el2nCheckpoints != null) {
                recorded.put("el2nCheckpoints", el2nCheckpoints);
            }
            recorded.putAll(methodRecord);
            // Materialized before the cached candidates go: callers write or keep the rows after this returns
            // (a greedy selection's rows are on the driver already).
            return new Selection(selected.isLocal() ? selected : selected.localCheckpoint(), checkpoint, budgets, cost,
                    fp, recorded);
        } finally {
            at.unpersist();
        }
    }

    /** {@code _coreset.json} of a selection: method, every parameter, seed and source (budget and time: ManifestWriter). */
    public static ManifestMetadata manifestMetadata(Options o, Selection s) {
        ManifestMetadata meta = new ManifestMetadata();
        meta.method = o.method().cliName();
        meta.seed = o.seed();
        meta.parameters = parameters(o, s.checkpoint());
        meta.parameters.putAll(s.recorded());
        meta.source.path = o.input();
        meta.source.rows = s.source().rows();
        meta.source.fingerprint = s.source().hashHex();
        return meta;
    }

    private static void checkOptions(Options o) {
        if ((o.fraction() == null) == (o.perClass() == null)) {
            throw new CoresetInputException("pass exactly one of --fraction and --per-class.");
        }
        if (o.fraction() != null && !(o.fraction() > 0 && o.fraction() <= 1)) {
            throw new CoresetInputException("--fraction " + o.fraction() + " is outside (0, 1]; pass e.g. 0.1.");
        }
        if (o.perClass() != null && o.perClass() <= 0) {
            throw new CoresetInputException("--per-class " + o.perClass() + " must be positive.");
        }
        if (o.el2nCheckpoints() != null && o.method() != SelectMethod.EL2N) {
            throw new CoresetInputException("--el2n-checkpoints applies to --method el2n only, not "
                    + o.method().cliName() + "; drop it or use --method el2n.");
        }
        if (o.partitionSize() < 2) {
            throw new CoresetInputException("--partition-size " + o.partitionSize() + " must be at least 2.");
        }
        if (!o.optimizer().equals("lazy") && !o.optimizer().equals("stochastic")) {
            throw new CoresetInputException("--optimizer " + o.optimizer() + " is unknown; use lazy or stochastic.");
        }
        if (!(o.epsilon() > 0 && o.epsilon() < 1)) {
            throw new CoresetInputException("--epsilon " + o.epsilon() + " must be in (0, 1).");
        }
        if (o.method().usesDynamics()) {
            o.pruning().check();
        }
        if ((o.scores() == null) == (o.embeddings() == null)) {
            throw new CoresetInputException("pass exactly one of --scores (a coreset score table) and --embeddings"
                    + " (a table of id, label and embedding).");
        }
        if (o.embeddings() != null) {
            if (o.checkpoint() != null && !o.checkpoint().equals("last")) {
                throw new CoresetInputException("--checkpoint " + o.checkpoint() + " applies to --scores tables; "
                        + o.embeddings() + " has one embedding per sample: drop --checkpoint.");
            }
            requireNoScoresNeeded(o);
        }
    }

    /** Input without a model's scores (a table of embeddings and labels): only the methods that need none. */
    private static void requireNoScoresNeeded(Options o) {
        String instead = "pass a scores table (coreset score) with --scores, or use facility-location, kcenter or random.";
        if (o.method().usesDynamics()) {
            throw new CoresetInputException(o.input() + ": --method " + o.method().cliName() + " needs a difficulty"
                    + " score from training dynamics (every checkpoint's losses), which a table of embeddings and labels"
                    + " does not have; " + instead);
        }
        if (o.method().needsScores()) {
            throw new CoresetInputException(o.input() + ": --method " + o.method().cliName() + " ranks by a model's"
                    + " per-sample scores, which a table of embeddings and labels does not have; " + instead);
        }
        if (BudgetModes.parse(o.budgetMode()) == BudgetMode.DIFFICULTY) {
            throw new CoresetInputException(o.input() + ": --budget-mode difficulty weighs classes by their loss, which"
                    + " a table of embeddings and labels does not have; use proportional or uniform, or pass --scores.");
        }
    }

    /** --checkpoint as a number, or the hint for last; null when only the query can tell (or refuse). */
    private static Integer guessCheckpoint(String checkpoint, Integer lastHint) {
        if (checkpoint == null || checkpoint.equals("last")) {
            return lastHint;
        }
        try {
            return Integer.parseInt(checkpoint);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static int resolveCheckpoint(Dataset<Row> train, Options o, InputNaming names) {
        return resolveCheckpoint(train, o.checkpoint(), o.scores(), names.noRows());
    }

    /** --checkpoint (last or a number) among the checkpoints of {@code train}; shared with dedup. */
    public static int resolveCheckpoint(Dataset<Row> train, String checkpoint, String table, String noRows) {
        List<Integer> available = train.select(Tables.CHECKPOINT).distinct().orderBy(Tables.CHECKPOINT)
                .as(org.apache.spark.sql.Encoders.INT()).collectAsList();
        if (available.isEmpty()) {
            throw new CoresetInputException(noRows);
        }
        if (checkpoint == null || checkpoint.equals("last")) {
            return available.get(available.size() - 1);
        }
        try {
            int c = Integer.parseInt(checkpoint);
            if (!available.contains(c)) {
                throw new CoresetInputException(table + ": no checkpoint " + c + " (have " + available + "); fix --checkpoint.");
            }
            return c;
        } catch (NumberFormatException e) {
            throw new CoresetInputException("--checkpoint " + checkpoint + " is not last or a number.");
        }
    }


    private Map<Integer, Integer> budgets(Dataset<Row> at, Map<Integer, Long> sizes, Options o, InputNaming names) {
        int classes = sizes.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        int[] size = new int[classes];
        sizes.forEach((c, n) -> size[c] = Math.toIntExact(n));
        for (int c = 0; c < classes; c++) {
            if (size[c] == 0) {
                throw new CoresetInputException(names.emptyClass(c));
            }
        }
        BudgetMode mode = BudgetModes.parse(o.budgetMode());
        int[] k;
        if (o.perClass() != null) {
            for (int c = 0; c < classes; c++) {
                if (o.perClass() > size[c]) {
                    throw new CoresetInputException("--per-class " + o.perClass() + " is larger than class " + c
                            + " (" + size[c] + " samples); lower it or use --fraction.");
                }
            }
            k = ClassBudgets.perClass(size, o.perClass());
        } else {
            int total = ClassBudgets.totalForFraction(Arrays.stream(size).sum(), o.fraction());
            double[] difficulty = null;
            if (mode == BudgetMode.DIFFICULTY) {
                difficulty = classDifficulty(at, classes);
            }
            k = ClassBudgets.allocate(size, total, mode, difficulty);
        }
        Map<Integer, Integer> out = new TreeMap<>();
        for (int c = 0; c < classes; c++) {
            out.put(c, k[c]);
        }
        return out;
    }

    /** NUCS class difficulty of the loss at the checkpoint (winsorized mean per class): C numbers to the driver. */
    private static double[] classDifficulty(Dataset<Row> at, int classes) {
        double[] d = new double[classes];
        ClassDifficulty.winsorizedMean(at, Tables.LOSS).forEach((c, v) -> d[c] = v);
        return d;
    }

    /** Forgetting events (correct -> incorrect between consecutive checkpoints) up to and including {@code upTo}. */
    private static Dataset<Row> forgetting(Dataset<Row> train, int upTo) {
        Column prev = lag(col(Tables.CORRECT), 1).over(Window.partitionBy(Tables.SAMPLE_ID).orderBy(Tables.CHECKPOINT));
        return train.filter(col(Tables.CHECKPOINT).leq(upTo))
                .select(col(Tables.SAMPLE_ID), col(Tables.CHECKPOINT), col(Tables.CORRECT))
                .withColumn("forgot", when(prev.equalTo(true).and(col(Tables.CORRECT).equalTo(false)), 1).otherwise(0))
                .groupBy(Tables.SAMPLE_ID).agg(sum("forgot").cast("double").as("forgetting"));
    }

    /** Random (stratified, by a seeded hash) and score-based picks: a window per class. */
    private static Dataset<Row> ranked(Dataset<Row> at, Map<Integer, Integer> budgets, Options o) {
        Column order;
        Column score;
        if (o.method() == SelectMethod.RANDOM) {
            score = SplitAndNoise.uniform(o.seed(), 11);
            order = score.asc();
        } else {
            score = col(o.method().scoreColumn()).cast("double");
            order = o.method().highestFirst() ? score.desc() : score.asc();
        }
        Column quota = lit(0);
        for (var e : budgets.entrySet()) {
            quota = when(col(Tables.LABEL).equalTo(e.getKey()), lit(e.getValue())).otherwise(quota);
        }
        Column rank = row_number().over(Window.partitionBy(Tables.LABEL).orderBy(order, col(Tables.SAMPLE_ID).asc()));
        return at.withColumn(Tables.RANK, rank.minus(1))
                .filter(col(Tables.RANK).lt(quota))
                .select(col(Tables.SAMPLE_ID), col(Tables.LABEL), lit(1.0).as(Tables.WEIGHT),
                        (o.method() == SelectMethod.RANDOM ? lit(null).cast("double") : score).as(Tables.SCORE),
                        col(Tables.RANK));
    }

    private Dataset<Row> toRows(List<DistributedGreedy.ClassResult> results) {
        List<Row> rows = new ArrayList<>();
        for (DistributedGreedy.ClassResult r : results) {
            for (int i = 0; i < r.ids().length; i++) {
                // CRAIG weight: points whose nearest selected point this is; at least 1 for exact duplicates.
                rows.add(RowFactory.create(r.ids()[i], r.label(), (double) Math.max(1, r.weights()[i]), r.gains()[i], i));
            }
        }
        StructType schema = new StructType().add(Tables.SAMPLE_ID, DataTypes.LongType)
                .add(Tables.LABEL, DataTypes.IntegerType).add(Tables.WEIGHT, DataTypes.DoubleType)
                .add(Tables.SCORE, DataTypes.DoubleType).add(Tables.RANK, DataTypes.IntegerType);
        return spark.createDataFrame(rows, schema);
    }

    private static Map<String, Object> parameters(Options o, int checkpoint) {
        Map<String, Object> p = new TreeMap<>();
        if (o.embeddings() == null) {
            p.put("scores", o.scores());
            p.put("checkpoint", checkpoint);
        } else {
            p.put("embeddings", o.embeddings());
            p.put("idColumn", o.columns().idColumn());
            p.put("labelColumn", o.columns().labelColumn());
            p.put("embeddingColumn", o.columns().embeddingColumn());
        }
        p.put("method", o.method().cliName());
        if (o.fraction() != null) {
            p.put("fraction", o.fraction());
        }
        if (o.perClass() != null) {
            p.put("perClass", o.perClass());
        }
        p.put("budgetMode", o.budgetMode());
        p.put("optimizer", o.optimizer());
        p.put("epsilon", o.epsilon());
        p.put("partitionSize", o.partitionSize());
        p.put("oversample", DistributedGreedy.OVERSAMPLE);
        if (o.method().needsEmbedding()) {
            p.put("parts", o.parts().cliName());
            p.put("mergeMinUnionShare", DistributedGreedy.mergeMinUnionShare(o.method(), o.parts()));
        }
        p.put("seed", o.seed());
        return p;
    }
}
