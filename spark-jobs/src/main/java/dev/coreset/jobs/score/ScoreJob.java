package dev.coreset.jobs.score;

import static org.apache.spark.sql.functions.col;

import dev.coreset.jobs.TaskFaults;
import dev.coreset.jobs.io.AtomicTableWriter;
import dev.coreset.jobs.io.HadoopConfCopy;
import dev.coreset.jobs.io.TableInputs;
import dev.coreset.jobs.io.Fingerprints;
import dev.coreset.jobs.io.Lineage;
import dev.coreset.jobs.io.StageRecord;
import dev.coreset.jobs.io.StageSpec;
import dev.coreset.jobs.progress.ProgressListener;
import dev.coreset.jobs.train.SamplesTableInfo;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.PublishedOutput;
import dev.coreset.schemas.SparkSchemas;
import dev.coreset.schemas.TableInfo;
import dev.coreset.schemas.Tables;
import dev.coreset.scoring.BatchScorer;
import dev.coreset.scoring.DeviceSelector;
import dev.coreset.scoring.EmbeddingKind;
import dev.coreset.scoring.Engines;
import dev.coreset.scoring.ModelCache;
import dev.coreset.scoring.ModelRef;
import dev.coreset.scoring.ScoreBatch;
import dev.coreset.scoring.ScoreOptions;
import dev.coreset.scoring.ScoringModel;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.RDD;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Scores every sample at every chosen checkpoint inside Spark executors (mapPartitions): each executor JVM
 * loads a checkpoint once ({@link ModelCache}) and each task has its own scorer, fed in batches; a task
 * uses the GPU Spark assigned to it when there is one.
 */
public final class ScoreJob {
    /**
     * Every parameter of a scoring run; {@code previous}: an earlier scores table whose rows are reused;
     * {@code inputShape}: the per-sample shape model files take, e.g. "1,28,28" (null: the feature count).
     */
    public record Options(String samples, String checkpoints, String epochs, List<String> splits, String embedding,
                          int dim, int posteriorDraws, double posteriorSigma, long seed, int batchSize, String out,
                          boolean overwrite, int partitions, String previous, String inputShape) implements Serializable {
        public Options(String samples, String checkpoints, String epochs, List<String> splits, String embedding,
                       int dim, int posteriorDraws, double posteriorSigma, long seed, int batchSize, String out,
                       boolean overwrite) {
            this(samples, checkpoints, epochs, splits, embedding, dim, posteriorDraws, posteriorSigma, seed, batchSize,
                    out, overwrite, 0, null, null);
        }
    }

    /**
     * {@code rows} written; {@code scoredRows} went through the model (the rest came from --previous); {@code times}:
     * the scoring tasks' time by part.
     */
    public record Summary(long rows, long scoredRows, int checkpoints, int embeddingDim, double seconds,
                          ScoreCounters.Times times) {
    }

    /** Parameter holding the SHA-256 of the checkpoint files used. */
    public static final String CHECKPOINTS_SHA256 = "checkpointsSha256";

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ScoreJob.class);
    /** What resume compares: the samples table, the run directory and every option but --overwrite. */
    public static final StageSpec STAGE = StageSpec.of("score", Options.class).inputs("samples", "checkpoints", "previous")
            .outputs("out");

    private final SparkSession spark;

    public ScoreJob(SparkSession spark) {
        this.spark = spark;
    }

    public Summary run(Options o) {
        long start = System.nanoTime();
        var conf = AtomicTableWriter.hadoopConf(spark);
        AtomicTableWriter writer = new AtomicTableWriter(spark);
        writer.checkTarget(o.out(), o.overwrite());
        StageRecord stage = STAGE.record(o, conf);
        SamplesTableInfo info = SamplesTableInfo.read(o.samples(), conf);
        List<ModelRef> refs = checkpoints(o, info.featureDim(), conf);
        if (info.tokens() != null) {
            // Text: the rows are token ids, which the model takes as int64.
            refs = refs.stream().map(r -> r.taking(ModelRef.InputType.INT64)).toList();
        }
        ScoreOptions scoreOptions = scoreOptions(o);
        if (o.partitions() < 0) {
            throw new CoresetInputException("--partitions " + o.partitions() + " is negative; pass a task count, or 0 to"
                    + " keep the table's partitioning.");
        }
        // Fail before any task: every checkpoint must load and take these features and these classes.
        List<ModelRef> local = refs.stream().map(r -> ModelLocalCopy.localize(r, conf)).toList();
        ModelProbe.check(local, scoreOptions, info, o.samples());
        Dataset<Row> samples = TableInputs.read(spark, o.samples(), Tables.SAMPLES, "--samples", "coreset ingest");
        if (!o.splits().isEmpty()) {
            samples = samples.filter(col(Tables.SPLIT).isin(o.splits().toArray()));
        }
        Map<String, Object> parameters = parameters(o, refs, local);
        Map<String, Object> inputs = new TreeMap<>();
        inputs.put("samples", Lineage.entry(o.samples(), Fingerprints.of(samples)));
        boolean withEmbedding = scoreOptions.embedding() != EmbeddingKind.NONE;
        StructType schema = SparkSchemas.structType(Tables.SCORES,
                withEmbedding ? List.of(Tables.EMBEDDING) : List.of());
        Dataset<Row> reused = null;
        if (o.previous() != null && PreviousScores.firstInPlaceRun(o.previous(), o.out(), conf)) {
            LOG.info("{} does not exist yet: scoring every sample (first run of an in-place schedule)", o.previous());
        } else if (o.previous() != null) {
            PreviousScores previous = PreviousScores.open(spark, o.previous(), parameters, conf);
            inputs.put("previous", Map.of("path", o.previous(), "createdAt", String.valueOf(previous.info.createdAt)));
            reused = previous.reusable(samples, schema.fieldNames());
            samples = previous.unscored(samples);
        }
        parameters.put(Lineage.INPUTS, inputs);
        if (o.partitions() > 0) {
            // Spread the rows over this many tasks (executors, GPUs), hashed by id; sorted so batches are reproducible.
            samples = samples.repartition(o.partitions(), col(Tables.SAMPLE_ID)).sortWithinPartitions(Tables.SAMPLE_ID);
        }
        ScoreCounters counters = ScoreCounters.register(spark.sparkContext());
        TaskFaults faults = TaskFaults.at(spark, TaskFaults.SCORE);
        ProgressListener.stage(spark, "score: " + refs.size() + " checkpoints");
        // Features as stored, or encoded images decoded in the tasks as the table's side file says.
        RowFeatures feed = info.image() != null ? RowFeatures.images(info.image())
                : info.tokens() != null ? RowFeatures.tokens(info.tokens().padId()) : RowFeatures.floats();
        Dataset<Row> scores = scoreRows(samples.select(Tables.SAMPLE_ID, Tables.LABEL, Tables.SPLIT, info.inputColumn()),
                Tables.LABEL, info.inputColumn(), false, refs, scoreOptions, o.batchSize(), counters, faults, feed);
        if (reused != null) {
            scores = scores.unionByName(reused);
        }

        TableInfo tableInfo = TableInfo.of(Tables.SCORES);
        tableInfo.parameters = parameters;
        tableInfo.createdAt = Instant.now().toString();
        tableInfo.summary.put("checkpoints", refs.stream().map(ScoreJob::epochOf).toList());
        try (ReaderBatch batch = ReaderBatch.narrow(spark, info.featureDim())) {
            writer.write(scores, o.out(), o.overwrite(), Map.of(TableInfo.FILE_NAME, tableInfo, StageRecord.FILE_NAME, stage));
        }
        Dataset<Row> written = spark.read().parquet(PublishedOutput.resolve(o.out(), conf));
        long rows = written.count();
        int dim = withEmbedding ? written.select(org.apache.spark.sql.functions.size(col(Tables.EMBEDDING))).first().getInt(0) : 0;
        return new Summary(rows, counters.rows().value(), refs.size(), dim, (System.nanoTime() - start) / 1e9,
                counters.times());
    }

    /** The checkpoints {@code o.epochs()} names in {@code o.checkpoints()}, a run directory of `coreset train`. */
    public static List<ModelRef> checkpoints(Options o, Configuration conf) {
        return checkpoints(o, null, conf);
    }

    /**
     * As above; {@code o.checkpoints()} may also be a model file (TorchScript .pt/.pth/.ts or ONNX .onnx), a folder
     * of them or a glob (see {@link ModelFiles}), taking float32 [N, input shape] ({@code o.inputShape()}, else
     * [featureDim]) and returning logits (and optionally the embedding). Input errors name the path and the fix.
     */
    public static List<ModelRef> checkpoints(Options o, Integer featureDim, Configuration conf) {
        List<Integer> shape = InputShape.of(o.inputShape(), featureDim, o.samples());
        return ModelFiles.resolve(o.checkpoints(), o.epochs(), shape, conf);
    }

    /** The checkpoint number a model's rows get: its epoch, the number in its file's name, or 0 for a lone file. */
    static int epochOf(ModelRef ref) {
        return ref.checkpoint();
    }

    /** What each batch computes: embedding, projection, posterior draws and batch size of {@code o}. */
    public static ScoreOptions scoreOptions(Options o) {
        if (o.batchSize() <= 0) {
            throw new CoresetInputException("--batch-size " + o.batchSize() + " must be positive; pass e.g. 128.");
        }
        if (o.dim() < 0) {
            throw new CoresetInputException("--dim " + o.dim() + " is negative; pass 0 (off) or a positive projection size.");
        }
        ScoreOptions s = ScoreOptions.defaults().withEmbedding(EmbeddingKind.parse(o.embedding()))
                .withMaxBatchRows(o.batchSize());
        if (o.dim() > 0) {
            s = s.withProjection(o.dim(), o.seed());
        }
        if (o.posteriorSigma() < 0 || o.posteriorDraws() < 1) {
            throw new CoresetInputException("--posterior-sigma must be >= 0 and --posterior-draws >= 1; got "
                    + o.posteriorSigma() + " and " + o.posteriorDraws() + ".");
        }
        if (o.posteriorSigma() > 0) {
            s = s.withPosterior(o.posteriorDraws(), o.posteriorSigma(), o.seed());
        }
        return s;
    }

    private static Map<String, Object> parameters(Options o, List<ModelRef> refs, List<ModelRef> local) {
        Map<String, Object> p = new TreeMap<>();
        p.put("samples", o.samples());
        p.put("checkpoints", o.checkpoints());
        p.put("epochs", refs.stream().map(ScoreJob::epochOf).toList());
        p.put("splits", o.splits());
        p.put("embedding", o.embedding());
        p.put("dim", o.dim());
        p.put("posteriorDraws", o.posteriorDraws());
        p.put("posteriorSigma", o.posteriorSigma());
        p.put("seed", o.seed());
        if (o.inputShape() != null) {
            p.put("inputShape", refs.get(0).inputShape());
        }
        p.put(CHECKPOINTS_SHA256, CheckpointFingerprint.of(local));
        return p;
    }

    /** The columns the scoring pass appends to each input row, in the scores table's order. */
    private static final List<String> SCORE_COLUMNS = List.of(Tables.CHECKPOINT, Tables.LOSS, Tables.CORRECT,
            Tables.MARGIN, Tables.EL2N, Tables.EMBEDDING, Tables.DRAWS);

    /** The fields {@link #scoreRows} appends: checkpoint, loss, correct, margin, el2n, [embedding], draws. */
    public static List<StructField> scoreFields(ScoreOptions options) {
        StructType scores = SparkSchemas.structType(Tables.SCORES,
                options.embedding() != EmbeddingKind.NONE ? List.of(Tables.EMBEDDING) : List.of());
        return Arrays.stream(scores.fields()).filter(f -> SCORE_COLUMNS.contains(f.name())).toList();
    }

    /**
     * The executor-side scorer of {@code coreset score} and {@link dev.coreset.jobs.ml.LossScorer}: every input row
     * once per checkpoint, with the input's columns ({@code featuresCol}, array&lt;float&gt;, only when
     * {@code keepFeatures}) followed by checkpoint, loss, correct, margin, el2n, [embedding], draws.
     */
    public static Dataset<Row> scoreRows(Dataset<Row> input, String labelCol, String featuresCol, boolean keepFeatures,
                                         List<ModelRef> refs, ScoreOptions options, int batch) {
        return scoreRows(input, labelCol, featuresCol, keepFeatures, refs, options, batch, null,
                TaskFaults.at(input.sparkSession(), TaskFaults.SCORE));
    }

    /**
     * As above, counting the rows that went through the model (times checkpoints) and the tasks' time in
     * {@code counters} (may be null); {@code faults} is the test-only failure hook.
     */
    public static Dataset<Row> scoreRows(Dataset<Row> input, String labelCol, String featuresCol, boolean keepFeatures,
                                         List<ModelRef> refs, ScoreOptions options, int batch,
                                         ScoreCounters counters, TaskFaults faults) {
        return scoreRows(input, labelCol, featuresCol, keepFeatures, refs, options, batch, counters, faults,
                RowFeatures.floats());
    }

    /** As above, with {@code featuresCol} turned into floats by {@code feed} (float arrays, or encoded images). */
    public static Dataset<Row> scoreRows(Dataset<Row> input, String labelCol, String featuresCol, boolean keepFeatures,
                                         List<ModelRef> refs, ScoreOptions options, int batch,
                                         ScoreCounters counters, TaskFaults faults, RowFeatures feed) {
        StructType in = input.schema();
        StructType out = new StructType();
        List<Column> columns = new ArrayList<>();
        List<DataType> carriedTypes = new ArrayList<>();
        for (StructField f : in.fields()) {
            if (keepFeatures || !f.name().equals(featuresCol)) {
                out = out.add(f);
                columns.add(col(f.name()));
                carriedTypes.add(f.dataType());
            }
        }
        for (StructField f : scoreFields(options)) {
            out = out.add(f);
        }
        // Catalyst's own rows in and out: the features are copied out of Spark's array bytes in one go and the
        // results go to the writer as they are; a Row or bean per sample boxed every float (docs/BENCHMARKS.md).
        columns.add(col(labelCol).cast("int"));
        columns.add(col(featuresCol));
        RDD<InternalRow> rows = input.select(columns.toArray(Column[]::new)).queryExecution().toRdd();
        DataType[] types = carriedTypes.toArray(DataType[]::new);
        // Models on HDFS or an object store: each executor copies them once, with the driver's Hadoop settings.
        HadoopConfCopy conf = refs.stream().allMatch(ModelRef::isLocal) ? null
                : new HadoopConfCopy(input.sparkSession().sparkContext().hadoopConfiguration());
        JavaRDD<InternalRow> scored = rows.toJavaRDD().mapPartitions((Iterator<InternalRow> it) ->
                new PartitionScorer(refs, conf, options, batch, types, it, counters, faults, feed));
        return ((org.apache.spark.sql.classic.SparkSession) input.sparkSession())
                .internalCreateDataFrame(scored.rdd(), out, false);
    }

    /**
     * Row features into {@code flat} at {@code offset}: Spark's own array bytes are copied in one call, with no
     * float[] per row (the scan's rows hold UnsafeArrayData); other arrays through toFloatArray. The scoring tasks'
     * copy, and the read-only job's of {@code bench score}.
     */
    public static void copyFeatures(ArrayData f, float[] flat, int offset) {
        int n = f.numElements();
        if (f instanceof UnsafeArrayData u) {
            Platform.copyMemory(u.getBaseObject(), u.getBaseOffset() + UnsafeArrayData.calculateHeaderPortionInBytes(n),
                    flat, Platform.FLOAT_ARRAY_OFFSET + 4L * offset, 4L * n);
        } else {
            System.arraycopy(f.toFloatArray(), 0, flat, offset, n);
        }
    }

    /**
     * Task-local property that sets PyTorch's intra-op threads of a scoring task: unset = the task's cores
     * (spark.task.cpus, 1 by default), 0 = PyTorch's default (every core of the machine, in every task).
     */
    public static final String INTRA_OP_THREADS = "coreset.score.intraOpThreads";

    /**
     * PyTorch's intra-op threads for this task. The CPU build's intra-op pool is OpenMP, whose thread count is a
     * setting of the calling thread: set on the task thread (and restored when the task ends), it gives each
     * concurrent task its own cores instead of every task spreading over all of them (docs/BENCHMARKS.md: scoring).
     * With 0 the task leaves the count as it is.
     */
    static int intraOpThreads(TaskContext ctx) {
        String v = ctx.getLocalProperty(INTRA_OP_THREADS);
        return v == null ? Math.max(1, ctx.cpus()) : Integer.parseInt(v);
    }

    /** The GPU addresses Spark assigned to the running task (empty on CPU executors and in local mode). */
    static List<String> assignedGpus() {
        TaskContext ctx = TaskContext.get();
        if (ctx == null) {
            return List.of();
        }
        scala.Option<ResourceInformation> gpu = ctx.resources().get("gpu");
        return gpu.isDefined() ? Arrays.asList(gpu.get().addresses()) : List.of();
    }

    /**
     * Scores one partition batch by batch: rows of every checkpoint for each batch, then the next batch. Input rows
     * are the carried columns (of {@code types}), then the int label and the input column that {@code feed} turns
     * into floats (float-array features, or encoded images).
     */
    static final class PartitionScorer implements Iterator<InternalRow> {
        private final Iterator<InternalRow> input;
        private final int batch;
        private final DataType[] types;
        private final List<BatchScorer> scorers = new ArrayList<>();
        private final List<Integer> epochs = new ArrayList<>();
        private final List<InternalRow> pending = new ArrayList<>();
        private float[] features;
        private final ScoreCounters counters;
        private int pendingIndex;
        private long taskStart;
        private boolean done;

        private final TaskFaults faults;
        private final RowFeatures feed;

        PartitionScorer(List<ModelRef> refs, HadoopConfCopy conf, ScoreOptions options, int batch, DataType[] types,
                        Iterator<InternalRow> input, ScoreCounters counters, TaskFaults faults, RowFeatures feed) {
            this.feed = feed;
            this.input = input;
            this.batch = batch;
            this.types = types;
            this.counters = counters;
            this.faults = faults;
            List<String> gpus = assignedGpus();
            for (ModelRef ref : refs) {
                ai.djl.Device device = DeviceSelector.forModel(ref.kind(), gpus);
                ModelRef local = conf == null ? ref : ModelLocalCopy.localize(ref, conf.get());
                scorers.add(new BatchScorer(ModelCache.get(local, device), options));
                epochs.add(epochOf(ref));
            }
            TaskContext ctx = TaskContext.get();
            if (ctx != null) {
                Engines.setIntraOpThreads(intraOpThreads(ctx));
                ctx.addTaskCompletionListener((TaskContext c) -> {
                    scorers.forEach(BatchScorer::close);
                    // Back to the JVM's default, so no later thread (the driver's, in local mode) inherits the task's.
                    Engines.setIntraOpThreads(Engines.defaultIntraOpThreads());
                });
            }
        }

        @Override
        public boolean hasNext() {
            if (pendingIndex < pending.size()) {
                return true;
            }
            if (done) {
                return false;
            }
            long readStart = System.nanoTime();
            if (taskStart == 0) {
                taskStart = readStart;
            }
            pending.clear();
            pendingIndex = 0;
            if (!input.hasNext()) {
                faults.maybeInject(); // test-only: after every row of the partition went out
                done = true;
                if (counters != null) {
                    counters.taskNanos().add(System.nanoTime() - taskStart);
                }
                return false;
            }
            int carried = types.length;
            List<Object[]> kept = new ArrayList<>(batch);
            int width = scorers.get(0).model().inputLength();
            if (features == null) {
                features = new float[Math.multiplyExact(batch, width)]; // reused: the engine copies each batch in
            }
            int[] labels = new int[batch];
            while (input.hasNext() && kept.size() < batch) {
                InternalRow row = input.next();
                if (row.isNullAt(carried) || row.isNullAt(carried + 1)) {
                    throw new CoresetInputException("a row has a null features or label value; drop such rows before scoring.");
                }
                int label = row.getInt(carried);
                checkLabel(label);
                feed.copy(row, carried + 1, features, kept.size() * width, width);
                labels[kept.size()] = label;
                // The input row's buffer is reused for the next row: keep copies of the carried values.
                Object[] values = new Object[carried];
                for (int j = 0; j < carried; j++) {
                    values[j] = InternalRow.copyValue(row.get(j, types[j]));
                }
                kept.add(values);
            }
            if (kept.size() < batch) {
                labels = java.util.Arrays.copyOf(labels, kept.size());
            }
            float[] x = kept.size() == batch ? features : java.util.Arrays.copyOf(features, kept.size() * width);
            long modelStart = System.nanoTime();
            for (int c = 0; c < scorers.size(); c++) {
                ScoreBatch s = scorers.get(c).score(x, labels);
                for (int i = 0; i < kept.size(); i++) {
                    Object[] in = kept.get(i);
                    Object[] values = new Object[carried + (s.embeddingDim() > 0 ? 7 : 6)];
                    System.arraycopy(in, 0, values, 0, carried);
                    int k = carried;
                    values[k++] = epochs.get(c);
                    values[k++] = s.loss()[i];
                    values[k++] = s.correct()[i];
                    values[k++] = s.margin()[i];
                    values[k++] = s.el2n()[i];
                    if (s.embeddingDim() > 0) {
                        // Row i's floats straight out of the batch's array: one copy.
                        values[k++] = UnsafeArrayData.fromPrimitiveArray(s.embedding(),
                                Platform.FLOAT_ARRAY_OFFSET + 4 * i * s.embeddingDim(), s.embeddingDim(), 4);
                    }
                    values[k] = s.draws();
                    pending.add(new GenericInternalRow(values));
                }
            }
            if (counters != null) {
                counters.rows().add((long) kept.size() * scorers.size());
                counters.readNanos().add(modelStart - readStart);
                counters.modelNanos().add(System.nanoTime() - modelStart);
            }
            return true;
        }

        /**
         * The job checks the table's side file before any task; labels of other DataFrames are checked here (their
         * lengths by {@link RowFeatures}).
         */
        private void checkLabel(int label) {
            ScoringModel model = scorers.get(0).model();
            // 0 = a TorchScript/ONNX model before its first batch on this JVM: BatchScorer checks labels against its
            // logits then.
            if (label < 0 || (model.numClasses() > 0 && label >= model.numClasses())) {
                throw new CoresetInputException("label " + label + " is outside 0.." + (model.numClasses() - 1)
                        + " of the model; score with a model trained on these classes.");
            }
        }

        @Override
        public InternalRow next() {
            if (!hasNext()) {
                throw new java.util.NoSuchElementException();
            }
            return pending.get(pendingIndex++);
        }
    }
}
