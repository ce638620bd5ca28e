package dev.coreset.selection;

import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.selection.cluster.KMeans;
import dev.coreset.selection.data.GaussianMixture;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class KMeansTest {
    @Test
    void wellSeparatedComponentsAreFoundExactly() {
        // 6 components far apart (spread 30, unit noise): each cluster must be exactly one component.
        GaussianMixture g = GaussianMixture.generate(1_200, 5, 6, 30.0, 3);
        KMeans.Result r = KMeans.fit(g.points(), g.n(), g.d(), 6, 50, 11);
        int[] cluster = nearest(g.points(), g.n(), g.d(), r.centers(), 6);
        int[] componentOfCluster = new int[6];
        Arrays.fill(componentOfCluster, -1);
        for (int i = 0; i < g.n(); i++) {
            int c = cluster[i];
            if (componentOfCluster[c] < 0) componentOfCluster[c] = g.labels()[i];
            assertEquals(componentOfCluster[c], g.labels()[i], "point " + i + " shares a cluster with another component");
        }
        assertEquals(6, Arrays.stream(componentOfCluster).distinct().count(), "every component has its own cluster");
    }

    @Test
    void resultIsALloydFixedPointAndDeterministic() {
        GaussianMixture g = GaussianMixture.generate(900, 4, 3, 2.0, 8);
        KMeans.Result r = KMeans.fit(g.points(), g.n(), g.d(), 5, 200, 2);
        assertTrue(r.iterations() < 200, "converged");
        // Every center is the mean of the points nearest to it (brute force), and the inertia is their sum.
        int[] cluster = nearest(g.points(), g.n(), g.d(), r.centers(), 5);
        double[] sum = new double[5 * 4];
        int[] count = new int[5];
        double inertia = 0;
        for (int i = 0; i < g.n(); i++) {
            count[cluster[i]]++;
            for (int t = 0; t < 4; t++) sum[cluster[i] * 4 + t] += g.points()[i * 4 + t];
            inertia += sq(g.points(), i, r.centers(), cluster[i], 4);
        }
        for (int c = 0; c < 5; c++) {
            assertTrue(count[c] > 0);
            for (int t = 0; t < 4; t++) assertEquals(sum[c * 4 + t] / count[c], r.centers()[c * 4 + t], 1e-4);
        }
        assertEquals(inertia, r.inertia(), 1e-6 * inertia);
        assertArrayEquals(r.centers(), KMeans.fit(g.points(), g.n(), g.d(), 5, 200, 2).centers(), 0f);
        // Lloyd only lowers the seeding's cost.
        KMeans.Result seedsOnly = KMeans.fit(g.points(), g.n(), g.d(), 5, 0, 2);
        assertTrue(r.inertia() <= seedsOnly.inertia());
    }

    @Test
    void moreClustersThanDistinctPointsKeepsEmptyClusters() {
        float[] two = {0, 0, 1, 1, 0, 0, 1, 1};
        KMeans.Result r = KMeans.fit(two, 4, 2, 3, 10, 1);
        assertEquals(0.0, r.inertia(), 0.0);
        assertEquals(6, r.centers().length);
    }

    private static int[] nearest(float[] x, int n, int d, float[] centers, int k) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            for (int c = 1; c < k; c++) {
                if (sq(x, i, centers, c, d) < sq(x, i, centers, out[i], d)) out[i] = c;
            }
        }
        return out;
    }

    private static double sq(float[] x, int i, float[] centers, int c, int d) {
        double s = 0;
        for (int t = 0; t < d; t++) {
            double diff = (double) x[i * d + t] - centers[c * d + t];
            s += diff * diff;
        }
        return s;
    }
}
