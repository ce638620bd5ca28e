package dev.coreset.jobs.score;

import static org.apache.spark.sql.functions.col;

import dev.coreset.jobs.TaskFaults;
import dev.coreset.jobs.io.AtomicTableWriter;
import dev.coreset.jobs.io.StageRecord;
import dev.coreset.jobs.io.StageSpec;
import dev.coreset.jobs.progress.ProgressListener;
import dev.coreset.jobs.train.SamplesTableInfo;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.SparkSchemas;
import dev.coreset.schemas.TableInfo;
import dev.coreset.schemas.Tables;
import dev.coreset.scoring.BatchScorer;
import dev.coreset.scoring.DeviceSelector;
import dev.coreset.scoring.EmbeddingKind;
import dev.coreset.scoring.ModelCache;
import dev.coreset.scoring.ModelRef;
import dev.coreset.scoring.ScoreBatch;
import dev.coreset.scoring.ScoreOptions;
import dev.coreset.scoring.ScoringModel;
import dev.coreset.scoring.model.Checkpoints;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Scores every sample at every chosen checkpoint inside Spark executors (mapPartitions): each executor JVM
 * loads a checkpoint once ({@link ModelCache}) and each task has its own scorer, fed in batches; a task
 * uses the GPU Spark assigned to it when there is one.
 */
public final class ScoreJob {
    /** Every parameter of a scoring run. */
    public record Options(String samples, String checkpoints, String epochs, List<String> splits, String embedding,
                          int dim, int posteriorDraws, double posteriorSigma, long seed, int batchSize, String out,
                          boolean overwrite) implements Serializable {
    }

    public record Summary(long rows, int checkpoints, int embeddingDim, double seconds) {
    }

    /** What resume compares: the samples table, the run directory and every option but --overwrite. */
    public static final StageSpec STAGE = StageSpec.of("score", Options.class).inputs("samples", "checkpoints")
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
        List<ModelRef> refs = checkpoints(o);
        ScoreOptions scoreOptions = scoreOptions(o);
        // Fail before any task: every checkpoint must load and take these features and these classes.
        for (ModelRef ref : refs) {
            try (ScoringModel probe = dev.coreset.scoring.ModelLoader.load(ref, ai.djl.Device.cpu())) {
                if (probe.inputLength() != info.featureDim()) {
                    throw new CoresetInputException(ref.path() + ": the model takes " + probe.inputLength()
                            + " features per sample but " + o.samples() + " has " + info.featureDim()
                            + "; score with a model trained on this table.");
                }
                if (probe.numClasses() < info.classes()) {
                    throw new CoresetInputException(ref.path() + ": the model has " + probe.numClasses()
                            + " classes but " + o.samples() + " has labels up to " + (info.classes() - 1)
                            + "; score with a model trained on this table.");
                }
            }
        }
        Dataset<Row> samples = spark.read().parquet(o.samples());
        SparkSchemas.check(Tables.SAMPLES, samples.schema(), o.samples());
        if (!o.splits().isEmpty()) {
            samples = samples.filter(col(Tables.SPLIT).isin(o.splits().toArray()));
        }
        boolean withEmbedding = scoreOptions.embedding() != EmbeddingKind.NONE;
        StructType schema = SparkSchemas.structType(Tables.SCORES,
                withEmbedding ? List.of(Tables.EMBEDDING) : List.of());
        int batch = o.batchSize();
        TaskFaults faults = TaskFaults.at(spark, TaskFaults.SCORE);
        ProgressListener.stage(spark, "score: " + refs.size() + " checkpoints");
        JavaRDD<Row> scored = samples.select(Tables.SAMPLE_ID, Tables.LABEL, Tables.SPLIT, Tables.FEATURES).javaRDD()
                .mapPartitions((Iterator<Row> rows) -> new PartitionScorer(refs, scoreOptions, batch, rows, faults));
        Dataset<Row> scores = spark.createDataFrame(scored, schema);

        TableInfo tableInfo = TableInfo.of(Tables.SCORES);
        tableInfo.parameters = parameters(o, refs);
        tableInfo.createdAt = Instant.now().toString();
        tableInfo.summary.put("checkpoints", refs.stream().map(r -> Checkpoints.epochOf(r.localPath())).toList());
        writer.write(scores, o.out(), o.overwrite(), Map.of(TableInfo.FILE_NAME, tableInfo, StageRecord.FILE_NAME, stage));
        Dataset<Row> written = spark.read().parquet(o.out());
        long rows = written.count();
        int dim = withEmbedding ? written.select(org.apache.spark.sql.functions.size(col(Tables.EMBEDDING))).first().getInt(0) : 0;
        return new Summary(rows, refs.size(), dim, (System.nanoTime() - start) / 1e9);
    }

    private static List<ModelRef> checkpoints(Options o) {
        Path dir = Path.of(o.checkpoints());
        if (!Files.isDirectory(dir)) {
            throw new CoresetInputException(dir + ": no such checkpoint directory; pass the --out of `coreset train`.");
        }
        List<Path> all = Checkpoints.list(dir);
        if (all.isEmpty()) {
            throw new CoresetInputException(dir + ": no epoch-NNN checkpoints inside; pass the --out of `coreset train`.");
        }
        List<Path> chosen = new ArrayList<>();
        if (o.epochs() == null || o.epochs().equals("all")) {
            chosen.addAll(all);
        } else {
            for (String e : o.epochs().split(",")) {
                int epoch;
                try {
                    epoch = Integer.parseInt(e.trim());
                } catch (NumberFormatException ex) {
                    throw new CoresetInputException("--epochs " + o.epochs() + ": '" + e + "' is not an epoch number; use all or e.g. 0,2,4.");
                }
                Path p = all.stream().filter(x -> Checkpoints.epochOf(x) == epoch).findFirst()
                        .orElseThrow(() -> new CoresetInputException(dir + ": no checkpoint for epoch " + epoch
                                + " (have " + all.stream().map(x -> String.valueOf(Checkpoints.epochOf(x))).toList() + ")."));
                chosen.add(p);
            }
        }
        return chosen.stream().map(ModelRef::checkpoint).toList();
    }

    private static ScoreOptions scoreOptions(Options o) {
        if (o.batchSize() <= 0) {
            throw new CoresetInputException("--batch-size " + o.batchSize() + " must be positive; pass e.g. 512.");
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

    private static Map<String, Object> parameters(Options o, List<ModelRef> refs) {
        Map<String, Object> p = new TreeMap<>();
        p.put("samples", o.samples());
        p.put("checkpoints", o.checkpoints());
        p.put("epochs", refs.stream().map(r -> Checkpoints.epochOf(r.localPath())).toList());
        p.put("splits", o.splits());
        p.put("embedding", o.embedding());
        p.put("dim", o.dim());
        p.put("posteriorDraws", o.posteriorDraws());
        p.put("posteriorSigma", o.posteriorSigma());
        p.put("seed", o.seed());
        return p;
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

    /** Scores one partition batch by batch: rows of every checkpoint for each batch, then the next batch. */
    static final class PartitionScorer implements Iterator<Row> {
        private final Iterator<Row> input;
        private final int batch;
        private final List<BatchScorer> scorers = new ArrayList<>();
        private final List<Integer> epochs = new ArrayList<>();
        private final List<Row> pending = new ArrayList<>();
        private int pendingIndex;

        private final TaskFaults faults;

        PartitionScorer(List<ModelRef> refs, ScoreOptions options, int batch, Iterator<Row> input, TaskFaults faults) {
            this.input = input;
            this.batch = batch;
            this.faults = faults;
            ai.djl.Device device = DeviceSelector.select(assignedGpus());
            for (ModelRef ref : refs) {
                scorers.add(new BatchScorer(ModelCache.get(ref, device), options));
                epochs.add(Checkpoints.epochOf(ref.localPath()));
            }
            TaskContext ctx = TaskContext.get();
            if (ctx != null) {
                ctx.addTaskCompletionListener((TaskContext c) -> scorers.forEach(BatchScorer::close));
            }
        }

        @Override
        public boolean hasNext() {
            if (pendingIndex < pending.size()) {
                return true;
            }
            pending.clear();
            pendingIndex = 0;
            if (!input.hasNext()) {
                faults.maybeFail(); // test-only: after every row of the partition went out
                return false;
            }
            List<Row> rows = new ArrayList<>(batch);
            while (input.hasNext() && rows.size() < batch) {
                rows.add(input.next());
            }
            float[][] features = new float[rows.size()][];
            int[] labels = new int[rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                List<Float> f = rows.get(i).getList(3);
                float[] v = new float[f.size()];
                for (int j = 0; j < v.length; j++) {
                    v[j] = f.get(j);
                }
                features[i] = v;
                labels[i] = rows.get(i).getInt(1);
            }
            for (int c = 0; c < scorers.size(); c++) {
                ScoreBatch s = scorers.get(c).score(features, labels);
                for (int i = 0; i < rows.size(); i++) {
                    Row in = rows.get(i);
                    Object[] values = {in.getLong(0), in.getInt(1), in.getString(2), epochs.get(c), s.loss()[i],
                            s.correct()[i], s.margin()[i], s.el2n()[i], s.draws()};
                    if (s.embeddingDim() > 0) {
                        Object[] withEmb = Arrays.copyOf(values, values.length + 1);
                        withEmb[8] = s.embeddingRow(i);
                        withEmb[9] = s.draws();
                        values = withEmb;
                    }
                    pending.add(RowFactory.create(values));
                }
            }
            return true;
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new java.util.NoSuchElementException();
            }
            return pending.get(pendingIndex++);
        }
    }
}
