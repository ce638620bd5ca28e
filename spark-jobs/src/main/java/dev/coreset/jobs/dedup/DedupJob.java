package dev.coreset.jobs.dedup;

import static org.apache.spark.sql.functions.*;

import dev.coreset.jobs.ingest.SplitAndNoise;
import dev.coreset.jobs.io.AtomicTableWriter;
import dev.coreset.jobs.io.StageRecord;
import dev.coreset.jobs.io.StageSpec;
import dev.coreset.jobs.io.TableInputs;
import dev.coreset.jobs.progress.ProgressListener;
import dev.coreset.jobs.select.EmbeddingsTable;
import dev.coreset.jobs.select.ScoresRowChecks;
import dev.coreset.jobs.select.SelectJob;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.SparkSchemas;
import dev.coreset.schemas.TableInfo;
import dev.coreset.schemas.Tables;
import dev.coreset.selection.dedup.Edges;
import dev.coreset.selection.dedup.GreedyKeep;
import dev.coreset.selection.dedup.NearDuplicates;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * {@code coreset dedup}: exact and near duplicates of the train rows' embeddings (SemDeDup, Abbas et al. 2023), as a
 * flags table for select / cld --exclude. Exact copies first ({@link ExactPass}); then per scope group (a class, or
 * everything) k-means on the normalized embeddings ({@link Clusters}), each cluster ranked in keep order, cut into
 * chunks of --partition-size ranks and scanned one chunk pair per task ({@link ChunkPlan}, {@link PairTasks}); the
 * pairs at or above 1 - epsilon go, one task per cluster, to selection's {@link GreedyKeep}. Pairs across clusters
 * are not compared (SemDeDup's approximation); pairs across the chunks of one cluster all are.
 */
public final class DedupJob {
    private static final Logger LOG = LoggerFactory.getLogger(DedupJob.class);
    static final double DEFAULT_EPSILON = 0.01;
    private static final int HISTOGRAM_BINS = 10;
    private static final long BROADCAST_IDS = 4_000_000;

    /**
     * @param epsilon        null with a target fraction (or for the default)
     * @param targetFraction share of the rows to flag (exact and near together); epsilon is then derived
     * @param clusters       k-means clusters per scope group, or null for one per --partition-size points
     * @param samples        the samples table, read only for an exact pass on its features or image bytes
     * @param exactOn        embedding, features or image; null: the samples' content with --samples, else embedding
     */
    public record Options(String scores, String embeddings, EmbeddingsTable.Columns columns, String checkpoint,
                          Double epsilon, Double targetFraction, String keep, String scope, Integer clusters,
                          int partitionSize, long seed, String out, boolean overwrite, String samples,
                          String exactOn) {
        public Options {
            columns = columns == null ? EmbeddingsTable.Columns.DEFAULTS : columns;
            keep = keep == null ? "easy" : keep;
            scope = scope == null ? "class" : scope;
        }

        String input() {
            return embeddings != null ? embeddings : scores;
        }
    }

    public static final StageSpec STAGE = StageSpec.of("dedup", Options.class).inputs("scores", "embeddings", "samples")
            .outputs("out").spread("columns");

    /**
     * What a run found; {@code histogram}: near duplicates per similarity bin over [1 - epsilon, 1];
     * {@code exactOn}: what the exact pass compared (embedding, features or image).
     */
    public record Summary(long rows, long exact, long near, double epsilon, Map<Integer, long[]> perClass,
                          long[] histogram, int clusters, long largestCluster, int tasks, double seconds,
                          String exactOn) {
        public double fraction() {
            return (double) (exact + near) / Math.max(1, rows);
        }
    }

    private final SparkSession spark;

    public DedupJob(SparkSession spark) {
        this.spark = spark;
    }

    /** Refuses option values before any table is read. */
    public static void checkOptions(Options o) {
        if ((o.scores() == null) == (o.embeddings() == null)) {
            throw new CoresetInputException("pass exactly one of --scores (a scores table with embeddings) and"
                    + " --embeddings (your own vectors).");
        }
        if (o.epsilon() != null && o.targetFraction() != null) {
            throw new CoresetInputException("--epsilon and --target-fraction both set the threshold; pass one of them.");
        }
        if (o.epsilon() != null && !(o.epsilon() > 0 && o.epsilon() < 1)) {
            throw new CoresetInputException("--epsilon " + o.epsilon() + " is outside (0, 1); pairs with cosine"
                    + " similarity >= 1 - epsilon are duplicates: pass e.g. 0.01.");
        }
        if (o.targetFraction() != null && !(o.targetFraction() > 0 && o.targetFraction() < 1)) {
            throw new CoresetInputException("--target-fraction " + o.targetFraction() + " is outside (0, 1); it is"
                    + " the share of rows to flag: pass e.g. 0.1.");
        }
        if (o.partitionSize() < 2) {
            throw new CoresetInputException("--partition-size " + o.partitionSize() + " is too small; pass 2 or more"
                    + " (points per chunk of a cluster, e.g. 20000).");
        }
        if (o.clusters() != null && o.clusters() < 1) {
            throw new CoresetInputException("--clusters " + o.clusters() + " must be 1 or more.");
        }
        if (!o.scope().equals("class") && !o.scope().equals("global")) {
            throw new CoresetInputException("--scope " + o.scope() + " is not class or global.");
        }
        KeepPolicy.parse(o.keep());
        ExactContent.checkOption(o.exactOn(), o.samples());
    }

    public Summary run(Options o) {
        long start = System.nanoTime();
        checkOptions(o);
        KeepPolicy keep = KeepPolicy.parse(o.keep());
        AtomicTableWriter writer = new AtomicTableWriter(spark);
        writer.checkTarget(o.out(), o.overwrite());
        StageRecord stage = STAGE.record(o, AtomicTableWriter.hadoopConf(spark));
        // On local disk, not in the heap: at 10M x 64 with a 4 GB heap the in-memory columnar cache of these rows
        // filled the heap and a task died of OutOfMemoryError; at 1M the disk costs no time (page cache) and a
        // quarter of the peak heap (docs/BENCHMARKS.md).
        Dataset<Row> rows = read(o, keep).persist(StorageLevel.DISK_ONLY());
        List<Dataset<?>> cached = new ArrayList<>(List.of(rows));
        List<JavaRDD<?>> cachedRdds = new ArrayList<>();
        try {
            ScoresRowChecks.checkEmbeddings(rows, o.input(), o.embeddings() == null ? null : o.columns());
            long n = rows.count();
            int d = rows.select(size(col(Tables.EMBEDDING))).first().getInt(0);

            ProgressListener.stage(spark, "dedup: exact");
            Dataset<Row> points = points(rows, o, keep);
            String exactOn = ExactContent.resolve(spark, o.exactOn(), o.samples());
            Dataset<Row> exactInput = exactOn.equals(ExactContent.EMBEDDING)
                    ? points.withColumn(ExactPass.CONTENT, col("embedding"))
                    : ExactContent.join(spark, points, o.samples(), exactOn, o.input());
            JavaRDD<Row> exact = ExactPass.flags(exactInput).persist(StorageLevel.MEMORY_AND_DISK());
            cachedRdds.add(exact);
            StructType schema = SparkSchemas.structType(Tables.DUPLICATE_FLAGS);
            Dataset<Row> exactFlags = spark.createDataFrame(exact, schema);
            long exactCount = exactFlags.count();
            Dataset<Row> exactIds = exactFlags.select(col(Tables.SAMPLE_ID).as("id"));
            // Up to a few million exact copies, their ids (8 bytes each) are broadcast: the points stay where they are.
            Dataset<Row> remaining = points.join(exactCount <= BROADCAST_IDS ? broadcast(exactIds) : exactIds, "id",
                    "left_anti");

            ProgressListener.stage(spark, "dedup: k-means");
            Map<Integer, Long> groupSizes = counts(remaining.groupBy("group").count());
            Map<Integer, Integer> k = Clusters.counts(groupSizes, o.clusters(), o.partitionSize());
            Map<Integer, Double> rate = Clusters.sampleRates(groupSizes, k, o.partitionSize());
            Column rateCol = lit(0.0);
            for (var e : rate.entrySet()) {
                rateCol = when(col("group").equalTo(e.getKey()), lit(e.getValue())).otherwise(rateCol);
            }
            JavaRDD<DedupPoint> sample = normalized(remaining.withColumn(Tables.SAMPLE_ID, col("id"))
                    .filter(SplitAndNoise.uniform(o.seed(), 13).lt(rateCol)).drop(Tables.SAMPLE_ID));
            Map<Integer, Clusters.Centres> centres = Clusters.fit(sample, k, d, o.seed());
            Broadcast<Map<Integer, Clusters.Centres>> centresB = JavaSparkContext.fromSparkContext(spark.sparkContext())
                    .broadcast(centres);
            JavaRDD<DedupPoint> assigned = Clusters.assign(normalized(remaining), centresB, keep);

            ProgressListener.stage(spark, "dedup: ranks");
            Dataset<Row> ranked = spark.createDataFrame(assigned, DedupPoint.class)
                    .withColumn("rank", row_number().over(Window.partitionBy("cluster").orderBy("key", "id")).minus(1))
                    .persist(StorageLevel.DISK_ONLY()); // as the rows: every vector again
            cached.add(ranked);
            Map<Integer, Long> clusterSizes = counts(ranked.groupBy("cluster").count());
            ChunkPlan plan = new ChunkPlan(clusterSizes, o.partitionSize());
            Broadcast<ChunkPlan> planB = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(plan);
            JavaRDD<DedupPoint> rankedPoints = ranked.as(Encoders.bean(DedupPoint.class)).javaRDD();
            long largest = clusterSizes.values().stream().mapToLong(Long::longValue).max().orElse(0);
            LOG.info("dedup: {} rows, {} exact copies, {} clusters (largest {}), {} pair tasks of at most {} points"
                    + " (largest {} pairs)", n, exactCount, clusterSizes.size(), largest, plan.taskCount(),
                    2 * o.partitionSize(), plan.largestTaskPairs());

            ShareCutoff.Cut cut = ShareCutoff.Cut.atLeast(NearDuplicates.threshold(
                    o.epsilon() != null ? o.epsilon() : DEFAULT_EPSILON));
            if (o.targetFraction() != null) {
                ProgressListener.stage(spark, "dedup: epsilon for the target fraction");
                cut = cutFor(rankedPoints, planB, o, n, exactCount);
            }
            // The cut similarity can be 1 (identical directions): epsilon 0, ties limited by the cut's hash.
            double epsilon = cut == ShareCutoff.Cut.NONE ? 0 : Math.max(0, 1 - (double) cut.similarity());
            float threshold = cut == ShareCutoff.Cut.NONE ? 1f : cut.similarity();
            ProgressListener.stage(spark, "dedup: near pairs");
            ShareCutoff.Cut admit = cut;
            long seed = o.seed();
            JavaRDD<Row> near = (cut == ShareCutoff.Cut.NONE ? JavaSparkContext.fromSparkContext(spark.sparkContext())
                    .<Row>emptyRDD() : resolve(PairTasks.pairs(rankedPoints, planB, threshold)
                    .filter(p -> admit.admits(p.laterId(), p.similarity(), seed))))
                    .persist(StorageLevel.MEMORY_AND_DISK());
            cachedRdds.add(near);
            // Computed here, under its own stage name (--verbose, progress), not lazily inside the write.
            near.count();
            Dataset<Row> flags = exactFlags.union(spark.createDataFrame(near, schema));

            ProgressListener.stage(spark, "dedup: write flags");
            Map<Integer, long[]> perClass = perClass(rows, flags);
            long nearCount = perClass.values().stream().mapToLong(v -> v[2]).sum();
            long[] histogram = histogram(flags, threshold);
            logHistogram(histogram, threshold, nearCount);
            TableInfo info = TableInfo.of(Tables.DUPLICATE_FLAGS);
            info.rows = exactCount + nearCount;
            info.parameters.put("input", o.input());
            info.parameters.put("epsilon", epsilon);
            if (o.targetFraction() != null) {
                info.parameters.put("targetFraction", o.targetFraction());
            }
            info.parameters.put("exactOn", exactOn);
            if (o.samples() != null) {
                info.parameters.put("samples", o.samples());
            }
            info.parameters.put("keep", keep.toString());
            info.parameters.put("scope", o.scope());
            info.parameters.put("partitionSize", o.partitionSize());
            info.parameters.put("seed", o.seed());
            info.parameters.put("rule", "exact: equal embedding bits in a scope group; near: cosine >= 1 - epsilon to an"
                    + " already kept item of the same k-means cluster, items visited in keep order");
            info.summary.put("rows", n);
            info.summary.put("exact", exactCount);
            info.summary.put("near", nearCount);
            info.summary.put("fraction", (double) (exactCount + nearCount) / Math.max(1, n));
            info.summary.put("clusters", clusterSizes.size());
            info.summary.put("largestCluster", largest);
            info.summary.put("histogram", Arrays.stream(histogram).boxed().toList());
            List<Map<String, Object>> classes = new ArrayList<>();
            perClass.forEach((label, v) -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("label", label);
                m.put("rows", v[0]);
                m.put("exact", v[1]);
                m.put("near", v[2]);
                classes.add(m);
            });
            info.summary.put("classes", classes);
            info.createdAt = Instant.now().toString();
            writer.write(flags.orderBy(Tables.SAMPLE_ID).coalesce(1), o.out(), o.overwrite(),
                    Map.of(TableInfo.FILE_NAME, info, StageRecord.FILE_NAME, stage));
            return new Summary(n, exactCount, nearCount, epsilon, perClass, histogram, clusterSizes.size(), largest,
                    plan.taskCount(), (System.nanoTime() - start) / 1e9, exactOn);
        } finally {
            cached.forEach(Dataset::unpersist);
            cachedRdds.forEach(JavaRDD::unpersist);
        }
    }

    /** The train rows at the chosen checkpoint: sample_id, label, embedding and, for --keep score:C, that column. */
    private Dataset<Row> read(Options o, KeepPolicy keep) {
        String scoreColumn = keep.kind() == KeepPolicy.Kind.SCORE ? keep.column() : null;
        Dataset<Row> input;
        if (o.embeddings() != null) {
            input = scoreColumn == null ? EmbeddingsTable.read(spark, o.embeddings(), o.columns())
                    : EmbeddingsTable.read(spark, o.embeddings(), o.columns(), scoreColumn);
        } else {
            input = TableInputs.read(spark, o.scores(), Tables.SCORES, "--scores", "coreset score");
            if (!Arrays.asList(input.columns()).contains(Tables.EMBEDDING)) {
                throw new CoresetInputException(o.scores() + ": no 'embedding' column, which dedup compares; score with"
                        + " --embedding (e.g. penultimate or logits-grad), or pass your own vectors with --embeddings.");
            }
            if (scoreColumn != null && !Arrays.asList(input.columns()).contains(scoreColumn)) {
                throw new CoresetInputException(o.scores() + ": no column '" + scoreColumn + "' for --keep score:"
                        + scoreColumn + " (columns: " + String.join(", ", input.columns()) + "); name one of them.");
            }
        }
        if (scoreColumn != null) {
            DataType t = input.schema().apply(scoreColumn).dataType();
            if (!(t instanceof NumericType)) {
                throw new CoresetInputException(o.input() + ": column '" + scoreColumn + "' (--keep score:" + scoreColumn
                        + ") is " + t.simpleString() + "; name a numeric column.");
            }
        }
        Dataset<Row> train = input.filter(col(Tables.SPLIT).equalTo(Tables.SPLIT_TRAIN));
        int checkpoint = SelectJob.resolveCheckpoint(train, o.checkpoint(), o.input(), o.input()
                + (o.embeddings() != null ? ": no rows; write at least one row." : ": no train rows; score the train split."));
        List<Column> cols = new ArrayList<>(List.of(col(Tables.SAMPLE_ID), col(Tables.LABEL), col(Tables.EMBEDDING)));
        if (scoreColumn != null) {
            cols.add(col(scoreColumn).cast("double").as("_score"));
        }
        return train.filter(col(Tables.CHECKPOINT).equalTo(checkpoint)).select(cols.toArray(Column[]::new));
    }

    /** Rows as {@link DedupPoint} columns with the keep key known before clustering (random, score). */
    private static Dataset<Row> points(Dataset<Row> rows, Options o, KeepPolicy keep) {
        Column key = switch (keep.kind()) {
            case RANDOM -> SplitAndNoise.uniform(o.seed(), 29);
            // Highest score first; a null or NaN score last.
            case SCORE -> when(col("_score").isNull().or(isnan(col("_score"))), lit(Double.POSITIVE_INFINITY))
                    .otherwise(col("_score").multiply(-1.0));
            default -> lit(0.0);
        };
        return rows.select(col(Tables.SAMPLE_ID).as("id"), col(Tables.LABEL).as("label"),
                (o.scope().equals("class") ? col(Tables.LABEL) : lit(0)).as("group"), key.cast("double").as("key"),
                lit(0).as("cluster"), lit(0).as("rank"), col(Tables.EMBEDDING).as("embedding"));
    }

    /** Unit-length embeddings (cosine similarity = dot product; k-means on directions); zero vectors stay zero. */
    private static JavaRDD<DedupPoint> normalized(Dataset<Row> points) {
        return points.as(Encoders.bean(DedupPoint.class)).javaRDD().map(p -> {
            float[] v = p.getEmbedding();
            double s = 0;
            for (float x : v) {
                s += (double) x * x;
            }
            if (s > 0) {
                double inv = 1 / Math.sqrt(s);
                for (int t = 0; t < v.length; t++) {
                    v[t] = (float) (v[t] * inv);
                }
            }
            return p;
        });
    }

    /**
     * The cut at which SemDeDup's any-earlier rule flags the target share (exact copies included): every item's
     * highest similarity to an earlier item reduced per item on the executors, the cut found by {@link ShareCutoff}
     * (no per-row collect). Exact copies always go; when they alone reach the share, no near duplicate does.
     */
    private static ShareCutoff.Cut cutFor(JavaRDD<DedupPoint> ranked, Broadcast<ChunkPlan> plan, Options o, long n,
                                          long exact) {
        long wanted = (long) Math.ceil(o.targetFraction() * n) - exact;
        if (wanted <= 0) {
            LOG.info("dedup: {} exact copies already reach the target fraction {}; no near duplicates flagged", exact,
                    o.targetFraction());
            return ShareCutoff.Cut.NONE;
        }
        JavaRDD<Tuple2<Long, Float>> perItem = PairTasks.maxEarlier(ranked, plan).mapToPair(t -> t)
                .reduceByKey(Math::max).map(t -> t);
        ShareCutoff.Cut cut = ShareCutoff.find(perItem, wanted, o.seed());
        if (cut == null || !(cut.similarity() > 0)) {
            throw new CoresetInputException(o.input() + ": no epsilon in (0, 1) flags " + o.targetFraction()
                    + " of the rows (too few similar pairs inside the clusters); pass a smaller --target-fraction or"
                    + " an --epsilon.");
        }
        LOG.info("dedup: cut at similarity {} for target fraction {} ({} near duplicates wanted by SemDeDup's"
                + " any-earlier rule; items tied at the cut go by a seeded hash of their id; the kept-only rule flags"
                + " at most that many)", cut.similarity(), o.targetFraction(), wanted);
        return cut;
    }

    /** One task per cluster: its pairs to {@link GreedyKeep}, whose duplicates become flag rows. */
    private static JavaRDD<Row> resolve(JavaRDD<PairTasks.Pair> pairs) {
        return pairs.groupBy(PairTasks.Pair::cluster).flatMap(c -> {
            List<PairTasks.Pair> list = new ArrayList<>();
            c._2().forEach(list::add);
            Edges edges = new Edges();
            int n = 0;
            Map<Integer, long[]> idLabel = new TreeMap<>();
            for (PairTasks.Pair p : list) {
                edges.add(p.laterRank(), p.earlierRank(), p.similarity());
                n = Math.max(n, p.laterRank() + 1);
                idLabel.put(p.laterRank(), new long[] {p.laterId(), p.laterLabel()});
                idLabel.computeIfAbsent(p.earlierRank(), r -> new long[] {p.earlierId(), -1});
            }
            GreedyKeep.Result r = GreedyKeep.resolve(n, edges);
            List<Row> out = new ArrayList<>();
            for (var e : idLabel.entrySet()) {
                int kept = r.duplicateOf()[e.getKey()];
                if (kept >= 0) {
                    out.add(RowFactory.create(e.getValue()[0], (int) e.getValue()[1], idLabel.get(kept)[0],
                            (double) r.similarity()[e.getKey()], c._1(), Tables.KIND_NEAR));
                }
            }
            return out.iterator();
        });
    }

    private static Map<Integer, Long> counts(Dataset<Row> grouped) {
        Map<Integer, Long> m = new TreeMap<>();
        for (Row r : grouped.collectAsList()) {
            m.put(r.getInt(0), r.getLong(1));
        }
        return m;
    }

    /** label -> {rows, exact, near}. */
    private static Map<Integer, long[]> perClass(Dataset<Row> rows, Dataset<Row> flags) {
        Map<Integer, long[]> m = new TreeMap<>();
        counts(rows.groupBy(Tables.LABEL).count()).forEach((label, c) -> m.put(label, new long[] {c, 0, 0}));
        for (Row r : flags.groupBy(Tables.LABEL, Tables.KIND).count().collectAsList()) {
            m.get(r.getInt(0))[r.getString(1).equals(Tables.KIND_EXACT) ? 1 : 2] = r.getLong(2);
        }
        return m;
    }

    private static long[] histogram(Dataset<Row> flags, float threshold) {
        long[] h = new long[HISTOGRAM_BINS];
        // A cut at similarity 1 (identical directions) leaves no range: one narrow bin width keeps them in bin 0.
        double width = Math.max(1 - (double) threshold, 1e-7) / HISTOGRAM_BINS;
        Column bin = least(lit(HISTOGRAM_BINS - 1), greatest(lit(0),
                floor(col(Tables.SIMILARITY).minus(threshold).divide(width)).cast("int")));
        for (Row r : flags.filter(col(Tables.KIND).equalTo(Tables.KIND_NEAR)).groupBy(bin.as("bin")).count()
                .collectAsList()) {
            h[r.getInt(0)] = r.getLong(1);
        }
        return h;
    }

    private static void logHistogram(long[] h, float threshold, long near) {
        long max = Arrays.stream(h).max().orElse(0);
        double width = Math.max(1 - (double) threshold, 1e-7) / h.length;
        StringBuilder sb = new StringBuilder("dedup: similarity of the " + near + " near duplicates to their kept item");
        for (int b = 0; b < h.length; b++) {
            int bar = max == 0 ? 0 : (int) Math.round(40.0 * h[b] / max);
            sb.append(String.format(Locale.ROOT, "%n  [%.5f, %.5f) %8d %s", threshold + b * width,
                    threshold + (b + 1) * width, h[b], "#".repeat(bar)));
        }
        LOG.info(sb.toString());
    }
}
