package dev.coreset.jobs.select;

import static org.apache.spark.sql.functions.*;

import dev.coreset.jobs.TaskFaults;
import dev.coreset.jobs.progress.ProgressListener;
import dev.coreset.schemas.Tables;
import dev.coreset.jobs.select.CenterCosts.Assignment;
import dev.coreset.jobs.select.CenterCosts.Centers;
import dev.coreset.selection.optimize.SelectionResult;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GreeDi per class on Spark. Round 1: each class is split into parts of at most {@code partitionSize} points
 * ({@link GreeDiParts}: at random by a seeded hash of the id, or by k-means); each part is one task that greedily picks a_p points (its share
 * b_p of the class budget, oversampled). Round 2: one task per class runs the greedy for k_c on the union
 * of its parts' picks (candidate A); candidate B is the concatenation of each part's first b_p picks.
 * Round 3: a distributed pass assigns every point of the class to its nearest point of A and of B (centers
 * broadcast: budget-sized, never dataset-sized), giving the k-medoid cost, the k-center radius and the
 * CRAIG weights of both; the better candidate is kept. Memory per task: one part, or one class's union.
 *
 * <p>For facility location with k-means parts the merge only runs for a class whose union of oversampled picks would cover at least
 * {@value #MERGE_MIN_UNION_SHARE} of it. Its greedy covers the union alone, not the class: below that share it lost to
 * B in every class measured (Fashion-MNIST pixels and 1M blobs at 5-20% budgets, docs/BENCHMARKS.md), so there the
 * parts pick only b_p, round 2 passes B through, and round 3 costs B alone. Random parts, the setting GreeDi's analysis
 * covers, and k-center (not measured) always merge.
 */
public final class DistributedGreedy {
    /** Oversampling of each part's pick over its share of the budget, so the merge has a choice. */
    public static final double OVERSAMPLE = 2.0;
    /** The union of a class's oversampled part picks, as a share of the class, from which the merge runs. */
    public static final double MERGE_MIN_UNION_SHARE = 0.5;
    private static final Logger LOG = LoggerFactory.getLogger(DistributedGreedy.class);

    /** The winner of one class: ids in selection order, their gains and CRAIG weights. */
    public record ClassResult(int label, long[] ids, double[] gains, long[] weights, double kMedoidCost,
                              double kCenterRadius, String candidate, double otherCost) implements Serializable {
    }

    private final SparkSession spark;
    private final PartSelector selector;
    private final int partitionSize;
    private final long seed;
    private final PartsMode parts;
    private final double mergeMinUnionShare;

    public DistributedGreedy(SparkSession spark, PartSelector selector, int partitionSize, long seed, PartsMode parts) {
        this(spark, selector, partitionSize, seed, parts, mergeMinUnionShare(selector.method(), parts));
    }

    /** The share of a class its part picks must cover for the merge to run: 0 (always) but where it was measured. */
    public static double mergeMinUnionShare(SelectMethod method, PartsMode parts) {
        return method == SelectMethod.FACILITY_LOCATION && parts == PartsMode.KMEANS ? MERGE_MIN_UNION_SHARE : 0.0;
    }

    /** @param mergeMinUnionShare 0: the merge always runs (GreeDi as published) */
    DistributedGreedy(SparkSession spark, PartSelector selector, int partitionSize, long seed, PartsMode parts,
                      double mergeMinUnionShare) {
        this.spark = spark;
        this.selector = selector;
        this.partitionSize = partitionSize;
        this.seed = seed;
        this.parts = parts;
        this.mergeMinUnionShare = mergeMinUnionShare;
    }

    /**
     * @param points  sample_id, label, embedding of every candidate point
     * @param budgets class label to k_c (classes absent or with 0 are skipped)
     */
    public List<ClassResult> run(Dataset<Row> points, Map<Integer, Long> classSizes, Map<Integer, Integer> budgets) {
        Map<Integer, Integer> partsPerClass = partsPerClass(classSizes, partitionSize);
        Dataset<Row> selectable = points.filter(col(Tables.LABEL).isin(budgets.entrySet().stream()
                .filter(e -> e.getValue() > 0).map(Map.Entry::getKey).toArray()));
        if (everyClassFitsOnePart(classSizes, budgets, partitionSize)) {
            // Every class fits in one part: its three rounds run in one task, one job for all classes.
            return new OnePartClasses(spark, selector, seed).run(PartPoint.of(selectable, false), classSizes, budgets);
        }
        // The points alone, cached for the k-means sample and its nearest-center pass, or for random parts.
        Dataset<Row> cached = selectable.select(Tables.SAMPLE_ID, Tables.LABEL, Tables.EMBEDDING)
                .persist(StorageLevel.MEMORY_AND_DISK());
        try (GreeDiParts.Parts withParts = parts == PartsMode.KMEANS
                ? GreeDiParts.kmeans(spark, cached, classSizes, partsPerClass, partitionSize, seed)
                : new GreeDiParts.Parts(GreeDiParts.random(cached, partsPerClass, seed), null)) {
            if (withParts.cache() != null) {
                cached.unpersist(); // the k-means parts' own cache holds every point now: one copy in memory
            }
            // Read by the three passes below, from one cache: the part column is cheap to recompute.
            return rounds(withParts.rows().select(Tables.SAMPLE_ID, Tables.LABEL, GreeDiParts.PART, Tables.EMBEDDING),
                    classSizes, budgets);
        } finally {
            cached.unpersist();
        }
    }

    private static Map<Integer, Integer> partsPerClass(Map<Integer, Long> classSizes, int partitionSize) {
        Map<Integer, Integer> parts = new TreeMap<>();
        classSizes.forEach((c, n) -> parts.put(c, (int) Math.max(1, (n + partitionSize - 1) / partitionSize)));
        return parts;
    }

    /** Whether every class with a budget has at most {@code partitionSize} points (GreeDi is then one part each). */
    static boolean everyClassFitsOnePart(Map<Integer, Long> classSizes, Map<Integer, Integer> budgets, int partitionSize) {
        Map<Integer, Integer> parts = partsPerClass(classSizes, partitionSize);
        return budgets.entrySet().stream().allMatch(e -> e.getValue() <= 0 || parts.get(e.getKey()) <= 1);
    }

    private List<ClassResult> rounds(Dataset<Row> withPart, Map<Integer, Long> classSizes, Map<Integer, Integer> budgets) {
        // Exact shares of each class budget over its parts (largest remainder), from the part sizes alone.
        ProgressListener.stage(spark, "select: plan parts");
        Map<Integer, Map<Integer, Long>> partSizes = new TreeMap<>();
        for (Row r : withPart.groupBy(Tables.LABEL, GreeDiParts.PART).count().collectAsList()) {
            partSizes.computeIfAbsent(r.getInt(0), x -> new TreeMap<>()).put(r.getInt(1), r.getLong(2));
        }
        Map<Long, int[]> shares = new HashMap<>(); // part key -> {b_p, a_p, task}
        List<long[]> bySize = new ArrayList<>(); // {size, label, part}
        Map<Integer, Long> unionSizes = new TreeMap<>();
        Set<Integer> merging = new TreeSet<>();
        partSizes.forEach((label, sizes) -> {
            int k = budgets.get(label);
            long n = classSizes.get(label);
            long[] sizesOf = sizes.values().stream().mapToLong(Long::longValue).toArray();
            long[] b = largestRemainder(k, sizesOf, n);
            boolean merge = runsMerge(b, sizesOf, n, mergeMinUnionShare);
            if (merge) {
                merging.add(label);
            }
            int i = 0;
            for (var e : sizes.entrySet()) {
                int bp = (int) b[i++];
                int ap = merge ? oversampled(bp, e.getValue()) : bp;
                shares.put(PartPoint.key(label, e.getKey()), new int[] {bp, ap, 0});
                bySize.add(new long[] {e.getValue(), label, e.getKey()});
                unionSizes.merge(label, (long) ap, Long::sum);
            }
        });
        // One task per part, the largest first (their greedy costs the most), so the cores finish together.
        bySize.sort(Comparator.comparingLong((long[] x) -> -x[0]).thenComparingLong(x -> x[1]).thenComparingLong(x -> x[2]));
        for (int t = 0; t < bySize.size(); t++) {
            shares.get(PartPoint.key((int) bySize.get(t)[1], (int) bySize.get(t)[2]))[2] = t;
        }
        Broadcast<Map<Long, int[]>> sharesB = spark.sparkContext()
                .broadcast(shares, scala.reflect.ClassTag$.MODULE$.apply(Map.class));

        // Round 1: greedy inside each part (the shuffle moves each point as one object with a float array).
        ProgressListener.stage(spark, "select: greedy per part", quadraticCosts(bySize.stream().mapToLong(x -> x[0])));
        PartSelector sel = selector;
        long s = seed;
        TaskFaults faults = TaskFaults.at(spark, TaskFaults.SELECT);
        JavaRDD<Winner> winners = TaskPartitioner.perTask(PartPoint.of(withPart, true),
                p -> sharesB.value().get(p.key())[2], bySize.size(), pts -> {
                    int[] share = sharesB.value().get(PartPoint.key(pts.get(0).getLabel(), pts.get(0).getPart()));
                    return partPicks(sel, s, faults, share, Points.sortedById(pts), pts.get(0).getLabel(),
                            pts.get(0).getPart()).iterator();
                });

        // Round 2: greedy on the union of each class's winners (A); B = each part's share prefix. One task per
        // class, the largest union first. Without a merge anywhere it only gathers B: the driver does that from
        // round 1's collected picks, with no shuffle.
        List<Candidate> candidates = merging.isEmpty() ? prefixesOnDriver(winners, budgets, sel, s)
                : mergeRound(winners, unionSizes, budgets, merging, sel, s, faults);

        // Candidates per class: A (merge) and B (part prefixes) where the merge ran, else B alone.
        Map<Integer, Centers[]> centers = new TreeMap<>();
        Map<Integer, List<List<Candidate>>> bySet = new TreeMap<>();
        for (Candidate c : candidates) {
            bySet.computeIfAbsent(c.label(), x -> List.of(new ArrayList<>(), new ArrayList<>())).get(c.set()).add(c);
        }
        bySet.forEach((label, sets) -> centers.put(label, merging.contains(label)
                ? new Centers[] {Candidate.centers(sets.get(0)), Candidate.centers(sets.get(1))}
                : new Centers[] {Candidate.centers(sets.get(1))}));

        // Round 3: every point against the candidates of its class.
        ProgressListener.stage(spark, "select: weights and cost");
        Map<String, Assignment> merged = CenterCosts.of(spark, withPart, centers, faults);
        List<ClassResult> results = new ArrayList<>();
        int mergeKept = 0;
        double keptCost = 0;
        double prefixCost = 0;
        for (var e : centers.entrySet()) {
            int label = e.getKey();
            ClassResult r = merging.contains(label)
                    ? choose(label, e.getValue(), merged.get(label + "/0"), merged.get(label + "/1"), selector.method())
                    : partsOnly(label, e.getValue()[0], merged.get(label + "/0"));
            if (merging.contains(label)) {
                boolean merge = "merge".equals(r.candidate());
                mergeKept += merge ? 1 : 0;
                keptCost += r.kMedoidCost();
                prefixCost += merge ? r.otherCost() : r.kMedoidCost();
            }
            LOG.debug("class {}: kept the {} candidate, cost {} (other {})", label, r.candidate(), r.kMedoidCost(),
                    r.otherCost());
            results.add(r);
        }
        // What the merge bought where it ran: the evidence behind MERGE_MIN_UNION_SHARE, on the user's own data.
        LOG.info(String.format(Locale.ROOT, "GreeDi: the merge ran for %d of %d classes and was kept in %d%s",
                merging.size(), centers.size(), mergeKept, merging.isEmpty() || selector.method() == SelectMethod.KCENTER
                        ? "" : String.format(Locale.ROOT, "; there the part prefixes alone would cost %+.3f%%",
                        100 * (prefixCost - keptCost) / keptCost)));
        sharesB.destroy();
        return results;
    }

    /** Round 2 as tasks: each class's winners shuffled to one task, merged there where the class runs the merge. */
    private List<Candidate> mergeRound(JavaRDD<Winner> winners, Map<Integer, Long> unionSizes,
                                       Map<Integer, Integer> budgets, Set<Integer> merging, PartSelector sel, long s,
                                       TaskFaults faults) {
        List<Integer> classOrder = new ArrayList<>(unionSizes.keySet());
        classOrder.sort(Comparator.comparingLong((Integer c) -> -unionSizes.get(c)).thenComparingInt(c -> c));
        ProgressListener.stage(spark, "select: merge per class",
                quadraticCosts(classOrder.stream().mapToLong(unionSizes::get)));
        Map<Integer, Integer> classTask = new HashMap<>();
        for (int t = 0; t < classOrder.size(); t++) {
            classTask.put(classOrder.get(t), t);
        }
        Map<Integer, Integer> budgetsCopy = new HashMap<>(budgets);
        Set<Integer> mergingCopy = new TreeSet<>(merging);
        return TaskPartitioner.perTask(winners, w -> classTask.get(w.label()),
                classOrder.size(), (List<Winner> w) -> merge(sel, s, faults, budgetsCopy.get(w.get(0).label()), w,
                        mergingCopy.contains(w.get(0).label())).iterator()).collect();
    }

    /** A greedy task's relative cost from its point count: its first pass takes every pair of points. */
    static double[] quadraticCosts(LongStream sizes) {
        return sizes.mapToDouble(n -> (double) n * n).toArray();
    }

    /** Round 2 where no class merges: round 1's picks (each part's b_p) collected, B gathered per class here. */
    private List<Candidate> prefixesOnDriver(JavaRDD<Winner> winners, Map<Integer, Integer> budgets, PartSelector sel,
                                             long s) {
        Map<Integer, List<Winner>> byClass = new TreeMap<>();
        for (Winner w : winners.collect()) {
            byClass.computeIfAbsent(w.label(), x -> new ArrayList<>()).add(w);
        }
        List<Candidate> candidates = new ArrayList<>();
        byClass.forEach((label, w) -> candidates.addAll(merge(sel, s, TaskFaults.NONE, budgets.get(label), w, false)));
        return candidates;
    }

    /**
     * Whether a class runs the merge: its part picks, oversampled, would cover at least {@code minUnionShare} of the
     * class (a class with one part never needs it here: {@link OnePartClasses} takes every such table).
     */
    static boolean runsMerge(long[] shares, long[] partSizes, long classSize, double minUnionShare) {
        long union = 0;
        for (int i = 0; i < shares.length; i++) {
            union += oversampled((int) shares[i], partSizes[i]);
        }
        return union >= minUnionShare * classSize;
    }

    /** a_p: a part's picks for its share b_p of the budget, oversampled, at most its size. */
    static int oversampled(int bp, long partSize) {
        return (int) Math.min(partSize, Math.max(bp, (long) Math.ceil(OVERSAMPLE * bp)));
    }

    /** Round 1 in one part's task: a_p = share[1] greedy picks of the part's points (sorted by id), the first b_p in share. */
    static List<Winner> partPicks(PartSelector sel, long seed, TaskFaults faults, int[] share, Points p, int label,
                                  int part) {
        SelectionResult res = sel.select(p.rows, p.n, p.d, share[1], seed * 31 + label * 1_000_003L + part);
        faults.maybeInject();
        List<Winner> out = new ArrayList<>(res.size());
        for (int i = 0; i < res.size(); i++) {
            int idx = res.indices()[i];
            out.add(new Winner(label, part, i, i < share[0], p.ids[idx], p.vector(idx), res.gains()[i]));
        }
        return out;
    }

    /** Round 2 in one class's task: candidate A, greedy for the budget on all winners; B, each part's share prefix. */
    static List<Candidate> merge(PartSelector sel, long seed, TaskFaults faults, int budget, List<Winner> w,
                                 boolean runMerge) {
        int label = w.get(0).label();
        w.sort(Comparator.comparingInt(Winner::part).thenComparingInt(Winner::pos));
        List<Candidate> out = new ArrayList<>();
        if (runMerge) {
            int d = w.get(0).embedding().length;
            float[] rows = new float[w.size() * d];
            for (int i = 0; i < w.size(); i++) {
                System.arraycopy(w.get(i).embedding(), 0, rows, i * d, d);
            }
            SelectionResult a = sel.select(rows, w.size(), d, Math.min(budget, w.size()), seed * 17 + label);
            for (int i = 0; i < a.size(); i++) {
                Winner r = w.get(a.indices()[i]);
                out.add(new Candidate(label, 0, i, r.id(), r.embedding(), a.gains()[i]));
            }
        }
        faults.maybeInject();
        int pos = 0;
        for (Winner r : w) {
            if (r.inShare()) {
                out.add(new Candidate(label, 1, pos++, r.id(), r.embedding(), r.gain()));
            }
        }
        return out;
    }

    /** Round 3's choice for one class: B (the part prefixes) only when it is complete and strictly better than A. */
    static ClassResult choose(int label, Centers[] sets, Assignment a, Assignment b, SelectMethod method) {
        boolean useB = b != null && b.ids == sets[1].ids.length && sets[1].ids.length == sets[0].ids.length
                && (method == SelectMethod.KCENTER ? b.radius < a.radius : b.cost < a.cost);
        Centers chosen = sets[useB ? 1 : 0];
        Assignment ca = useB ? b : a;
        return new ClassResult(label, chosen.ids, chosen.gains, ca.counts, ca.cost, ca.radius,
                useB ? "parts" : "merge", useB ? a.cost : (b == null ? Double.NaN : b.cost));
    }

    /** A class without the merge: B, the part prefixes, is its only candidate. */
    static ClassResult partsOnly(int label, Centers b, Assignment stats) {
        return new ClassResult(label, b.ids, b.gains, stats.counts, stats.cost, stats.radius, "parts", Double.NaN);
    }

    /** A part's pick: its class, part, position in the part's greedy order, whether within b_p, the point. */
    record Winner(int label, int part, int pos, boolean inShare, long id, float[] embedding, double gain)
            implements Serializable {
    }

    /** A point of candidate A (set 0, the merge) or B (set 1, the part prefixes) of a class, in set order. */
    record Candidate(int label, int set, int pos, long id, float[] embedding, double gain) implements Serializable {
        /** The set's centers in position order. */
        static Centers centers(List<Candidate> set) {
            List<Candidate> sorted = new ArrayList<>(set);
            sorted.sort(Comparator.comparingInt(Candidate::pos));
            int k = sorted.size();
            int d = k == 0 ? 0 : sorted.get(0).embedding().length;
            long[] ids = new long[k];
            double[] gains = new double[k];
            float[] rows = new float[k * d];
            for (int i = 0; i < k; i++) {
                ids[i] = sorted.get(i).id();
                gains[i] = sorted.get(i).gain();
                System.arraycopy(sorted.get(i).embedding(), 0, rows, i * d, d);
            }
            return Centers.of(ids, gains, rows, d);
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

    /** A part's points copied out of Spark rows into one array, sorted by id so results do not depend on shuffle order. */
    public static final class Points {
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

        static Points sortedById(List<PartPoint> points) {
            List<PartPoint> sorted = new ArrayList<>(points);
            sorted.sort(Comparator.comparingLong(PartPoint::getId));
            int n = sorted.size();
            int d = n == 0 ? 0 : sorted.get(0).getEmbedding().length;
            long[] ids = new long[n];
            float[] rows = new float[n * d];
            for (int i = 0; i < n; i++) {
                ids[i] = sorted.get(i).getId();
                System.arraycopy(sorted.get(i).getEmbedding(), 0, rows, i * d, d);
            }
            return new Points(ids, rows, n, d);
        }

        /**
         * Like {@link #sortedById(List)} from the (sample_id, embedding) structs of a collect_list, read as Catalyst
         * data: the embeddings come out as float arrays, not as rows of boxed floats.
         */
        static Points sortedByIdFromStructs(ArrayData structs) {
            int n = structs.numElements();
            long[] unsorted = new long[n];
            float[][] vectors = new float[n][];
            for (int i = 0; i < n; i++) {
                InternalRow s = structs.getStruct(i, 2);
                unsorted[i] = s.getLong(0);
                vectors[i] = s.getArray(1).toFloatArray();
            }
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) order[i] = i;
            Arrays.sort(order, (x, y) -> Long.compare(unsorted[x], unsorted[y]));
            int d = n == 0 ? 0 : vectors[0].length;
            long[] ids = new long[n];
            float[] rows = new float[n * d];
            for (int i = 0; i < n; i++) {
                ids[i] = unsorted[order[i]];
                System.arraycopy(vectors[order[i]], 0, rows, i * d, d);
            }
            return new Points(ids, rows, n, d);
        }

        float[] vector(int i) {
            return Arrays.copyOfRange(rows, i * d, (i + 1) * d);
        }

        public static void copy(List<?> values, float[] into, int offset) {
            for (int j = 0; j < values.size(); j++) {
                into[offset + j] = ((Number) values.get(j)).floatValue();
            }
        }
    }
}
