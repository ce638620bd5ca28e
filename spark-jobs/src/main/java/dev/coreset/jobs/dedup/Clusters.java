package dev.coreset.jobs.dedup;

import dev.coreset.selection.assign.NearestCenterAssigner;
import dev.coreset.selection.cluster.KMeans;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * SemDeDup's clusters: per scope group, k-means (plain-Java {@link KMeans}, one task per group) on a seeded sample of
 * the normalized embeddings, then every point goes to its nearest centre (centres broadcast). The cluster number
 * runs across groups (group g's clusters follow those of the groups before it). Under keep easy / hard the point's
 * keep key becomes its cosine to that centre (nearest first, or farthest first).
 */
final class Clusters {
    private static final int KMEANS_ITERATIONS = 20;
    /** Sampled points per centre at least, so the centres are not fitted on a handful each. */
    private static final int SAMPLE_PER_CENTRE = 40;

    /** One group's centres (normalized rows) and the number of its first cluster. */
    record Centres(float[] rows, int k, int d, int first) implements Serializable {
    }

    private Clusters() {
    }

    /** Clusters per group: --clusters, or about one per --partition-size points (at least 1, at most the group). */
    static Map<Integer, Integer> counts(Map<Integer, Long> groupSizes, Integer clusters, int partitionSize) {
        Map<Integer, Integer> k = new TreeMap<>();
        groupSizes.forEach((g, n) -> k.put(g, (int) Math.max(1, Math.min(n,
                clusters != null ? clusters : (n + partitionSize - 1) / partitionSize))));
        return k;
    }

    /** Sample rate per group: enough points for the centres, at most the group. */
    static Map<Integer, Double> sampleRates(Map<Integer, Long> groupSizes, Map<Integer, Integer> k, int partitionSize) {
        Map<Integer, Double> rate = new TreeMap<>();
        groupSizes.forEach((g, n) -> rate.put(g,
                Math.min(1.0, (double) Math.max(partitionSize, (long) SAMPLE_PER_CENTRE * k.get(g)) / n)));
        return rate;
    }

    /** Fits each group's centres on its sample (points sorted by id, so the fit does not depend on partitioning). */
    static Map<Integer, Centres> fit(JavaRDD<DedupPoint> sample, Map<Integer, Integer> k, int d, long seed) {
        Map<Integer, Integer> kCopy = new TreeMap<>(k);
        Map<Integer, float[]> fitted = new HashMap<>(sample.groupBy(DedupPoint::getGroup).mapValues(it -> {
            List<DedupPoint> pts = new ArrayList<>();
            it.forEach(pts::add);
            pts.sort((a, b) -> Long.compare(a.getId(), b.getId()));
            float[] rows = new float[pts.size() * d];
            for (int i = 0; i < pts.size(); i++) {
                System.arraycopy(pts.get(i).getEmbedding(), 0, rows, i * d, d);
            }
            int g = pts.get(0).getGroup();
            return KMeans.fit(rows, pts.size(), d, Math.min(kCopy.get(g), pts.size()), KMEANS_ITERATIONS,
                    seed * 131 + g).centers();
        }).collectAsMap());
        Map<Integer, Centres> out = new TreeMap<>();
        int first = 0;
        for (var e : k.entrySet()) {
            float[] c = fitted.get(e.getKey());
            // No sampled point (a vanishing chance for a large group): one cluster, every key 0.
            out.put(e.getKey(), new Centres(c, c == null ? 1 : c.length / d, d, first));
            first += e.getValue();
        }
        return out;
    }

    /** Sets cluster (and, for easy / hard, the key) of every point; the embeddings are already normalized. */
    static JavaRDD<DedupPoint> assign(JavaRDD<DedupPoint> points, Broadcast<Map<Integer, Centres>> centres,
                                      KeepPolicy keep) {
        return points.mapPartitions(it -> {
            Map<Integer, NearestCenterAssigner> assigners = new HashMap<>();
            List<DedupPoint> out = new ArrayList<>();
            int[] idx = new int[1];
            double[] dist = new double[1];
            while (it.hasNext()) {
                DedupPoint p = it.next();
                Centres c = centres.value().get(p.getGroup());
                int local = 0;
                if (c.rows() != null && c.k() > 1) {
                    assigners.computeIfAbsent(p.getGroup(), g -> new NearestCenterAssigner(c.rows(), c.k(), c.d()))
                            .assign(p.getEmbedding(), 1, idx, dist);
                    local = idx[0];
                }
                p.setCluster(c.first() + local);
                if (keep.byCentre()) {
                    double cos = c.rows() == null ? 0 : cosine(p.getEmbedding(), c.rows(), local * c.d(), c.d());
                    p.setKey(keep.kind() == KeepPolicy.Kind.EASY ? -cos : cos);
                }
                out.add(p);
            }
            return out.iterator();
        });
    }

    static double cosine(float[] v, float[] rows, int offset, int d) {
        double dot = 0;
        double norm = 0;
        for (int t = 0; t < d; t++) {
            dot += (double) v[t] * rows[offset + t];
            norm += (double) rows[offset + t] * rows[offset + t];
        }
        return norm == 0 ? 0 : dot / Math.sqrt(norm);
    }
}
