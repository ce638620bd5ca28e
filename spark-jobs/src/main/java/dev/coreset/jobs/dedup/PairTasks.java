package dev.coreset.jobs.dedup;

import dev.coreset.jobs.select.TaskPartitioner;
import dev.coreset.schemas.TestHooks;
import dev.coreset.selection.dedup.Edges;
import dev.coreset.selection.dedup.PairScan;
import dev.coreset.selection.kernel.PointSet;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

/**
 * Runs the pair scan of every {@link ChunkPlan} task on the executors, one Spark task per unit, largest first: each
 * point travels to the tasks of its chunk, a task builds the two chunks' point sets and hands them to selection's
 * {@link PairScan}. Output: the near-duplicate pairs, or each point's highest similarity to an earlier point.
 */
final class PairTasks {
    /** A pair at or above the threshold: the later point (which may go) and the earlier one, with their cluster. */
    record Pair(int cluster, int laterRank, long laterId, int laterLabel, int earlierRank, long earlierId,
                float similarity) implements Serializable {
    }

    private PairTasks() {
    }

    static JavaRDD<Pair> pairs(JavaRDD<DedupPoint> ranked, Broadcast<ChunkPlan> plan, float threshold) {
        return run(ranked, plan, (task, earlier, later) -> {
            TestHooks.outOfMemoryAt(TestHooks.DEDUP_PAIRS);
            Edges edges = new Edges();
            new PairScan(later.set, later.base, earlier.set, earlier.base).edges(threshold, edges);
            List<Pair> out = new ArrayList<>(edges.size());
            for (int e = 0; e < edges.size(); e++) {
                DedupPoint l = later.points.get(edges.later(e) - later.base);
                DedupPoint r = earlier.points.get(edges.earlier(e) - earlier.base);
                out.add(new Pair(task.cluster(), l.getRank(), l.getId(), l.getLabel(), r.getRank(), r.getId(),
                        edges.similarity(e)));
            }
            return out;
        });
    }

    /** (id, highest similarity to an earlier point of its cluster seen by one task); reduce by id with max. */
    static JavaRDD<Tuple2<Long, Float>> maxEarlier(JavaRDD<DedupPoint> ranked, Broadcast<ChunkPlan> plan) {
        return run(ranked, plan, (task, earlier, later) -> {
            float[] max = new float[later.points.size()];
            Arrays.fill(max, Float.NEGATIVE_INFINITY);
            new PairScan(later.set, later.base, earlier.set, earlier.base).maxEarlier(max);
            List<Tuple2<Long, Float>> out = new ArrayList<>(max.length);
            for (int i = 0; i < max.length; i++) {
                out.add(new Tuple2<>(later.points.get(i).getId(), max[i]));
            }
            return out;
        });
    }

    /** The points of one chunk in rank order, as a kernel point set whose item i has rank base + i. */
    record Chunk(List<DedupPoint> points, int base, PointSet set) {
        static Chunk of(List<DedupPoint> points, int base) {
            int d = points.get(0).getEmbedding().length;
            float[] rows = new float[points.size() * d];
            for (int i = 0; i < points.size(); i++) {
                if (points.get(i).getRank() != base + i) {
                    throw new IllegalStateException("ranks of a chunk are not consecutive at " + (base + i));
                }
                System.arraycopy(points.get(i).getEmbedding(), 0, rows, i * d, d);
            }
            return new Chunk(points, base, PointSet.of(rows, points.size(), d));
        }
    }

    interface Work<R> extends Serializable {
        List<R> call(ChunkPlan.Task task, Chunk earlier, Chunk later);
    }

    private static <R> JavaRDD<R> run(JavaRDD<DedupPoint> ranked, Broadcast<ChunkPlan> plan, Work<R> work) {
        JavaRDD<Tuple2<Integer, DedupPoint>> routed = ranked.flatMap(p -> {
            int[] tasks = plan.value().tasksOf(p.getCluster(), p.getRank());
            List<Tuple2<Integer, DedupPoint>> out = new ArrayList<>(tasks.length);
            for (int t : tasks) {
                out.add(new Tuple2<>(t, p));
            }
            return out.iterator();
        });
        return TaskPartitioner.perTask(routed, Tuple2::_1, plan.value().taskCount(), all -> {
            ChunkPlan p = plan.value();
            ChunkPlan.Task task = p.task(all.get(0)._1());
            int size = p.chunkSize();
            List<DedupPoint> earlier = new ArrayList<>();
            List<DedupPoint> later = new ArrayList<>();
            for (Tuple2<Integer, DedupPoint> t : all) {
                int chunk = t._2().getRank() / size;
                if (chunk == task.earlier()) {
                    earlier.add(t._2());
                }
                if (chunk == task.later() && task.later() != task.earlier()) {
                    later.add(t._2());
                }
            }
            earlier.sort(Comparator.comparingInt(DedupPoint::getRank));
            later.sort(Comparator.comparingInt(DedupPoint::getRank));
            Chunk e = Chunk.of(earlier, task.earlier() * size);
            Chunk l = task.later() == task.earlier() ? e : Chunk.of(later, task.later() * size);
            return work.call(task, e, l).iterator();
        });
    }
}
