package dev.coreset.jobs.ml;

import dev.coreset.jobs.io.AtomicTableWriter;
import dev.coreset.jobs.score.ScoreJob;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.Tables;
import dev.coreset.scoring.EmbeddingKind;
import dev.coreset.scoring.ModelRef;
import dev.coreset.scoring.ScoreOptions;
import java.util.List;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * {@code coreset score} as a Spark ML Transformer: scores every row of a samples DataFrame at each chosen
 * checkpoint of a {@code coreset train} run, on the executors, with the scorer {@code coreset score} uses
 * ({@link ScoreJob#scoreRows}: model loaded once per executor JVM, batched, on the task's GPU when Spark assigned
 * one). The output has one row per input row per checkpoint: the input's columns followed by checkpoint, loss,
 * correct, margin, el2n, [embedding], draws (the scores table's types).
 *
 * <p>Params carry the CLI's names and defaults: checkpoints (required: the run directory), epochs, embedding, dim,
 * posteriorDraws, posteriorSigma, seed, batchSize; featuresCol (array&lt;float&gt;, array&lt;double&gt; or an ML
 * Vector) and labelCol. Errors: {@link CoresetInputException}, as for {@link CoresetSelector}; a row whose
 * features or label do not fit the model fails its task with one (wrapped in a SparkException).
 */
public final class LossScorer extends Transformer implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    private static final String CONVERTED = "__coreset_features";

    private final String uid;
    private final Param<String> checkpoints;
    private final Param<String> epochs;
    private final Param<String> embedding;
    private final IntParam dim;
    private final IntParam posteriorDraws;
    private final DoubleParam posteriorSigma;
    private final LongParam seed;
    private final IntParam batchSize;
    private final Param<String> featuresCol;
    private final Param<String> labelCol;

    public LossScorer() {
        this(Identifiable.randomUID("LossScorer"));
    }

    public LossScorer(String uid) {
        this.uid = uid;
        checkpoints = new Param<>(this, "checkpoints", "run directory of `coreset train`",
                ParamRules.rule(uid, "checkpoints", v -> !v.isEmpty(), "must name the --out of `coreset train`."));
        epochs = new Param<>(this, "epochs", "all, or a list such as 0,2,4",
                ParamRules.rule(uid, "epochs", v -> v.equals("all") || v.matches("\\s*\\d+\\s*(,\\s*\\d+\\s*)*"),
                        "is not all or a list of epoch numbers such as 0,2,4."));
        embedding = new Param<>(this, "embedding", "none | logits-grad | last-layer-grad",
                ParamRules.oneOf(uid, "embedding", List.of("none", "logits-grad", "last-layer-grad")));
        dim = new IntParam(this, "dim", "seeded random projection of the embedding to this many dims (0 = off)",
                ParamRules.<Object>rule(uid, "dim", v -> (Integer) v >= 0, "must be >= 0 (0 = no projection)."));
        posteriorDraws = new IntParam(this, "posteriorDraws", "draws of the perturbed last layer averaged",
                ParamRules.<Object>rule(uid, "posteriorDraws", v -> (Integer) v >= 1, "must be >= 1."));
        posteriorSigma = new DoubleParam(this, "posteriorSigma", "std of the last-layer perturbation (0 = off)",
                ParamRules.<Object>rule(uid, "posteriorSigma", v -> (Double) v >= 0 && !((Double) v).isInfinite(),
                        "must be finite and >= 0."));
        seed = new LongParam(this, "seed", "seed of the projection and the posterior draws");
        batchSize = new IntParam(this, "batchSize", "rows per forward pass",
                ParamRules.<Object>rule(uid, "batchSize", v -> (Integer) v >= 1, "must be >= 1."));
        featuresCol = new Param<>(this, "featuresCol", "features column",
                ParamRules.rule(uid, "featuresCol", v -> !v.isEmpty(), "must name a column."));
        labelCol = new Param<>(this, "labelCol", "class label column (0..C-1)",
                ParamRules.rule(uid, "labelCol", v -> !v.isEmpty(), "must name a column."));
        setDefault(epochs, "all");
        setDefault(embedding, "none");
        setDefault(dim, (Object) 0);
        setDefault(posteriorDraws, (Object) 1);
        setDefault(posteriorSigma, (Object) 0.0);
        setDefault(seed, (Object) 0L);
        setDefault(batchSize, (Object) 128);
        setDefault(featuresCol, Tables.FEATURES);
        setDefault(labelCol, Tables.LABEL);
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> checkpoints() { return checkpoints; }
    public Param<String> epochs() { return epochs; }
    public Param<String> embedding() { return embedding; }
    public IntParam dim() { return dim; }
    public IntParam posteriorDraws() { return posteriorDraws; }
    public DoubleParam posteriorSigma() { return posteriorSigma; }
    public LongParam seed() { return seed; }
    public IntParam batchSize() { return batchSize; }
    public Param<String> featuresCol() { return featuresCol; }
    public Param<String> labelCol() { return labelCol; }

    public LossScorer setCheckpoints(String v) { set(checkpoints, v); return this; }
    public LossScorer setEpochs(String v) { set(epochs, v); return this; }
    public LossScorer setEmbedding(String v) { set(embedding, v); return this; }
    public LossScorer setDim(int v) { set(dim, (Object) v); return this; }
    public LossScorer setPosteriorDraws(int v) { set(posteriorDraws, (Object) v); return this; }
    public LossScorer setPosteriorSigma(double v) { set(posteriorSigma, (Object) v); return this; }
    public LossScorer setSeed(long v) { set(seed, (Object) v); return this; }
    public LossScorer setBatchSize(int v) { set(batchSize, (Object) v); return this; }
    public LossScorer setFeaturesCol(String v) { set(featuresCol, v); return this; }
    public LossScorer setLabelCol(String v) { set(labelCol, v); return this; }

    /** The options of the equivalent {@code coreset score} run (the input named by this stage's uid). */
    private ScoreJob.Options options() {
        if (!isDefined(checkpoints)) {
            throw new CoresetInputException(uid + ": set checkpoints to the --out of `coreset train`.");
        }
        return new ScoreJob.Options(uid + " input", getOrDefault(checkpoints), getOrDefault(epochs), List.of(),
                getOrDefault(embedding), (Integer) getOrDefault(dim), (Integer) getOrDefault(posteriorDraws),
                (Double) getOrDefault(posteriorSigma), (Long) getOrDefault(seed), (Integer) getOrDefault(batchSize),
                null, false);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        ScoreJob.Options o = options();
        List<ModelRef> refs;
        ScoreOptions scoreOptions;
        try {
            refs = ScoreJob.checkpoints(o, AtomicTableWriter.hadoopConf(dataset.sparkSession()));
            scoreOptions = ScoreJob.scoreOptions(o);
        } catch (CoresetInputException e) {
            throw ParamRules.inParamNames(e, this);
        }
        Dataset<Row> df = dataset.toDF();
        String features = getOrDefault(featuresCol);
        String label = getOrDefault(labelCol);
        if (df.schema().apply(features).dataType() instanceof ArrayType a && a.elementType() == DataTypes.FloatType) {
            return ScoreJob.scoreRows(df, label, features, true, refs, scoreOptions, o.batchSize());
        }
        // Other feature types are scored through an array<float> copy that is not kept.
        Dataset<Row> converted = df.withColumn(CONVERTED, new InputColumns(uid, df.schema()).floatArray(features));
        return ScoreJob.scoreRows(converted, label, CONVERTED, false, refs, scoreOptions, o.batchSize());
    }

    @Override
    public StructType transformSchema(StructType schema) {
        options();
        InputColumns in = new InputColumns(uid, schema);
        in.requireVector("featuresCol", getOrDefault(featuresCol), "set featuresCol to the features column.");
        in.requireLabel("labelCol", getOrDefault(labelCol), "set labelCol to the class label column.");
        StructType out = schema;
        for (StructField f : ScoreJob.scoreFields(ScoreOptions.defaults().withEmbedding(
                EmbeddingKind.parse(getOrDefault(embedding))))) {
            in.requireAbsent(f.name(), "drop or rename it before this stage.");
            out = out.add(f);
        }
        return out;
    }

    @Override
    public LossScorer copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    public static MLReader<LossScorer> read() {
        return new DefaultParamsReader<>();
    }

    public static LossScorer load(String path) {
        return read().load(path);
    }
}
