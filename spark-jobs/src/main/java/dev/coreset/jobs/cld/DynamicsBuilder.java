package dev.coreset.jobs.cld;

import static org.apache.spark.sql.functions.*;

import dev.coreset.jobs.ExactMean;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.SparkSchemas;
import dev.coreset.schemas.Tables;
import dev.coreset.selection.cld.Cld;
import dev.coreset.selection.cld.TrainingDynamics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * The per-sample training dynamics of a scores table (one row per train sample; the columns of
 * {@link Tables#DYNAMICS}), shared by {@code coreset cld} and the dynamics-based methods of {@code coreset select}.
 * Each input task packs the rows of a sample it reads into one piece ({@link TrajectoryPieces}); one shuffle of
 * pieces by sample_id, then each partition sorted by sample_id and streamed: a sample's pieces are consecutive, so
 * memory is O(T) per sample. CLD compares each sample with its class's mean validation trajectory
 * (C x T means, the only per-class data on the driver besides counts); the trajectory scores (AUM, mean p_y, DUAL,
 * mean probabilities) use the checkpoints of a {@link ScoreWindow}.
 */
public final class DynamicsBuilder {
    /**
     * @param checkpoints   which checkpoints of the table every score uses
     * @param minCheckpoints fewest checkpoints the caller's scores need (CLD: 3)
     * @param el2nEarly     el2n_early averages the first K of them
     * @param window        the trajectory scores' checkpoints among the chosen ones
     * @param dualWindow    DUAL's J (dual is NaN when the window holds fewer checkpoints)
     * @param validation    CLD is computed (val rows required); otherwise cld is NaN and val rows are not read
     * @param probabilities add the probs column: the scores' logits-grad embeddings plus the one-hot label
     */
    public record Settings(CheckpointSelection checkpoints, int minCheckpoints, int el2nEarly, ScoreWindow window,
                           int dualWindow, boolean validation, boolean probabilities) {
    }

    /** The dynamics (persisted: the caller unpersists), the checkpoints used, the window's, the class sizes. */
    public record Dynamics(Dataset<Row> table, List<Integer> checkpoints, List<Integer> window,
                           Map<Integer, Long> classSizes) {
    }

    /** Working columns after the table's: rows seen per sample and a problem code. */
    static final String N_ROWS = "_n";
    static final String PROBLEM = "_problem";
    static final int OK = 0;
    static final int WRONG_ROWS = 1;
    static final int LABEL_CONFLICT = 2;
    static final int NON_FINITE = 3;
    static final int NON_FINITE_MARGIN = 4;

    private DynamicsBuilder() {
    }

    /** The table's schema for a run with or without probabilities. */
    public static StructType schema(boolean probabilities) {
        List<String> optional = probabilities ? List.of(Tables.PROBS) : List.of();
        return SparkSchemas.structType(Tables.DYNAMICS, optional);
    }

    public static Dynamics build(SparkSession spark, Dataset<Row> scores, String path, Settings s) {
        // Which checkpoints each split has, and the first sample whose label is not a class index: a handful of rows.
        Map<String, TreeSet<Integer>> bySplit = new HashMap<>();
        org.apache.spark.sql.Column badLabel = col(Tables.LABEL).isNull().or(col(Tables.LABEL).lt(0));
        long firstBadLabel = Long.MAX_VALUE;
        for (Row r : scores.groupBy(Tables.SPLIT, Tables.CHECKPOINT)
                .agg(count(lit(1)), min(when(badLabel, col(Tables.SAMPLE_ID)))).collectAsList()) {
            bySplit.computeIfAbsent(r.getString(0), x -> new TreeSet<>()).add(r.getInt(1));
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
            throw new CoresetInputException(path + ": no rows with split 'train'; the dynamics rank train samples: "
                    + "score the train split.");
        }
        if (s.validation() && !bySplit.containsKey(Tables.SPLIT_VAL)) {
            throw new CoresetInputException(path + ": no rows with split 'val'. CLD needs validation losses: "
                    + "ingest with --val-fraction > 0 and score the val split.");
        }
        List<Integer> chosen = s.checkpoints().choose(new ArrayList<>(trainCheckpoints), path, s.minCheckpoints());
        List<Integer> window = s.window().choose(chosen, path);
        int t = chosen.size();
        Map<Integer, double[]> valMeans = s.validation() ? validationMeans(scores, path, chosen) : Map.of();

        List<org.apache.spark.sql.Column> columns = new ArrayList<>(List.of(col(Tables.SAMPLE_ID), col(Tables.LABEL),
                col(Tables.CHECKPOINT), col(Tables.LOSS), col(Tables.CORRECT), col(Tables.EL2N), col(Tables.MARGIN)));
        if (s.probabilities()) {
            columns.add(col(Tables.EMBEDDING));
        }
        org.apache.spark.sql.Column train = col(Tables.SPLIT).equalTo(Tables.SPLIT_TRAIN);
        if (chosen.size() < trainCheckpoints.size()) {
            train = train.and(col(Tables.CHECKPOINT).isin(chosen.toArray()));
        }
        int[] cps = chosen.stream().mapToInt(Integer::intValue).toArray();
        boolean[] inWindow = new boolean[t];
        for (int i = 0; i < t; i++) {
            inWindow[i] = window.contains(cps[i]);
        }
        int[] embeddingCheckpoints = s.probabilities() ? window.stream().mapToInt(Integer::intValue).sorted().toArray()
                : new int[0];
        // Catalyst's rows in and out on both sides of the shuffle (as the score job does): a Row per scores row
        // boxed every field, the largest single cost of the per-sample pass at 1M x 20 (issue 21).
        org.apache.spark.sql.classic.SparkSession session = (org.apache.spark.sql.classic.SparkSession) spark;
        RDD<InternalRow> pieces = scores.filter(train)
                .select(columns.toArray(org.apache.spark.sql.Column[]::new))
                .queryExecution().toRdd().toJavaRDD()
                .mapPartitions(new TrajectoryPieces(t, embeddingCheckpoints, TrajectoryPieces.OPEN_BYTES)).rdd();
        // Sorted by sample_id alone: one long key is a radix sort with no row comparisons; PerSample puts each
        // row of each piece in its checkpoint's slot.
        Dataset<Row> sorted = session.internalCreateDataFrame(pieces, TrajectoryPieces.SCHEMA, false)
                .repartition(col(Tables.SAMPLE_ID))
                .sortWithinPartitions(Tables.SAMPLE_ID);
        StructType work = schema(s.probabilities()).add(N_ROWS, DataTypes.IntegerType, false)
                .add(PROBLEM, DataTypes.IntegerType, false);
        RDD<InternalRow> perSample = sorted.queryExecution().toRdd().toJavaRDD().mapPartitions(new PerSample(valMeans,
                cps, inWindow, Math.min(s.el2nEarly(), t), s.dualWindow(), s.probabilities())).rdd();
        Dataset<Row> table = session.internalCreateDataFrame(perSample, work, false)
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            Map<Integer, Long> sizes = check(table, path, chosen);
            if (s.validation()) {
                for (var e : sizes.entrySet()) {
                    if (!valMeans.containsKey(e.getKey())) {
                        throw new CoresetInputException(path + ": class " + e.getKey() + " has " + e.getValue()
                                + " train samples but no val rows; CLD compares each class with its own validation "
                                + "trajectory: ingest with --val-fraction > 0 (stratified, so every class gets val "
                                + "samples) and score the val split.");
                    }
                }
            }
            return new Dynamics(table, chosen, window, sizes);
        } catch (RuntimeException e) {
            table.unpersist();
            throw e;
        }
    }

    /**
     * Whether a scores table's embeddings are logits-grad without projection (its side file says so): then
     * softmax = embedding + one-hot(label), and the dynamics can carry each sample's mean class probabilities.
     */
    public static boolean probabilitiesAvailable(String scores, org.apache.hadoop.conf.Configuration conf) {
        try {
            org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(dev.coreset.schemas.PublishedOutput.resolve(
                    new org.apache.hadoop.fs.Path(scores), conf), dev.coreset.schemas.TableInfo.FILE_NAME);
            if (!file.getFileSystem(conf).exists(file)) {
                return false;
            }
            dev.coreset.schemas.TableInfo info = dev.coreset.schemas.Json.read(file, dev.coreset.schemas.TableInfo.class,
                    conf);
            Object dim = info.parameters.get("dim");
            return "logits-grad".equals(info.parameters.get("embedding"))
                    && (dim == null || (dim instanceof Number d && d.intValue() == 0));
        } catch (java.io.IOException e) {
            return false; // no side file to trust: no probabilities
        }
    }

    /** The table's columns without the working ones. */
    public static Dataset<Row> published(Dataset<Row> table) {
        return table.drop(N_ROWS, PROBLEM);
    }

    /** Class validation trajectories: C x T exact means. */
    private static Map<Integer, double[]> validationMeans(Dataset<Row> scores, String path, List<Integer> chosen) {
        int t = chosen.size();
        Map<Integer, double[]> valMeans = new TreeMap<>();
        for (Row r : scores.filter(col(Tables.SPLIT).equalTo(Tables.SPLIT_VAL).and(col(Tables.CHECKPOINT)
                        .isin(chosen.toArray())))
                .select(col(Tables.LABEL), col(Tables.CHECKPOINT), col(Tables.LOSS),
                        ExactMean.decimalColumn(col(Tables.LOSS)))
                .groupBy(Tables.LABEL, Tables.CHECKPOINT).agg(ExactMean.ofProjected(col(Tables.LOSS)))
                .collectAsList()) {
            double[] m = valMeans.computeIfAbsent(r.getInt(0), c -> {
                double[] a = new double[t];
                Arrays.fill(a, Double.NaN);
                return a;
            });
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
                    throw new CoresetInputException(path + ": class " + e.getKey() + " has no finite val loss at "
                            + "checkpoint " + chosen.get(i) + "; score the val split at every checkpoint in " + chosen
                            + " (or narrow --checkpoints).");
                }
            }
        }
        return valMeans;
    }

    /** Per-class sizes and the checks in one aggregate over the cached table (C rows back). */
    private static Map<Integer, Long> check(Dataset<Row> table, String path, List<Integer> chosen) {
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
        if (problems > 0) {
            Row r = table.filter(col(Tables.SAMPLE_ID).equalTo(firstProblem)).select(PROBLEM, N_ROWS).first();
            String more = problems > 1 ? " (first of " + problems + " samples with a problem)" : "";
            String id = "train sample_id " + firstProblem;
            throw new CoresetInputException(path + ": " + switch (r.getInt(0)) {
                case WRONG_ROWS -> id + " has " + r.getInt(1) + " rows at the " + chosen.size() + " checkpoints "
                        + chosen + " but needs exactly one per checkpoint" + more + "; re-score, or narrow --checkpoints.";
                case LABEL_CONFLICT -> id + " has different labels at different checkpoints" + more
                        + "; score every checkpoint from the same samples table.";
                case NON_FINITE_MARGIN -> "column 'margin' is null, NaN or infinite for " + id + more
                        + "; re-score the checkpoints or narrow --checkpoints.";
                default -> "column 'loss' is null, NaN or infinite for " + id + more
                        + "; re-score the checkpoints or narrow --checkpoints.";
            });
        }
        return sizes;
    }

    /**
     * Streams a partition of {@link TrajectoryPieces} sorted by sample_id: the rows of each run of pieces with one
     * sample_id become that sample's dynamics row. Rows whose checkpoints are not exactly the chosen ones, whose
     * labels differ or whose losses or margins are not finite give a row with a problem code instead of scores.
     */
    static final class PerSample implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
        /** Class validation means by label (labels are checked to be class indices); null for a class without. */
        private final double[][] classVal;
        private final int[] checkpoints;
        private final boolean[] inWindow;
        private final int early;
        private final int dualWindow;
        private final boolean probabilities;

        PerSample(Map<Integer, double[]> valMeans, int[] checkpoints, boolean[] inWindow, int early, int dualWindow,
                  boolean probabilities) {
            this.classVal = new double[valMeans.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1][];
            valMeans.forEach((label, means) -> classVal[label] = means);
            this.checkpoints = checkpoints;
            this.inWindow = inWindow;
            this.early = early;
            this.dualWindow = dualWindow;
            this.probabilities = probabilities;
        }

        @Override
        public Iterator<InternalRow> call(Iterator<InternalRow> rows) {
            int t = checkpoints.length;
            int w = 0;
            for (boolean b : inWindow) {
                w += b ? 1 : 0;
            }
            int windowSize = w;
            return new Iterator<>() {
                // The sorter's rows are reused buffers: each is read before the next one is asked for.
                private InternalRow pending = rows.hasNext() ? rows.next() : null;
                private final float[] loss = new float[t];
                private final float[] el2n = new float[t];
                private final float[] margin = new float[t];
                private final boolean[] correct = new boolean[t];
                private final float[] windowLoss = new float[windowSize];
                private final float[] windowMargin = new float[windowSize];
                private final boolean[] seen = new boolean[t];
                private final float[][] slotEmbeddings = new float[t][];
                private final List<float[]> embeddings = new ArrayList<>();
                private final TrajectoryPieces.Reader reader = new TrajectoryPieces.Reader();

                @Override
                public boolean hasNext() {
                    return pending != null;
                }

                @Override
                public InternalRow next() {
                    long id = pending.getLong(0);
                    int first = Integer.MIN_VALUE;
                    int label = 0;
                    int lowest = Integer.MAX_VALUE;
                    int n = 0;
                    boolean labelConflict = false;
                    boolean bad = false;
                    boolean badMargin = false;
                    boolean wrongCheckpoint = false;
                    Arrays.fill(seen, false);
                    // Every piece of the sample, in any order, and every row of each piece.
                    while (pending != null && pending.getLong(0) == id) {
                        TrajectoryPieces.Reader p = reader.reset(pending.getBinary(2), pending.getInt(1));
                        while (p.next()) {
                            int checkpoint = p.checkpoint();
                            int l = p.label();
                            if (n == 0) {
                                first = l;
                            }
                            labelConflict |= l != first;
                            if (checkpoint < lowest) {
                                lowest = checkpoint; // a problem row keeps the label at its earliest checkpoint
                                label = l;
                            }
                            // Rows come in any checkpoint order: each fills its checkpoint's slot, once.
                            int i = Arrays.binarySearch(checkpoints, checkpoint);
                            if (i < 0 || seen[i]) {
                                wrongCheckpoint = true;
                            } else {
                                seen[i] = true;
                                loss[i] = p.loss();
                                correct[i] = p.correct();
                                el2n[i] = p.el2n();
                                margin[i] = p.margin();
                                bad |= !Double.isFinite(loss[i]);
                                badMargin |= !Double.isFinite(margin[i]);
                                if (probabilities && inWindow[i]) {
                                    slotEmbeddings[i] = p.embedding();
                                }
                            }
                            n++;
                        }
                        pending = rows.hasNext() ? rows.next() : null;
                    }
                    int problem = n != t || wrongCheckpoint ? WRONG_ROWS : labelConflict ? LABEL_CONFLICT
                            : bad ? NON_FINITE : badMargin ? NON_FINITE_MARGIN : OK;
                    List<Object> v = new ArrayList<>(15);
                    v.add(id);
                    v.add(label);
                    if (problem != OK) {
                        v.addAll(Arrays.asList(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, Double.NaN,
                                Double.NaN, Double.NaN));
                        if (probabilities) {
                            v.add(null);
                        }
                    } else {
                        double[] val = label >= 0 && label < classVal.length ? classVal[label] : null;
                        int j = 0;
                        for (int i = 0; i < t; i++) {
                            if (inWindow[i]) {
                                windowLoss[j] = loss[i];
                                windowMargin[j++] = margin[i];
                            }
                        }
                        v.add(val == null ? Double.NaN : Cld.score(loss, val));
                        v.add(TrainingDynamics.mean(loss));
                        v.add((double) loss[t - 1]);
                        v.add(TrainingDynamics.meanOfFirst(el2n, early));
                        v.add(TrainingDynamics.forgettingEvents(correct));
                        v.add(TrainingDynamics.aum(windowMargin));
                        v.add(windowSize >= dualWindow ? TrainingDynamics.dualScore(windowLoss, dualWindow) : Double.NaN);
                        v.add(TrainingDynamics.meanLabelProbability(windowLoss));
                        if (probabilities) {
                            embeddings.clear();
                            for (int i = 0; i < t; i++) {
                                if (inWindow[i]) {
                                    embeddings.add(slotEmbeddings[i]);
                                }
                            }
                            float[] probs = meanProbabilities(embeddings, label);
                            v.add(probs == null ? null : UnsafeArrayData.fromPrimitiveArray(probs));
                        }
                    }
                    v.add(n);
                    v.add(problem);
                    return new GenericInternalRow(v.toArray());
                }
            };
        }

        /** Mean over the window of softmax = logits-grad embedding + one-hot(label); null when an embedding is. */
        static float[] meanProbabilities(List<float[]> embeddings, int label) {
            if (embeddings.isEmpty() || embeddings.contains(null)) {
                return null;
            }
            int c = embeddings.get(0).length;
            double[] sum = new double[c];
            for (float[] e : embeddings) {
                if (e.length != c) {
                    return null;
                }
                for (int k = 0; k < c; k++) {
                    sum[k] += e[k];
                }
            }
            float[] out = new float[c];
            for (int k = 0; k < c; k++) {
                out[k] = (float) (sum[k] / embeddings.size() + (k == label ? 1 : 0));
            }
            return out;
        }
    }
}
