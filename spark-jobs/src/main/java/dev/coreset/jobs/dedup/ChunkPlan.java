package dev.coreset.jobs.dedup;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The units of work of the pair scan. A cluster of m points in keep order is cut into ceil(m / P) chunks of P
 * consecutive ranks; each pair of its chunks (earlier a <= later b) is one task holding at most 2P points, so memory
 * per task stays bounded however large the cluster, and every pair of the cluster is compared by exactly one task.
 * Tasks are numbered largest first (by pairs compared), so the longest ones start first.
 */
final class ChunkPlan implements Serializable {
    record Task(int cluster, int earlier, int later, long pairs) implements Serializable {
    }

    private final int chunkSize;
    private final Map<Integer, Integer> chunksPerCluster = new HashMap<>();
    private final Map<Long, Integer> index = new HashMap<>();
    private final List<Task> tasks = new ArrayList<>();

    /** @param sizes cluster number to its size */
    ChunkPlan(Map<Integer, Long> sizes, int chunkSize) {
        this.chunkSize = chunkSize;
        for (var e : sizes.entrySet()) {
            int cluster = e.getKey();
            long m = e.getValue();
            int r = (int) ((m + chunkSize - 1) / chunkSize);
            chunksPerCluster.put(cluster, r);
            for (int b = 0; b < r; b++) {
                long nb = Math.min(chunkSize, m - (long) b * chunkSize);
                for (int a = 0; a <= b; a++) {
                    long na = Math.min(chunkSize, m - (long) a * chunkSize);
                    tasks.add(new Task(cluster, a, b, a == b ? nb * (nb - 1) / 2 : na * nb));
                }
            }
        }
        tasks.sort(Comparator.comparingLong(Task::pairs).reversed().thenComparingInt(Task::cluster)
                .thenComparingInt(Task::later).thenComparingInt(Task::earlier));
        for (int t = 0; t < tasks.size(); t++) {
            Task k = tasks.get(t);
            index.put(key(k.cluster(), k.earlier(), k.later()), t);
        }
    }

    private static long key(int cluster, int earlier, int later) {
        return ((long) cluster << 40) | ((long) earlier << 20) | later;
    }

    int taskCount() {
        return tasks.size();
    }

    int chunks(int cluster) {
        return chunksPerCluster.get(cluster);
    }

    int chunkSize() {
        return chunkSize;
    }

    long largestTaskPairs() {
        return tasks.isEmpty() ? 0 : tasks.get(0).pairs();
    }

    Task task(int t) {
        return tasks.get(t);
    }

    /** Every task that needs a point of chunk x: as the earlier chunk of (x, b >= x) and the later of (a < x, x). */
    int[] tasksOf(int cluster, int rank) {
        int x = rank / chunkSize;
        int r = chunks(cluster);
        int[] out = new int[r];
        int k = 0;
        for (int b = x; b < r; b++) {
            out[k++] = index.get(key(cluster, x, b));
        }
        for (int a = 0; a < x; a++) {
            out[k++] = index.get(key(cluster, a, x));
        }
        return out;
    }
}
