package dev.coreset.jobs.select;

import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.SparkTestSession;
import dev.coreset.jobs.bench.PartsBench;
import dev.coreset.jobs.select.DistributedGreedy.ClassResult;
import dev.coreset.schemas.Tables;
import dev.coreset.selection.assign.Objectives;
import dev.coreset.selection.kernel.PointSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * With k-means parts, GreeDi's merge round runs only where the union of the parts' picks covers enough of a class;
 * elsewhere the result is the parts' own greedy prefixes. Random parts always merge. 2 classes x 1,000 points, parts
 * of at most 250.
 */
class GreeDiMergeTest {
    private static final int PARTITION_SIZE = 250;
    private static final long SEED = 5;
    private final SparkSession spark = SparkTestSession.get();
    private final PartSelector selector = new PartSelector(SelectMethod.FACILITY_LOCATION, "lazy", 0.01, 1L << 24);

    private Dataset<Row> points;
    private final Map<Integer, Long> sizes = new TreeMap<>();

    @BeforeEach
    void points() {
        points = PartsBench.synthetic(spark, 2_000, 4, 2, 6, 8.0, 3)
                .select(Tables.SAMPLE_ID, Tables.LABEL, Tables.EMBEDDING).cache();
        for (Row r : points.groupBy(Tables.LABEL).count().collectAsList()) {
            sizes.put(r.getInt(0), r.getLong(1));
        }
    }

    @AfterEach
    void release() {
        points.unpersist();
    }

    private Map<Integer, Integer> budgets(double fraction) {
        Map<Integer, Integer> budgets = new TreeMap<>();
        sizes.forEach((c, n) -> budgets.put(c, (int) Math.round(fraction * n)));
        return budgets;
    }

    /** GreeDi with the production rule for the parts' kind. */
    private List<ClassResult> greedi(PartsMode parts, double fraction) {
        return new DistributedGreedy(spark, selector, PARTITION_SIZE, SEED, parts).run(points, sizes, budgets(fraction));
    }

    @Test
    void theUnionsShareOfTheClassDecidesWhetherTheMergeRuns() {
        long[] parts = {250, 250, 250, 250};
        // 10%: b_p = 25, a_p = 50, a union of 200 of 1,000; 25%: a union of exactly half.
        assertFalse(DistributedGreedy.runsMerge(new long[] {25, 25, 25, 25}, parts, 1_000, 0.5));
        assertTrue(DistributedGreedy.runsMerge(new long[] {62, 63, 62, 63}, parts, 1_000, 0.5));
        assertFalse(DistributedGreedy.runsMerge(new long[] {62, 62, 62, 63}, parts, 1_000, 0.5));
        // a_p stops at the part's size: parts of 100 with shares of 60 give a union of 200, not 240.
        assertFalse(DistributedGreedy.runsMerge(new long[] {60, 60}, new long[] {100, 100}, 401, 0.5));
        assertTrue(DistributedGreedy.runsMerge(new long[] {60, 60}, new long[] {100, 100}, 400, 0.5));
        assertTrue(DistributedGreedy.runsMerge(new long[] {1}, new long[] {1_000}, 1_000, 0.0), "0: always");
        // Only facility location with k-means parts was measured; everything else always merges.
        assertEquals(0.5, DistributedGreedy.mergeMinUnionShare(SelectMethod.FACILITY_LOCATION, PartsMode.KMEANS));
        assertEquals(0.0, DistributedGreedy.mergeMinUnionShare(SelectMethod.FACILITY_LOCATION, PartsMode.RANDOM));
        assertEquals(0.0, DistributedGreedy.mergeMinUnionShare(SelectMethod.KCENTER, PartsMode.KMEANS));
    }

    @Test
    void withoutTheMergeEachClassIsItsPartsGreedyPrefixesWithWholeClassWeightsAndCost() {
        Map<Integer, Integer> budgets = budgets(0.1);
        List<ClassResult> results = greedi(PartsMode.KMEANS, 0.1);
        assertEquals(2, results.size());

        // The same k-means parts, and plain Java greedy on each for its largest-remainder share of the budget.
        Map<Integer, Integer> partsPerClass = new TreeMap<>();
        sizes.forEach((c, n) -> partsPerClass.put(c, (int) ((n + PARTITION_SIZE - 1) / PARTITION_SIZE)));
        Map<Integer, Map<Integer, List<Row>>> byPart = new TreeMap<>();
        try (GreeDiParts.Parts parts = GreeDiParts.kmeans(spark, points, sizes, partsPerClass, PARTITION_SIZE, SEED)) {
            for (Row r : parts.rows().select(Tables.LABEL, GreeDiParts.PART, Tables.SAMPLE_ID, Tables.EMBEDDING)
                    .collectAsList()) {
                byPart.computeIfAbsent(r.getInt(0), x -> new TreeMap<>())
                        .computeIfAbsent(r.getInt(1), x -> new ArrayList<>()).add(r);
            }
        }
        for (ClassResult result : results) {
            int label = result.label();
            Map<Integer, List<Row>> parts = byPart.get(label);
            long[] partSizes = parts.values().stream().mapToLong(List::size).toArray();
            long[] shares = DistributedGreedy.largestRemainder(budgets.get(label), partSizes, sizes.get(label));
            List<Long> expected = new ArrayList<>();
            int i = 0;
            for (List<Row> part : parts.values()) {
                part.sort(Comparator.comparingLong(r -> r.getLong(2)));
                PointSet pts = pointSet(part);
                for (int idx : selector.select(pts.rows(), part.size(), pts.dim(), (int) shares[i++], 0).indices()) {
                    expected.add(part.get(idx).getLong(2));
                }
            }
            assertEquals(expected, Arrays.stream(result.ids()).boxed().toList(), "class " + label);
            assertEquals("parts", result.candidate());
            assertTrue(Double.isNaN(result.otherCost()), "no merge candidate was costed");

            // Weights and cost over the whole class, against a brute-force pass on the driver.
            List<Row> all = new ArrayList<>();
            parts.values().forEach(all::addAll);
            all.sort(Comparator.comparingLong(r -> r.getLong(2)));
            Map<Long, Integer> index = new TreeMap<>();
            for (int j = 0; j < all.size(); j++) {
                index.put(all.get(j).getLong(2), j);
            }
            int[] picked = Arrays.stream(result.ids()).mapToInt(id -> index.get(id)).toArray();
            double cost = Objectives.kMedoidCost(pointSet(all), picked);
            assertEquals(cost, result.kMedoidCost(), 1e-9 * cost);
            assertEquals(sizes.get(label), Arrays.stream(result.weights()).sum());
        }
    }

    @Test
    void theMergeRunsAboveTheShareAndSkippingItLeavesThePartsCandidateAsItWas() {
        List<ClassResult> skipped = greedi(PartsMode.KMEANS, 0.1);
        List<ClassResult> forced = new DistributedGreedy(spark, selector, PARTITION_SIZE, SEED, PartsMode.KMEANS, 0.0)
                .run(points, sizes, budgets(0.1));
        for (int c = 0; c < 2; c++) {
            ClassResult s = skipped.get(c);
            ClassResult f = forced.get(c);
            assertFalse(Double.isNaN(f.otherCost()), "forced: both candidates costed");
            // The parts picked twice their share when merging: their first b_p picks are the same greedy prefix.
            double partsCost = "parts".equals(f.candidate()) ? f.kMedoidCost() : f.otherCost();
            assertEquals(s.kMedoidCost(), partsCost, 1e-9 * partsCost, "class " + c);
            assertTrue(f.kMedoidCost() <= s.kMedoidCost(), "the kept candidate is the cheaper one");
        }
        // 30% of each class: the union of the oversampled picks is over half the class, so the merge runs.
        for (ClassResult r : greedi(PartsMode.KMEANS, 0.3)) {
            assertFalse(Double.isNaN(r.otherCost()), "class " + r.label() + ": both candidates costed");
        }
        // Random parts merge at any budget.
        for (ClassResult r : greedi(PartsMode.RANDOM, 0.1)) {
            assertFalse(Double.isNaN(r.otherCost()), "random parts, class " + r.label() + ": both candidates costed");
        }
        // So does k-center, with k-means parts too.
        PartSelector kcenter = new PartSelector(SelectMethod.KCENTER, "lazy", 0.01, 1L << 24);
        for (ClassResult r : new DistributedGreedy(spark, kcenter, PARTITION_SIZE, SEED, PartsMode.KMEANS)
                .run(points, sizes, budgets(0.1))) {
            assertFalse(Double.isNaN(r.otherCost()), "k-center, class " + r.label() + ": both candidates costed");
        }
    }

    private static PointSet pointSet(List<Row> rows) {
        int d = rows.get(0).getList(3).size();
        float[] flat = new float[rows.size() * d];
        for (int i = 0; i < rows.size(); i++) {
            DistributedGreedy.Points.copy(rows.get(i).getList(3), flat, i * d);
        }
        return PointSet.of(flat, rows.size(), d);
    }
}
