package dev.coreset.jobs.select;

import static org.apache.spark.sql.functions.*;

import dev.coreset.jobs.cld.CheckpointSelection;
import dev.coreset.jobs.cld.DynamicsBuilder;
import dev.coreset.jobs.cld.ScoreWindow;
import dev.coreset.jobs.progress.ProgressListener;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.Tables;
import dev.coreset.selection.graph.GraphPruning;
import dev.coreset.selection.graph.NeighbourGraph;
import dev.coreset.selection.kernel.PointSet;
import dev.coreset.selection.kernel.Workers;
import dev.coreset.selection.sample.BetaSampling;
import dev.coreset.selection.sample.CoverageSampling;
import dev.coreset.selection.sample.HardCut;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * The dynamics-based methods of {@code coreset select} on Spark: CCS and DUAL (one task per class, largest first,
 * running {@link CoverageSampling} or {@link BetaSampling} on the class's scores: 24 bytes per sample of the class)
 * and D2 (the hard cut by a window function, parts of at most --partition-size points as for GreeDi, one task per part
 * building its k-NN graph and running D2's message passing, then one task per class merging the parts' pick
 * sequences by value: what one pass over the class would pick, with the graph's edges inside parts). The trajectory
 * scores come from {@link DynamicsBuilder}, the same code as {@code coreset cld --dynamics-out}.
 */
final class DynamicsSelection {
    /** The manifest rows and what the manifest records about the run. */
    record Outcome(Dataset<Row> rows, Map<String, Object> recorded) {
    }

    private static final StructType ROWS = new StructType().add(Tables.SAMPLE_ID, DataTypes.LongType)
            .add(Tables.LABEL, DataTypes.IntegerType).add(Tables.WEIGHT, DataTypes.DoubleType)
            .add(Tables.SCORE, DataTypes.DoubleType).add(Tables.RANK, DataTypes.IntegerType);

    private DynamicsSelection() {
    }

    /**
     * @param scores     every row of the scores table (the dynamics read all train checkpoints)
     * @param candidates the selectable train rows at the chosen checkpoint (sample_id, label, embedding for d2)
     * @param sizes      candidates per class
     */
    static Outcome select(SparkSession spark, Dataset<Row> scores, Dataset<Row> candidates, Map<Integer, Long> sizes,
                          Map<Integer, Integer> budgets, SelectJob.Options o) {
        PruningOptions p = o.pruning();
        DynamicsScore score = DynamicsScore.parse(p.score());
        boolean cld = o.method() != SelectMethod.DUAL && score == DynamicsScore.CLD;
        int min = cld ? CheckpointSelection.MIN_CHECKPOINTS : 1;
        ProgressListener.stage(spark, "select: dynamics");
        DynamicsBuilder.Dynamics dyn = DynamicsBuilder.build(spark, scores, o.scores(), new DynamicsBuilder.Settings(
                CheckpointSelection.parse("all"), min, 3, ScoreWindow.parse(p.window()), p.dualWindow(), cld, false));
        try {
            boolean dual = o.method() == SelectMethod.DUAL || score == DynamicsScore.DUAL;
            if (dual && dyn.window().size() < p.dualWindow()) {
                throw new CoresetInputException(o.scores() + ": " + (o.method() == SelectMethod.DUAL ? "--method dual"
                        : "--score dual") + " needs at least --dual-window " + p.dualWindow() + " checkpoints in"
                        + " --window " + p.window() + " but has " + dyn.window() + "; lower --dual-window, widen"
                        + " --window or score more checkpoints.");
            }
            Dataset<Row> table = candidates.join(dyn.table().select(col(Tables.SAMPLE_ID), col(Tables.AUM),
                    col(Tables.DUAL), col(Tables.MEAN_PY), col(score.column()).cast("double").as("_score")), Tables.SAMPLE_ID)
                    .persist(StorageLevel.MEMORY_AND_DISK());
            try {
                Map<String, Object> recorded = new TreeMap<>();
                recorded.put("window", p.window());
                recorded.put("windowCheckpoints", dyn.window());
                Dataset<Row> rows;
                if (o.method() == SelectMethod.DUAL) {
                    recorded.put("dualWindow", p.dualWindow());
                    recorded.put("dualExponent", p.dualExponent());
                    rows = perClass(spark, table.select(col(Tables.SAMPLE_ID), col(Tables.LABEL), col(Tables.DUAL),
                            col(Tables.MEAN_PY)), sizes, budgets, new Dual(p.dualExponent(), o.seed()));
                } else {
                    double beta = hardCut(table, p);
                    recorded.put("score", score.column());
                    recorded.put("hardCut", p.hardCut());
                    recorded.put("hardCutUsed", beta);
                    if (o.method() == SelectMethod.CCS) {
                        recorded.put("strata", p.strata());
                        rows = perClass(spark, table.select(col(Tables.SAMPLE_ID), col(Tables.LABEL), col("_score")),
                                sizes, budgets, new Ccs(score, beta, p.strata(), o.seed()));
                    } else {
                        recorded.put("neighbours", p.neighbours());
                        recorded.put("gammaForward", p.gammaForward());
                        recorded.put("gammaReverse", p.gammaReverse());
                        rows = d2(spark, table, score, beta, sizes, budgets, o);
                    }
                }
                return new Outcome(rows.localCheckpoint(), recorded);
            } finally {
                table.unpersist();
            }
        } finally {
            dyn.table().unpersist();
        }
    }

    /** beta: the given fraction, or (auto) the share of candidates whose AUM is below 0. */
    private static double hardCut(Dataset<Row> table, PruningOptions p) {
        Double fixed = p.hardCutFraction();
        if (fixed != null) {
            return fixed;
        }
        Row r = table.agg(count(lit(1)), sum(when(col(Tables.AUM).lt(0), 1).otherwise(0))).first();
        double share = r.getLong(0) == 0 ? 0 : (double) r.getLong(1) / r.getLong(0);
        return Math.min(share, 0.99);
    }

    /** What runs on one class's rows, sorted by sample_id: the picks as manifest rows. */
    interface ClassRule extends Serializable {
        List<Row> select(int label, long[] ids, double[][] columns, int budget);
    }

    /** One task per class (largest first): the class's rows (sample_id, label, value columns...) to {@code rule}. */
    private static Dataset<Row> perClass(SparkSession spark, Dataset<Row> rows, Map<Integer, Long> sizes,
                                         Map<Integer, Integer> budgets, ClassRule rule) {
        List<Integer> order = new ArrayList<>(sizes.keySet());
        order.removeIf(c -> budgets.getOrDefault(c, 0) == 0);
        order.sort(Comparator.comparingLong((Integer c) -> -sizes.get(c)).thenComparingInt(c -> c));
        Map<Integer, Integer> task = new HashMap<>();
        for (int t = 0; t < order.size(); t++) {
            task.put(order.get(t), t);
        }
        Map<Integer, Integer> k = new HashMap<>(budgets);
        int width = rows.columns().length - 2;
        JavaRDD<Row> selected = TaskPartitioner.perTask(rows.filter(col(Tables.LABEL).isin(order.toArray())).javaRDD(),
                r -> task.get(r.getInt(1)), order.size(), (List<Row> all) -> {
                    all.sort(Comparator.comparingLong(r -> r.getLong(0)));
                    int n = all.size();
                    long[] ids = new long[n];
                    double[][] columns = new double[width][n];
                    for (int i = 0; i < n; i++) {
                        Row r = all.get(i);
                        ids[i] = r.getLong(0);
                        for (int c = 0; c < width; c++) {
                            columns[c][i] = r.isNullAt(c + 2) ? Double.NaN : ((Number) r.get(c + 2)).doubleValue();
                        }
                    }
                    int label = all.get(0).getInt(1);
                    return rule.select(label, ids, columns, Math.min(k.get(label), n)).iterator();
                });
        return spark.createDataFrame(selected, ROWS);
    }

    /** CCS on one class: columns[0] = the score. The manifest's score is the sample's score. */
    record Ccs(DynamicsScore score, double hardCut, int strata, long seed) implements ClassRule {
        @Override
        public List<Row> select(int label, long[] ids, double[][] columns, int budget) {
            double[] v = columns[0];
            double[] lowIsHard = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                if (Double.isNaN(v[i])) {
                    throw new CoresetInputException("--score " + score.column() + " is NaN for sample_id " + ids[i]
                            + "; pick another --score (e.g. aum).");
                }
                lowIsHard[i] = score.lowIsHard(v[i]);
            }
            CoverageSampling.Result r = CoverageSampling.select(lowIsHard, budget, hardCut, strata, classSeed(seed, label));
            List<Row> out = new ArrayList<>(r.indices().length);
            for (int j = 0; j < r.indices().length; j++) {
                int i = r.indices()[j];
                out.add(RowFactory.create(ids[i], label, 1.0, v[i], j));
            }
            return out;
        }
    }

    /** DUAL on one class: columns[0] = DUAL's score, columns[1] = mean p_y; r = 1 - budget / class size. */
    record Dual(double exponent, long seed) implements ClassRule {
        @Override
        public List<Row> select(int label, long[] ids, double[][] columns, int budget) {
            double rate = 1 - (double) budget / ids.length;
            BetaSampling.Result r = BetaSampling.select(columns[0], columns[1], budget, Math.min(rate, 1 - 1e-12),
                    exponent, classSeed(seed, label));
            List<Row> out = new ArrayList<>(budget);
            for (int j = 0; j < r.indices().length; j++) {
                int i = r.indices()[j];
                out.add(RowFactory.create(ids[i], label, 1.0, columns[0][i], j));
            }
            return out;
        }
    }

    static long classSeed(long seed, int label) {
        return seed * 1_000_003L + 31L * label + 7;
    }

    /** D2: hard cut per class, parts, a graph and message passing per part, the parts' picks merged per class. */
    private static Dataset<Row> d2(SparkSession spark, Dataset<Row> table, DynamicsScore score, double beta,
                                   Map<Integer, Long> sizes, Map<Integer, Integer> budgets, SelectJob.Options o) {
        PruningOptions p = o.pruning();
        // Difficulty in [0, 1] per class (1 = the class's hardest), so classes with other score ranges weigh alike.
        Column hard = score.lowIsHard(1) > 0 ? col("_score").multiply(-1) : col("_score");
        Map<Integer, double[]> range = new HashMap<>();
        for (Row r : table.groupBy(Tables.LABEL).agg(min(hard), max(hard)).collectAsList()) {
            range.put(r.getInt(0), new double[] {r.getDouble(1), r.getDouble(2)});
        }
        Column lo = lit(0.0);
        Column span = lit(1.0);
        Column cut = lit(0);
        Map<Integer, Long> kept = new TreeMap<>();
        for (var e : sizes.entrySet()) {
            int c = e.getKey();
            int k = budgets.getOrDefault(c, 0);
            int dropped = HardCut.dropped(Math.toIntExact(e.getValue()), beta, Math.min(k, Math.toIntExact(e.getValue())));
            kept.put(c, e.getValue() - dropped);
            double[] r = range.getOrDefault(c, new double[] {0, 1});
            lo = when(col(Tables.LABEL).equalTo(c), lit(r[0])).otherwise(lo);
            span = when(col(Tables.LABEL).equalTo(c), lit(r[1] > r[0] ? r[1] - r[0] : 1.0)).otherwise(span);
            cut = when(col(Tables.LABEL).equalTo(c), lit(dropped)).otherwise(cut);
        }
        // The hard cut: the hardest floor(beta n_c) of each class by (hardness, sample_id), as HardCut orders them.
        Column hardest = row_number().over(Window.partitionBy(Tables.LABEL).orderBy(hard.desc(), col(Tables.SAMPLE_ID)));
        Dataset<Row> points = table.withColumn("_rn", hardest).filter(col("_rn").gt(cut))
                .withColumn(GraphPoint.DIFFICULTY, hard.minus(lo).divide(span))
                .select(col(Tables.SAMPLE_ID), col(Tables.LABEL), col(GraphPoint.DIFFICULTY), col(Tables.EMBEDDING));
        Map<Integer, Integer> partsPerClass = new TreeMap<>();
        kept.forEach((c, n) -> partsPerClass.put(c, (int) Math.max(1, (n + o.partitionSize() - 1) / o.partitionSize())));
        try (GreeDiParts.Parts withPart = o.parts() == PartsMode.KMEANS
                ? GreeDiParts.kmeans(spark, points, kept, partsPerClass, o.partitionSize(), o.seed())
                : GreeDiParts.Parts.persisted(GreeDiParts.random(points, partsPerClass, o.seed()))) {
            return d2Rounds(spark, withPart.rows(), budgets, p);
        }
    }

    private static Dataset<Row> d2Rounds(SparkSession spark, Dataset<Row> withPart, Map<Integer, Integer> budgets,
                                         PruningOptions p) {
        ProgressListener.stage(spark, "select: d2 graph per part");
        List<long[]> parts = new ArrayList<>(); // {size, label, part}
        for (Row r : withPart.groupBy(Tables.LABEL, GreeDiParts.PART).count().collectAsList()) {
            parts.add(new long[] {r.getLong(2), r.getInt(0), r.getInt(1)});
        }
        parts.sort(Comparator.comparingLong((long[] x) -> -x[0]).thenComparingLong(x -> x[1]).thenComparingLong(x -> x[2]));
        Map<Long, Integer> partTask = new HashMap<>();
        for (int t = 0; t < parts.size(); t++) {
            partTask.put(PartPoint.key((int) parts.get(t)[1], (int) parts.get(t)[2]), t);
        }
        Map<Integer, Integer> k = new HashMap<>(budgets);
        int neighbours = p.neighbours();
        double gf = p.gammaForward();
        double gr = p.gammaReverse();
        JavaRDD<Row> picks = TaskPartitioner.perTask(GraphPoint.of(withPart), g -> partTask.get(g.key()), parts.size(),
                (List<GraphPoint> pts) -> {
                    pts.sort(Comparator.comparingLong(GraphPoint::getId));
                    int n = pts.size();
                    int d = pts.get(0).getEmbedding().length;
                    float[] rows = new float[n * d];
                    double[] difficulty = new double[n];
                    for (int i = 0; i < n; i++) {
                        System.arraycopy(pts.get(i).getEmbedding(), 0, rows, i * d, d);
                        difficulty[i] = pts.get(i).getDifficulty();
                    }
                    int label = pts.get(0).getLabel();
                    NeighbourGraph g = NeighbourGraph.build(PointSet.of(rows, n, d), neighbours, Workers.inline());
                    GraphPruning.Picks sel = GraphPruning.select(g, difficulty, gf, gr, Math.min(k.get(label), n));
                    List<Row> out = new ArrayList<>(sel.size());
                    for (int j = 0; j < sel.size(); j++) {
                        out.add(RowFactory.create(label, pts.get(0).getPart(), j, pts.get(sel.indices()[j]).getId(),
                                sel.values()[j]));
                    }
                    return out.iterator();
                });

        ProgressListener.stage(spark, "select: d2 merge per class");
        List<Integer> classes = new ArrayList<>(new java.util.TreeSet<>(parts.stream().map(x -> (int) x[1]).toList()));
        Map<Integer, Integer> classTask = new HashMap<>();
        for (int t = 0; t < classes.size(); t++) {
            classTask.put(classes.get(t), t);
        }
        JavaRDD<Row> merged = TaskPartitioner.perTask(picks, r -> classTask.get(r.getInt(0)), classes.size(),
                (List<Row> all) -> {
                    int label = all.get(0).getInt(0);
                    TreeMap<Integer, List<Row>> byPart = new TreeMap<>();
                    for (Row r : all) {
                        byPart.computeIfAbsent(r.getInt(1), x -> new ArrayList<>()).add(r);
                    }
                    List<List<Row>> seqs = new ArrayList<>();
                    double[][] values = new double[byPart.size()][];
                    int q = 0;
                    for (List<Row> seq : byPart.values()) {
                        seq.sort(Comparator.comparingInt(r -> r.getInt(2)));
                        seqs.add(seq);
                        values[q++] = seq.stream().mapToDouble(r -> r.getDouble(4)).toArray();
                    }
                    int[][] order = GraphPruning.merge(values, k.get(label));
                    List<Row> out = new ArrayList<>(order.length);
                    for (int j = 0; j < order.length; j++) {
                        Row r = seqs.get(order[j][0]).get(order[j][1]);
                        out.add(RowFactory.create(r.getLong(3), label, 1.0, r.getDouble(4), j));
                    }
                    return out.iterator();
                });
        return spark.createDataFrame(merged, ROWS);
    }
}
