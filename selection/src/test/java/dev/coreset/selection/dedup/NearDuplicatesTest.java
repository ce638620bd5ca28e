package dev.coreset.selection.dedup;

import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.selection.kernel.PointSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NearDuplicatesTest {

    /** n points in keep order: base points plus near copies (small noise) inserted at random positions. */
    private static float[] withNearCopies(int base, int copies, int d, double noise, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<float[]> pts = new ArrayList<>();
        for (int i = 0; i < base; i++) {
            float[] v = new float[d];
            for (int t = 0; t < d; t++) {
                v[t] = (float) r.nextGaussian();
            }
            pts.add(v);
        }
        for (int c = 0; c < copies; c++) {
            float[] src = pts.get(r.nextInt(pts.size()));
            float[] v = new float[d];
            for (int t = 0; t < d; t++) {
                v[t] = (float) (src[t] + noise * r.nextGaussian());
            }
            pts.add(r.nextInt(pts.size() + 1), v);
        }
        float[] rows = new float[pts.size() * d];
        for (int i = 0; i < pts.size(); i++) {
            System.arraycopy(pts.get(i), 0, rows, i * d, d);
        }
        return rows;
    }

    private static double cosine(float[] rows, int i, int j, int d) {
        double dot = 0, a = 0, b = 0;
        for (int t = 0; t < d; t++) {
            dot += (double) rows[i * d + t] * rows[j * d + t];
            a += (double) rows[i * d + t] * rows[i * d + t];
            b += (double) rows[j * d + t] * rows[j * d + t];
        }
        return dot / Math.sqrt(a * b);
    }

    /** The rule written out over all pairs in doubles: the reference the blocked code must match. */
    private static int[] bruteForce(float[] rows, int n, int d, double eps) {
        int[] dupOf = new int[n];
        Arrays.fill(dupOf, -1);
        for (int i = 0; i < n; i++) {
            double best = -2;
            for (int j = 0; j < i; j++) {
                if (dupOf[j] >= 0) {
                    continue;
                }
                double s = cosine(rows, i, j, d);
                if (s >= 1 - eps && s > best) {
                    best = s;
                    dupOf[i] = j;
                }
            }
        }
        return dupOf;
    }

    @Test
    void blockedGreedyMatchesBruteForce() {
        int d = 24;
        float[] rows = withNearCopies(700, 150, d, 0.08, 1);
        int n = rows.length / d;
        for (double eps : new double[] {0.002, 0.01, 0.05}) {
            GreedyKeep.Result r = NearDuplicates.find(rows, n, d, eps);
            assertArrayEquals(bruteForce(rows, n, d, eps), r.duplicateOf(), "eps " + eps);
            for (int i = 0; i < n; i++) {
                if (r.duplicateOf()[i] >= 0) {
                    assertEquals(cosine(rows, i, r.duplicateOf()[i], d), r.similarity()[i], 1e-5);
                }
            }
        }
        // Noise 0.08 in 24 dims: cosine about 0.997, so at eps 0.01 the copies are found and little else.
        int found = NearDuplicates.find(rows, n, d, 0.01).duplicates();
        assertTrue(found >= 140 && found <= 150, "found " + found);
    }

    @Test
    void chunksOfAClusterGiveTheSamePairsAsTheWhole() {
        int d = 16;
        float[] rows = withNearCopies(900, 300, d, 0.05, 2);
        int n = rows.length / d;
        double eps = 0.01;
        int[] cuts = {0, 333, 334, 700, n}; // uneven chunks, one of a single point
        List<PointSet> chunks = new ArrayList<>();
        for (int c = 0; c + 1 < cuts.length; c++) {
            chunks.add(PointSet.of(Arrays.copyOfRange(rows, cuts[c] * d, cuts[c + 1] * d), cuts[c + 1] - cuts[c], d));
        }
        Edges edges = new Edges();
        // Pairs in a scrambled order: the result must not depend on which unit of work ran first.
        for (int b = chunks.size() - 1; b >= 0; b--) {
            for (int a = 0; a <= b; a++) {
                new PairScan(chunks.get(b), cuts[b], chunks.get(a), cuts[a]).edges(NearDuplicates.threshold(eps), edges);
            }
        }
        GreedyKeep.Result split = GreedyKeep.resolve(n, edges);
        assertArrayEquals(bruteForce(rows, n, d, eps), split.duplicateOf());
        assertArrayEquals(NearDuplicates.find(rows, n, d, eps).similarity(), split.similarity());
    }

    @Test
    void onlyKeptItemsRemove() {
        // a ~ b and b ~ c above the threshold, a and c apart: b goes, c stays.
        float[] rows = {1, 0, 0.8f, 0.6f, 0.28f, 0.96f};
        double sAB = 0.8, sBC = 0.8 * 0.28 + 0.6 * 0.96;
        assertTrue(sBC > 0.79);
        GreedyKeep.Result r = NearDuplicates.find(rows, 3, 2, 0.21);
        assertArrayEquals(new int[] {-1, 0, -1}, r.duplicateOf());
        assertEquals(sAB, r.similarity()[1], 1e-6);
        // Keep order decides: with c first, b goes as c's copy and a stays.
        float[] reversed = {0.28f, 0.96f, 0.8f, 0.6f, 1, 0};
        assertArrayEquals(new int[] {-1, 0, -1}, NearDuplicates.find(reversed, 3, 2, 0.21).duplicateOf());
    }

    @Test
    void aDuplicateNamesItsMostSimilarKeptItem() {
        float[] rows = {1, 0, 0, 1, 0.6f, 0.8f}; // third: cos 0.6 to the first, 0.8 to the second
        GreedyKeep.Result r = NearDuplicates.find(rows, 3, 2, 0.5);
        assertArrayEquals(new int[] {-1, -1, 1}, r.duplicateOf());
    }

    @Test
    void maxEarlierAndTheEpsilonOfAShare() {
        int d = 12;
        float[] rows = withNearCopies(400, 100, d, 0.1, 3);
        int n = rows.length / d;
        float[] max = NearDuplicates.maxEarlier(rows, n, d);
        assertEquals(Float.NEGATIVE_INFINITY, max[0]);
        for (int i = 1; i < n; i++) {
            double m = -2;
            for (int j = 0; j < i; j++) {
                m = Math.max(m, cosine(rows, i, j, d));
            }
            assertEquals(m, max[i], 1e-5);
        }
        for (double share : new double[] {0.05, 0.15, 0.3}) {
            double eps = NearDuplicates.epsilonForShare(max, share);
            float t = NearDuplicates.threshold(eps);
            long removedByAnyEarlier = 0;
            for (float m : max) {
                if (m >= t) {
                    removedByAnyEarlier++;
                }
            }
            assertEquals((long) Math.ceil(share * n), removedByAnyEarlier, "share " + share);
            assertTrue(NearDuplicates.find(rows, n, d, eps).duplicates() <= removedByAnyEarlier);
        }
        assertThrows(IllegalArgumentException.class, () -> NearDuplicates.epsilonForShare(max, 1.0));
        assertThrows(IllegalArgumentException.class, () -> NearDuplicates.threshold(0));
    }

    @Test
    void exactDuplicatesByHashThenEquality() {
        List<float[]> v = List.of(new float[] {1, 2}, new float[] {3, 4}, new float[] {1, 2}, new float[] {0f, 1},
                new float[] {-0f, 1}, new float[] {3, 4}, new float[] {1, 2});
        assertArrayEquals(new int[] {-1, -1, 0, -1, -1, 1, 0}, ExactDuplicates.ofVectors(v));
        // "Aa" and "BB" share Java's hash code: the equality check keeps them apart.
        List<byte[]> b = List.of("Aa".getBytes(), "BB".getBytes(), "BB".getBytes(), "Aa".getBytes());
        assertEquals(Arrays.hashCode(b.get(0)), Arrays.hashCode(b.get(1)));
        assertArrayEquals(new int[] {-1, -1, 1, 0}, ExactDuplicates.ofBytes(b));
    }
}
