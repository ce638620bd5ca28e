package dev.coreset.jobs.select;

import static org.apache.spark.sql.functions.*;

import dev.coreset.jobs.TaskFaults;
import dev.coreset.jobs.progress.ProgressListener;
import dev.coreset.schemas.Tables;
import dev.coreset.selection.assign.NearestCenterAssigner;
import dev.coreset.selection.optimize.SelectionResult;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * GreeDi per class on Spark. Round 1: each class is split into parts of at most {@code partitionSize} points
 * ({@link GreeDiParts}: at random by a seeded hash of the id, or by k-means); each part is one task that greedily picks a_p points (its share
 * b_p of the class budget, oversampled). Round 2: one task per class runs the greedy for k_c on the union
 * of its parts' picks (candidate A); candidate B is the concatenation of each part's first b_p picks.
 * Round 3: a distributed pass assigns every point of the class to its nearest point of A and of B (centers
 * broadcast: budget-sized, never dataset-sized), giving the k-medoid cost, the k-center radius and the
 * CRAIG weights of both; the better candidate is kept. Memory per task: one part, or one class's union.
 */
public final class DistributedGreedy {
    /** Oversampling of each part's pick over its share of the budget, so the merge has a choice. */
    public static final double OVERSAMPLE = 2.0;

    /** The winner of one class: ids in selection order, their gains and CRAIG weights. */
    public record ClassResult(int label, long[] ids, double[] gains, long[] weights, double kMedoidCost,
                              double kCenterRadius, String candidate, double otherCost) implements Serializable {
    }

    private final SparkSession spark;
    private final PartSelector selector;
    private final int partitionSize;
    private final long seed;
    private final PartsMode parts;

    public DistributedGreedy(SparkSession spark, PartSelector selector, int partitionSize, long seed, PartsMode parts) {
        this.spark = spark;
        this.selector = selector;
        this.partitionSize = partitionSize;
        this.seed = seed;
        this.parts = parts;
    }

    /**
     * @param points  sample_id, label, embedding of every candidate point
     * @param budgets class label to k_c (classes absent or with 0 are skipped)
     */
    public List<ClassResult> run(Dataset<Row> points, Map<Integer, Long> classSizes, Map<Integer, Integer> budgets) {
        Map<Integer, Integer> partsPerClass = new TreeMap<>();
        classSizes.forEach((c, n) -> partsPerClass.put(c, (int) Math.max(1, (n + partitionSize - 1) / partitionSize)));
        Dataset<Row> selectable = points.filter(col(Tables.LABEL).isin(budgets.entrySet().stream()
                .filter(e -> e.getValue() > 0).map(Map.Entry::getKey).toArray()));
        Dataset<Row> withPart = parts == PartsMode.KMEANS
                ? GreeDiParts.kmeans(spark, selectable, classSizes, partsPerClass, partitionSize, seed)
                : GreeDiParts.random(selectable, partsPerClass, seed);

        // Exact shares of each class budget over its parts (largest remainder), from the part sizes alone.
        ProgressListener.stage(spark, "select: plan parts");
        Map<Integer, Map<Integer, Long>> partSizes = new TreeMap<>();
        for (Row r : withPart.groupBy(Tables.LABEL, "part").count().collectAsList()) {
            partSizes.computeIfAbsent(r.getInt(0), x -> new TreeMap<>()).put(r.getInt(1), r.getLong(2));
        }
        Map<String, int[]> shares = new HashMap<>(); // "label/part" -> {b_p, a_p}
        partSizes.forEach((label, sizes) -> {
            int k = budgets.get(label);
            long n = classSizes.get(label);
            long[] b = largestRemainder(k, sizes.values().stream().mapToLong(Long::longValue).toArray(), n);
            int i = 0;
            for (var e : sizes.entrySet()) {
                int bp = (int) b[i++];
                int ap = (int) Math.min(e.getValue(), Math.max(bp, (long) Math.ceil(OVERSAMPLE * bp)));
                shares.put(label + "/" + e.getKey(), new int[] {bp, ap});
            }
        });
        Broadcast<Map<String, int[]>> sharesB = spark.sparkContext()
                .broadcast(shares, scala.reflect.ClassTag$.MODULE$.apply(Map.class));

        // Round 1: greedy inside each part.
        ProgressListener.stage(spark, "select: greedy per part");
        PartSelector sel = selector;
        long s = seed;
        TaskFaults faults = TaskFaults.at(spark, TaskFaults.SELECT);
        JavaRDD<Row> winners = withPart.groupBy(Tables.LABEL, "part")
                .agg(collect_list(struct(col(Tables.SAMPLE_ID), col(Tables.EMBEDDING))).as("pts"))
                .javaRDD().flatMap(row -> {
                    int label = row.getInt(0);
                    int part = row.getInt(1);
                    int[] share = sharesB.value().get(label + "/" + part);
                    Points p = Points.sortedById(row.getList(2));
                    SelectionResult res = sel.select(p.rows, p.n, p.d, share[1], s * 31 + label * 1_000_003L + part);
                    faults.maybeFail();
                    List<Row> out = new ArrayList<>(res.size());
                    for (int i = 0; i < res.size(); i++) {
                        int idx = res.indices()[i];
                        out.add(RowFactory.create(label, part, i, i < share[0], p.ids[idx], p.vector(idx), res.gains()[i]));
                    }
                    return out.iterator();
                });
        StructType winnerSchema = new StructType()
                .add(Tables.LABEL, DataTypes.IntegerType).add("part", DataTypes.IntegerType)
                .add("pos", DataTypes.IntegerType).add("inShare", DataTypes.BooleanType)
                .add(Tables.SAMPLE_ID, DataTypes.LongType)
                .add(Tables.EMBEDDING, DataTypes.createArrayType(DataTypes.FloatType, false))
                .add("gain", DataTypes.DoubleType);

        // Round 2: greedy on the union of each class's winners (A); B = each part's share prefix.
        ProgressListener.stage(spark, "select: merge per class");
        Map<Integer, Integer> budgetsCopy = new HashMap<>(budgets);
        List<Row> candidates = spark.createDataFrame(winners, winnerSchema)
                .groupBy(Tables.LABEL)
                .agg(collect_list(struct("part", "pos", "inShare", Tables.SAMPLE_ID, Tables.EMBEDDING, "gain")).as("w"))
                .javaRDD().flatMap(row -> {
                    int label = row.getInt(0);
                    List<Row> w = new ArrayList<>(row.getList(1));
                    w.sort((x, y) -> x.getInt(0) != y.getInt(0) ? Integer.compare(x.getInt(0), y.getInt(0))
                            : Integer.compare(x.getInt(1), y.getInt(1)));
                    int d = w.get(0).getList(4).size();
                    float[] rows = new float[w.size() * d];
                    for (int i = 0; i < w.size(); i++) {
                        Points.copy(w.get(i).getList(4), rows, i * d);
                    }
                    int k = Math.min(budgetsCopy.get(label), w.size());
                    SelectionResult a = sel.select(rows, w.size(), d, k, s * 17 + label);
                    faults.maybeFail();
                    List<Row> out = new ArrayList<>();
                    for (int i = 0; i < a.size(); i++) {
                        Row r = w.get(a.indices()[i]);
                        out.add(RowFactory.create(label, 0, i, r.getLong(3), Arrays.copyOfRange(rows, a.indices()[i] * d, (a.indices()[i] + 1) * d), a.gains()[i]));
                    }
                    int pos = 0;
                    for (int i = 0; i < w.size(); i++) {
                        Row r = w.get(i);
                        if (r.getBoolean(2)) {
                            out.add(RowFactory.create(label, 1, pos++, r.getLong(3),
                                    Arrays.copyOfRange(rows, i * d, (i + 1) * d), r.getDouble(5)));
                        }
                    }
                    return out.iterator();
                }).collect();

        // Candidates per class: [0] = A (merge), [1] = B (part prefixes).
        Map<Integer, Centers[]> centers = new TreeMap<>();
        for (Row r : candidates) {
            centers.computeIfAbsent(r.getInt(0), x -> new Centers[] {new Centers(), new Centers()})[r.getInt(1)].add(r);
        }
        for (Centers[] cs : centers.values()) {
            cs[0].seal();
            cs[1].seal();
        }

        // Round 3: every point against both candidates of its class.
        ProgressListener.stage(spark, "select: weights and cost");
        Broadcast<Map<Integer, Centers[]>> centersB = spark.sparkContext()
                .broadcast(centers, scala.reflect.ClassTag$.MODULE$.apply(Map.class));
        List<Assignment> partial = withPart.select(Tables.LABEL, Tables.EMBEDDING).javaRDD()
                .mapPartitions((Iterator<Row> it) -> {
                    Iterator<Assignment> out = assignPartition(it, centersB.value());
                    faults.maybeFail();
                    return out;
                }).collect();
        Map<String, Assignment> merged = new HashMap<>();
        for (Assignment a : partial) {
            merged.merge(a.label + "/" + a.candidate, a, Assignment::merge);
        }
        List<ClassResult> results = new ArrayList<>();
        for (var e : centers.entrySet()) {
            int label = e.getKey();
            Assignment a = merged.get(label + "/0");
            Assignment b = merged.get(label + "/1");
            boolean useB = b != null && b.ids == e.getValue()[1].ids.length && e.getValue()[1].ids.length
                    == e.getValue()[0].ids.length && better(b, a);
            Centers chosen = e.getValue()[useB ? 1 : 0];
            Assignment ca = useB ? b : a;
            results.add(new ClassResult(label, chosen.ids, chosen.gains, ca.counts, ca.cost, ca.radius,
                    useB ? "parts" : "merge", useB ? a.cost : (b == null ? Double.NaN : b.cost)));
        }
        sharesB.destroy();
        centersB.destroy();
        return results;
    }

    private boolean better(Assignment b, Assignment a) {
        if (selector.method() == SelectMethod.KCENTER) {
            return b.radius < a.radius;
        }
        return b.cost < a.cost;
    }

    private static Iterator<Assignment> assignPartition(Iterator<Row> it, Map<Integer, Centers[]> centers) {
        final int block = 1024;
        Map<Integer, float[]> buffers = new HashMap<>();
        Map<Integer, Integer> fill = new HashMap<>();
        Map<String, Assignment> acc = new HashMap<>();
        Map<String, NearestCenterAssigner> assigners = new HashMap<>();
        while (it.hasNext()) {
            Row r = it.next();
            int label = r.getInt(0);
            Centers[] cs = centers.get(label);
            if (cs == null) {
                continue;
            }
            int d = cs[0].d;
            float[] buf = buffers.computeIfAbsent(label, x -> new float[block * d]);
            int f = fill.getOrDefault(label, 0);
            Points.copy(r.getList(1), buf, f * d);
            fill.put(label, ++f);
            if (f == block) {
                flush(label, buf, f, cs, acc, assigners);
                fill.put(label, 0);
            }
        }
        for (var e : fill.entrySet()) {
            if (e.getValue() > 0) {
                flush(e.getKey(), buffers.get(e.getKey()), e.getValue(), centers.get(e.getKey()), acc, assigners);
            }
        }
        return acc.values().iterator();
    }

    private static void flush(int label, float[] buf, int count, Centers[] cs, Map<String, Assignment> acc,
                              Map<String, NearestCenterAssigner> assigners) {
        int[] idx = new int[count];
        double[] dist = new double[count];
        for (int c = 0; c < 2; c++) {
            Centers centers = cs[c];
            if (centers.ids.length == 0) {
                continue;
            }
            String key = label + "/" + c;
            NearestCenterAssigner assigner = assigners.computeIfAbsent(key,
                    x -> new NearestCenterAssigner(centers.rows, centers.ids.length, centers.d));
            assigner.assign(buf, count, idx, dist);
            Assignment a = acc.computeIfAbsent(key, x -> new Assignment(label, Integer.parseInt(key.substring(key.indexOf('/') + 1)), centers.ids.length));
            for (int i = 0; i < count; i++) {
                a.counts[idx[i]]++;
                a.cost += dist[i];
                a.radius = Math.max(a.radius, dist[i]);
            }
        }
    }

    /** Largest-remainder split of k over parts proportional to their sizes; sums exactly to k. */
    static long[] largestRemainder(int k, long[] sizes, long total) {
        long[] out = new long[sizes.length];
        double[] rem = new double[sizes.length];
        long given = 0;
        for (int i = 0; i < sizes.length; i++) {
            double exact = (double) k * sizes[i] / total;
            out[i] = Math.min(sizes[i], (long) Math.floor(exact));
            rem[i] = exact - out[i];
            given += out[i];
        }
        while (given < k) {
            int best = -1;
            for (int i = 0; i < sizes.length; i++) {
                if (out[i] < sizes[i] && (best < 0 || rem[i] > rem[best])) {
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            out[best]++;
            rem[best] = -1;
            given++;
        }
        return out;
    }

    /** One candidate's selected points of one class, row-major, for broadcasting. */
    static final class Centers implements Serializable {
        long[] ids = new long[0];
        double[] gains = new double[0];
        float[] rows = new float[0];
        int d;
        private transient List<Row> pending = new ArrayList<>();

        void add(Row r) {
            pending.add(r);
        }

        void seal() {
            pending.sort((x, y) -> Integer.compare(x.getInt(2), y.getInt(2)));
            int k = pending.size();
            d = k == 0 ? 0 : ((float[]) pending.get(0).get(4)).length;
            ids = new long[k];
            gains = new double[k];
            rows = new float[k * d];
            for (int i = 0; i < k; i++) {
                Row r = pending.get(i);
                ids[i] = r.getLong(3);
                gains[i] = r.getDouble(5);
                System.arraycopy((float[]) r.get(4), 0, rows, i * d, d);
            }
            pending = null;
        }
    }

    /** Partial nearest-center statistics of one class and candidate. */
    static final class Assignment implements Serializable {
        final int label;
        final int candidate;
        final long[] counts;
        double cost;
        double radius;
        long ids;

        Assignment(int label, int candidate, int k) {
            this.label = label;
            this.candidate = candidate;
            this.counts = new long[k];
            this.ids = k;
        }

        Assignment merge(Assignment o) {
            for (int i = 0; i < counts.length; i++) {
                counts[i] += o.counts[i];
            }
            cost += o.cost;
            radius = Math.max(radius, o.radius);
            return this;
        }
    }

    /** A part's points copied out of Spark rows into one array, sorted by id so results do not depend on shuffle order. */
    static final class Points {
        final long[] ids;
        final float[] rows;
        final int n;
        final int d;

        private Points(long[] ids, float[] rows, int n, int d) {
            this.ids = ids;
            this.rows = rows;
            this.n = n;
            this.d = d;
        }

        static Points sortedById(List<Row> structs) {
            List<Row> sorted = new ArrayList<>(structs);
            sorted.sort((x, y) -> Long.compare(x.getLong(0), y.getLong(0)));
            int n = sorted.size();
            int d = n == 0 ? 0 : sorted.get(0).getList(1).size();
            long[] ids = new long[n];
            float[] rows = new float[n * d];
            for (int i = 0; i < n; i++) {
                ids[i] = sorted.get(i).getLong(0);
                copy(sorted.get(i).getList(1), rows, i * d);
            }
            return new Points(ids, rows, n, d);
        }

        float[] vector(int i) {
            return Arrays.copyOfRange(rows, i * d, (i + 1) * d);
        }

        static void copy(List<?> values, float[] into, int offset) {
            for (int j = 0; j < values.size(); j++) {
                into[offset + j] = ((Number) values.get(j)).floatValue();
            }
        }
    }
}
