package dev.coreset.jobs.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.coreset.jobs.select.DynamicsScore;
import dev.coreset.jobs.select.EmbeddingsTable;
import dev.coreset.jobs.select.PartsMode;
import dev.coreset.jobs.select.PruningOptions;
import dev.coreset.jobs.select.SelectJob;
import dev.coreset.jobs.select.SelectMethod;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.Tables;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.sql.types.StructType;

/**
 * {@code coreset select} as a Spark ML Estimator. {@link #fit} takes a scores DataFrame (the output of
 * {@link LossScorer}, or a scores table read with {@code spark.read().parquet}) and runs {@link SelectJob#select},
 * the code {@code coreset select} runs, on its train rows at one checkpoint; the {@link CoresetModel} it returns
 * keeps the selected rows of a dataset and adds {@code weight}, {@code score} and {@code rank}.
 *
 * <p>Params mirror the CLI's options (same names in camelCase, same defaults); set exactly one of
 * {@code fraction} and {@code perClass}. Input column params: {@code idCol}, {@code labelCol},
 * {@code embeddingCol} (facility-location, kcenter), {@code scoreCol} (the column loss / el2n / margin rank by;
 * default: the column of that name), {@code splitCol} ("" = every row is a train row) and {@code checkpointCol}
 * ("" = one row per sample). The score-based and dynamics methods and the difficulty budget mode also need a
 * {@code loss} column (checked for NaN, as the CLI does) and forgetting {@code correct}; facility-location, kcenter
 * and random run on a plain DataFrame of id, label and embedding, as {@code coreset select --embeddings} does.
 *
 * <p>Errors: {@link CoresetInputException} with one line naming this stage, the param or column and the fix:
 * at {@code set} for a value out of range, in {@code transformSchema} (Pipeline.fit calls it first) for missing
 * columns and param combinations, in {@code fit} for bad rows.
 */
public final class CoresetSelector extends Estimator<CoresetModel> implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    static final List<String> METHODS = Arrays.stream(SelectMethod.values()).map(SelectMethod::cliName).toList();

    private final String uid;
    private final Param<String> method;
    private final DoubleParam fraction;
    private final IntParam perClass;
    private final Param<String> budgetMode;
    private final Param<String> optimizer;
    private final DoubleParam epsilon;
    private final IntParam partitionSize;
    private final Param<String> parts;
    private final LongParam memoBytes;
    private final LongParam seed;
    private final Param<String> checkpoint;
    private final Param<String> idCol;
    private final Param<String> labelCol;
    private final Param<String> embeddingCol;
    private final Param<String> scoreCol;
    private final Param<String> splitCol;
    private final Param<String> checkpointCol;
    private final Param<String> score;
    private final Param<String> hardCut;
    private final IntParam strata;
    private final Param<String> window;
    private final IntParam dualWindow;
    private final DoubleParam dualExponent;
    private final IntParam neighbours;
    private final DoubleParam gammaForward;
    private final DoubleParam gammaReverse;

    public CoresetSelector() {
        this(Identifiable.randomUID("CoresetSelector"));
    }

    public CoresetSelector(String uid) {
        this.uid = uid;
        method = new Param<>(this, "method", "facility-location | kcenter | random | loss | el2n | margin | forgetting"
                + " | ccs | dual | d2",
                ParamRules.oneOf(uid, "method", METHODS));
        fraction = new DoubleParam(this, "fraction", "fraction of the train rows to keep, in (0, 1]",
                ParamRules.<Object>rule(uid, "fraction", v -> (Double) v > 0 && (Double) v <= 1,
                        "is outside (0, 1]; set e.g. 0.1."));
        perClass = new IntParam(this, "perClass", "samples to keep in every class",
                ParamRules.<Object>rule(uid, "perClass", v -> (Integer) v > 0, "must be positive."));
        budgetMode = new Param<>(this, "budgetMode", "uniform | proportional | difficulty",
                ParamRules.oneOf(uid, "budgetMode", List.of("uniform", "proportional", "difficulty")));
        optimizer = new Param<>(this, "optimizer", "lazy | stochastic",
                ParamRules.oneOf(uid, "optimizer", List.of("lazy", "stochastic")));
        epsilon = new DoubleParam(this, "epsilon", "stochastic greedy's epsilon, in (0, 1)",
                ParamRules.<Object>rule(uid, "epsilon", v -> (Double) v > 0 && (Double) v < 1, "must be in (0, 1)."));
        partitionSize = new IntParam(this, "partitionSize", "points per GreeDi part (bounds memory per task)",
                ParamRules.<Object>rule(uid, "partitionSize", v -> (Integer) v >= 2, "must be at least 2."));
        parts = new Param<>(this, "parts", "GreeDi parts: random | kmeans",
                ParamRules.oneOf(uid, "parts", List.of("random", "kmeans")));
        memoBytes = new LongParam(this, "memoBytes", "facility-location memo bound per task",
                ParamRules.<Object>rule(uid, "memoBytes", v -> (Long) v >= 0, "must not be negative."));
        seed = new LongParam(this, "seed", "seed of the parts, stochastic greedy and random picks");
        checkpoint = new Param<>(this, "checkpoint", "last, or the checkpoint number to select at",
                ParamRules.rule(uid, "checkpoint", v -> v.equals("last") || v.matches("\\d+"),
                        "is not last or a checkpoint number."));
        idCol = new Param<>(this, "idCol", "sample id column (long)", nonEmpty("idCol"));
        labelCol = new Param<>(this, "labelCol", "class label column (0..C-1)", nonEmpty("labelCol"));
        embeddingCol = new Param<>(this, "embeddingCol", "embedding column of facility-location and kcenter",
                nonEmpty("embeddingCol"));
        scoreCol = new Param<>(this, "scoreCol", "column ranked by loss / el2n / margin (\"\" = the method's own)");
        splitCol = new Param<>(this, "splitCol", "split column; only 'train' rows are candidates (\"\" = every row)");
        checkpointCol = new Param<>(this, "checkpointCol", "checkpoint column (\"\" = one row per sample)");
        score = new Param<>(this, "score", "ccs and d2: the dynamics score ordering samples by difficulty (aum, mean_py,"
                + " cld, dual, forgetting, el2n_early, mean_loss, last_loss)", ParamRules.oneOf(uid, "score",
                Arrays.stream(DynamicsScore.values()).map(DynamicsScore::column).toList()));
        hardCut = new Param<>(this, "hardCut", "ccs and d2: share of each class's hardest samples dropped, in [0, 1), or"
                + " auto", ParamRules.rule(uid, "hardCut", v -> v.equals("auto") || v.matches("0(\\.\\d*)?|\\.\\d+"),
                "is not auto or a fraction in [0, 1); set e.g. 0.1."));
        strata = new IntParam(this, "strata", "ccs: equal-width strata of the score",
                ParamRules.<Object>rule(uid, "strata", v -> (Integer) v >= 1, "must be at least 1."));
        window = new Param<>(this, "window", "ccs, dual, d2: checkpoints the trajectory scores average over: all |"
                + " from:N | last:K", ParamRules.rule(uid, "window", v -> v.equals("all") || v.matches("(from|last):\\d+"),
                "is not all, from:N or last:K."));
        dualWindow = new IntParam(this, "dualWindow", "dual: consecutive checkpoints per window (J)",
                ParamRules.<Object>rule(uid, "dualWindow", v -> (Integer) v >= 2, "must be at least 2."));
        dualExponent = new DoubleParam(this, "dualExponent", "dual: e in b = 15 (1 - anchor)(1 - r^e)",
                ParamRules.<Object>rule(uid, "dualExponent", v -> (Double) v > 0, "must be positive."));
        neighbours = new IntParam(this, "neighbours", "d2: k of the k-NN graph",
                ParamRules.<Object>rule(uid, "neighbours", v -> (Integer) v >= 1, "must be at least 1."));
        gammaForward = new DoubleParam(this, "gammaForward", "d2: forward gamma (distances over the mean k-NN distance)",
                ParamRules.<Object>rule(uid, "gammaForward", v -> (Double) v >= 0, "must not be negative."));
        gammaReverse = new DoubleParam(this, "gammaReverse", "d2: reverse gamma",
                ParamRules.<Object>rule(uid, "gammaReverse", v -> (Double) v >= 0, "must not be negative."));
        setDefault(method, "facility-location");
        setDefault(budgetMode, "proportional");
        setDefault(optimizer, "lazy");
        setDefault(epsilon, (Object) 0.01);
        setDefault(partitionSize, (Object) 10_000);
        setDefault(parts, PartsMode.DEFAULT.cliName());
        setDefault(memoBytes, (Object) 268_435_456L);
        setDefault(seed, (Object) 0L);
        setDefault(checkpoint, "last");
        setDefault(idCol, Tables.SAMPLE_ID);
        setDefault(labelCol, Tables.LABEL);
        setDefault(embeddingCol, Tables.EMBEDDING);
        setDefault(scoreCol, "");
        setDefault(splitCol, Tables.SPLIT);
        setDefault(checkpointCol, Tables.CHECKPOINT);
        PruningOptions p = PruningOptions.defaults();
        setDefault(score, p.score());
        setDefault(hardCut, p.hardCut());
        setDefault(strata, (Object) p.strata());
        setDefault(window, p.window());
        setDefault(dualWindow, (Object) p.dualWindow());
        setDefault(dualExponent, (Object) p.dualExponent());
        setDefault(neighbours, (Object) p.neighbours());
        setDefault(gammaForward, (Object) p.gammaForward());
        setDefault(gammaReverse, (Object) p.gammaReverse());
    }

    private ParamRules.Rule<String> nonEmpty(String name) {
        return ParamRules.rule(uid, name, v -> !v.isEmpty(), "must name a column.");
    }

    @Override
    public String uid() {
        return uid;
    }

    // Params (Spark finds them through these public no-argument methods).
    public Param<String> method() { return method; }
    public DoubleParam fraction() { return fraction; }
    public IntParam perClass() { return perClass; }
    public Param<String> budgetMode() { return budgetMode; }
    public Param<String> optimizer() { return optimizer; }
    public DoubleParam epsilon() { return epsilon; }
    public IntParam partitionSize() { return partitionSize; }
    public Param<String> parts() { return parts; }
    public LongParam memoBytes() { return memoBytes; }
    public LongParam seed() { return seed; }
    public Param<String> checkpoint() { return checkpoint; }
    public Param<String> idCol() { return idCol; }
    public Param<String> labelCol() { return labelCol; }
    public Param<String> embeddingCol() { return embeddingCol; }
    public Param<String> scoreCol() { return scoreCol; }
    public Param<String> splitCol() { return splitCol; }
    public Param<String> checkpointCol() { return checkpointCol; }
    public Param<String> score() { return score; }
    public Param<String> hardCut() { return hardCut; }
    public IntParam strata() { return strata; }
    public Param<String> window() { return window; }
    public IntParam dualWindow() { return dualWindow; }
    public DoubleParam dualExponent() { return dualExponent; }
    public IntParam neighbours() { return neighbours; }
    public DoubleParam gammaForward() { return gammaForward; }
    public DoubleParam gammaReverse() { return gammaReverse; }

    public CoresetSelector setMethod(String v) { set(method, v); return this; }
    /** Keeps this fraction of every class's train rows (budget mode decides the split); clears perClass. */
    public CoresetSelector setFraction(double v) { set(fraction, (Object) v); clear(perClass); return this; }
    /** Keeps this many samples of every class; clears fraction. */
    public CoresetSelector setPerClass(int v) { set(perClass, (Object) v); clear(fraction); return this; }
    public CoresetSelector setBudgetMode(String v) { set(budgetMode, v); return this; }
    public CoresetSelector setOptimizer(String v) { set(optimizer, v); return this; }
    public CoresetSelector setEpsilon(double v) { set(epsilon, (Object) v); return this; }
    public CoresetSelector setPartitionSize(int v) { set(partitionSize, (Object) v); return this; }
    public CoresetSelector setParts(String v) { set(parts, v); return this; }
    public CoresetSelector setMemoBytes(long v) { set(memoBytes, (Object) v); return this; }
    public CoresetSelector setSeed(long v) { set(seed, (Object) v); return this; }
    public CoresetSelector setCheckpoint(String v) { set(checkpoint, v); return this; }
    public CoresetSelector setIdCol(String v) { set(idCol, v); return this; }
    public CoresetSelector setLabelCol(String v) { set(labelCol, v); return this; }
    public CoresetSelector setEmbeddingCol(String v) { set(embeddingCol, v); return this; }
    public CoresetSelector setScoreCol(String v) { set(scoreCol, v); return this; }
    public CoresetSelector setSplitCol(String v) { set(splitCol, v); return this; }
    public CoresetSelector setCheckpointCol(String v) { set(checkpointCol, v); return this; }
    public CoresetSelector setScore(String v) { set(score, v); return this; }
    public CoresetSelector setHardCut(String v) { set(hardCut, v); return this; }
    public CoresetSelector setStrata(int v) { set(strata, (Object) v); return this; }
    public CoresetSelector setWindow(String v) { set(window, v); return this; }
    public CoresetSelector setDualWindow(int v) { set(dualWindow, (Object) v); return this; }
    public CoresetSelector setDualExponent(double v) { set(dualExponent, (Object) v); return this; }
    public CoresetSelector setNeighbours(int v) { set(neighbours, (Object) v); return this; }
    public CoresetSelector setGammaForward(double v) { set(gammaForward, (Object) v); return this; }
    public CoresetSelector setGammaReverse(double v) { set(gammaReverse, (Object) v); return this; }

    public String getMethod() { return getOrDefault(method); }
    public String getIdCol() { return getOrDefault(idCol); }
    public String getCheckpointCol() { return getOrDefault(checkpointCol); }
    public long getSeed() { return (Long) getOrDefault(seed); }

    private SelectMethod selectMethod() {
        return SelectMethod.parse(getMethod());
    }

    /** The options of the equivalent {@code coreset select} run (the input named by this stage's uid). */
    SelectJob.Options options() {
        Double f = isDefined(fraction) ? (Double) getOrDefault(fraction) : null;
        Integer k = isDefined(perClass) ? (Integer) getOrDefault(perClass) : null;
        return new SelectJob.Options(uid + " input", getOrDefault(checkpoint), selectMethod(), f, k,
                getOrDefault(budgetMode), getOrDefault(optimizer), (Double) getOrDefault(epsilon),
                (Integer) getOrDefault(partitionSize), getSeed(), (Long) getOrDefault(memoBytes), null, false,
                PartsMode.parse(getOrDefault(parts)), null, null, new PruningOptions(getOrDefault(score),
                getOrDefault(hardCut), (Integer) getOrDefault(strata), getOrDefault(window),
                (Integer) getOrDefault(dualWindow), (Double) getOrDefault(dualExponent), (Integer) getOrDefault(neighbours),
                (Double) getOrDefault(gammaForward), (Double) getOrDefault(gammaReverse)), null,
                new EmbeddingsTable.Columns(getIdCol(), getOrDefault(labelCol), getOrDefault(embeddingCol)));
    }

    /** Whether the selection reads a model's scores: otherwise the input needs no loss column. */
    private boolean needsLoss() {
        return selectMethod().needsScores() || getOrDefault(budgetMode).equals("difficulty");
    }

    @Override
    public CoresetModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema(), true);
        SelectJob.Options o = options();
        Dataset<Row> input = canonical(dataset.toDF());
        // Spark ML's rule: persist an uncached input that fit reads several times (a LossScorer output is one).
        boolean persist = dataset.storageLevel().equals(StorageLevel.NONE());
        if (persist) {
            input = input.persist(StorageLevel.MEMORY_AND_DISK());
        }
        try {
            SelectJob.Selection s = new SelectJob(dataset.sparkSession()).select(input, o);
            CoresetModel model = new CoresetModel(uid, s.rows(), new CoresetModel.State(
                    SelectJob.manifestMetadata(o, s), s.checkpoint(), s.kMedoidCost(), s.budgets()));
            return copyValues(model, ParamMap.empty()).setParent(this);
        } catch (CoresetInputException e) {
            throw ParamRules.inParamNames(e, this);
        } finally {
            if (persist) {
                input.unpersist();
            }
        }
    }

    /** The user's columns under the scores table's names: what {@link SelectJob#select} reads. */
    private Dataset<Row> canonical(Dataset<Row> df) {
        SelectMethod m = selectMethod();
        InputColumns in = new InputColumns(uid, df.schema());
        String score = getOrDefault(scoreCol);
        List<Column> cols = new ArrayList<>();
        cols.add(col(getIdCol()).cast("long").as(Tables.SAMPLE_ID));
        cols.add(col(getOrDefault(labelCol)).cast("int").as(Tables.LABEL));
        String split = getOrDefault(splitCol);
        cols.add((split.isEmpty() ? lit(Tables.SPLIT_TRAIN) : col(split)).as(Tables.SPLIT));
        String ck = getCheckpointCol();
        cols.add((ck.isEmpty() ? lit(0) : col(ck).cast("int")).as(Tables.CHECKPOINT));
        if (needsLoss() || in.has(Tables.LOSS)) {
            cols.add(col(m == SelectMethod.LOSS && !score.isEmpty() ? score : Tables.LOSS).cast("float").as(Tables.LOSS));
        }
        if (m == SelectMethod.EL2N || m == SelectMethod.MARGIN) {
            cols.add(col(score.isEmpty() ? m.scoreColumn() : score).as(m.scoreColumn()));
        }
        if (m == SelectMethod.FORGETTING) {
            cols.add(col(Tables.CORRECT));
        }
        if (m.usesDynamics()) {
            // The trajectory of every checkpoint: what the dynamics read besides the loss.
            cols.add(col(Tables.CORRECT));
            cols.add(col(Tables.EL2N).cast("float").as(Tables.EL2N));
            cols.add(col(Tables.MARGIN).cast("float").as(Tables.MARGIN));
        }
        if (m.needsEmbedding()) {
            cols.add(in.floatArray(getOrDefault(embeddingCol)).as(Tables.EMBEDDING));
        }
        return df.select(cols.toArray(Column[]::new));
    }

    @Override
    public StructType transformSchema(StructType schema) {
        if (isDefined(fraction) == isDefined(perClass)) {
            throw new CoresetInputException(uid + ": set exactly one of fraction and perClass.");
        }
        SelectMethod m = selectMethod();
        InputColumns in = new InputColumns(uid, schema);
        in.requireIntegral("idCol", getIdCol(), "set idCol to the sample id column.");
        in.requireLabel("labelCol", getOrDefault(labelCol), "set labelCol to the class label column.");
        String split = getOrDefault(splitCol);
        if (!split.isEmpty()) {
            in.requireType("splitCol", split, org.apache.spark.sql.types.DataTypes.StringType,
                    "set splitCol to \"\" to use every row.");
        }
        String ck = getCheckpointCol();
        if (!ck.isEmpty()) {
            in.requireIntegral("checkpointCol", ck, "set checkpointCol to \"\" when there is one row per sample.");
        }
        String score = getOrDefault(scoreCol);
        if (m == SelectMethod.LOSS && !score.isEmpty()) {
            in.requireNumeric("scoreCol", score, "set scoreCol to the column to rank by.");
        } else if (needsLoss() || in.has(Tables.LOSS)) {
            in.requireNumeric("loss", Tables.LOSS, "score the rows with LossScorer or read a scores table; only"
                    + " facility-location, kcenter and random (with a budgetMode other than difficulty) run without it.");
        }
        if (m == SelectMethod.EL2N || m == SelectMethod.MARGIN) {
            in.requireNumeric("scoreCol", score.isEmpty() ? m.scoreColumn() : score, "set scoreCol to the column to rank by.");
        }
        if (m == SelectMethod.FORGETTING) {
            in.require("correct", Tables.CORRECT, "forgetting needs LossScorer's correct column at every checkpoint.");
        }
        if (m.usesDynamics()) {
            String fix = "the dynamics methods read LossScorer's loss, correct, el2n and margin at every checkpoint.";
            in.require("correct", Tables.CORRECT, fix);
            in.requireNumeric("el2n", Tables.EL2N, fix);
            in.requireNumeric("margin", Tables.MARGIN, fix);
        }
        if (m.needsEmbedding()) {
            in.requireVector("embeddingCol", getOrDefault(embeddingCol),
                    "score with an embedding (LossScorer embedding logits-grad) or set embeddingCol.");
        }
        return CoresetModel.outputSchema(uid, schema);
    }

    @Override
    public CoresetSelector copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    public static MLReader<CoresetSelector> read() {
        return new DefaultParamsReader<>();
    }

    public static CoresetSelector load(String path) {
        return read().load(path);
    }
}
