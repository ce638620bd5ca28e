package dev.coreset.jobs.select;

import dev.coreset.jobs.TaskFaults;
import dev.coreset.jobs.progress.ProgressListener;
import dev.coreset.jobs.select.CenterCosts.Assignment;
import dev.coreset.jobs.select.CenterCosts.Centers;
import dev.coreset.jobs.select.DistributedGreedy.Candidate;
import dev.coreset.jobs.select.DistributedGreedy.ClassResult;
import dev.coreset.jobs.select.DistributedGreedy.Points;
import dev.coreset.jobs.select.DistributedGreedy.Winner;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;

/**
 * GreeDi when every class fits in one part: the class's task runs round 1 (the part's oversampled greedy), round 2
 * (the merge greedy on those picks) and round 3 (every point of the class against both candidates) on the points it
 * already holds, so the selection is {@link DistributedGreedy}'s with one shuffle and one Spark job instead of a
 * planning query, two shuffles and a separate cost pass. Round 3's sums run in id order, independent of the input's
 * partitioning.
 */
final class OnePartClasses {
    private final SparkSession spark;
    private final PartSelector selector;
    private final long seed;

    OnePartClasses(SparkSession spark, PartSelector selector, long seed) {
        this.spark = spark;
        this.selector = selector;
        this.seed = seed;
    }

    /** @param points every point of the classes with a positive budget (part ignored) */
    List<ClassResult> run(JavaRDD<PartPoint> points, Map<Integer, Long> classSizes, Map<Integer, Integer> budgets) {
        // One task per class, the largest first, so the cores finish together.
        List<Integer> order = new ArrayList<>();
        budgets.forEach((c, k) -> {
            if (k > 0) {
                order.add(c);
            }
        });
        order.sort(Comparator.comparingLong((Integer c) -> -classSizes.get(c)).thenComparingInt(c -> c));
        Map<Integer, Integer> taskOf = new HashMap<>();
        for (int t = 0; t < order.size(); t++) {
            taskOf.put(order.get(t), t);
        }
        Map<Integer, Integer> budgetsCopy = new HashMap<>(budgets);
        PartSelector sel = selector;
        long s = seed;
        TaskFaults faults = TaskFaults.at(spark, TaskFaults.SELECT);
        ProgressListener.stage(spark, "select: greedy per class");
        List<ClassResult> results = new ArrayList<>(TaskPartitioner.perTask(points, p -> taskOf.get(p.getLabel()),
                order.size(), (List<PartPoint> pts) -> List.of(oneClass(sel, s, faults, budgetsCopy, pts)).iterator())
                .collect());
        results.sort(Comparator.comparingInt(ClassResult::label));
        return results;
    }

    /** GreeDi's three rounds on every point of one class (any order: they are sorted by id here). */
    static ClassResult oneClass(PartSelector sel, long seed, TaskFaults faults, Map<Integer, Integer> budgets,
                                List<PartPoint> pts) {
        int label = pts.get(0).getLabel();
        int k = budgets.get(label);
        Points p = Points.sortedById(pts);
        // The shares of DistributedGreedy's plan for a class of one part: b = k, a = k oversampled.
        List<Winner> winners = DistributedGreedy.partPicks(sel, seed, faults,
                new int[] {k, DistributedGreedy.oversampled(k, p.n)}, p, label, 0);
        List<Candidate> candidates = DistributedGreedy.merge(sel, seed, faults, k, winners, true);
        List<List<Candidate>> sets = List.of(new ArrayList<>(), new ArrayList<>());
        for (Candidate c : candidates) {
            sets.get(c.set()).add(c);
        }
        Centers[] centers = {Candidate.centers(sets.get(0)), Candidate.centers(sets.get(1))};
        List<PartPoint> byId = new ArrayList<>(pts);
        byId.sort(Comparator.comparingLong(PartPoint::getId));
        Map<Integer, Assignment> stats = new HashMap<>();
        for (Iterator<Assignment> it = CenterCosts.assign(byId.iterator(), Map.of(label, centers)); it.hasNext(); ) {
            Assignment a = it.next();
            stats.put(a.candidate, a);
        }
        return DistributedGreedy.choose(label, centers, stats.get(0), stats.get(1), sel.method());
    }
}
