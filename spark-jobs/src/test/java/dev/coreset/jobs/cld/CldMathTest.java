package dev.coreset.jobs.cld;

import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.schemas.CoresetInputException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Spark-free parts: Pearson, budgets, checkpoint choice, the noise threshold. */
class CldMathTest {
    @Test
    void pearsonEdgeCases() {
        assertEquals(1.0, Trajectories.pearson(new double[] {1, 2, 3}, new double[] {2, 4, 6}), 1e-15);
        assertEquals(-1.0, Trajectories.pearson(new double[] {1, 2, 3}, new double[] {3, 2, 1}), 1e-15);
        assertEquals(0.0, Trajectories.pearson(new double[] {1, 1, 1}, new double[] {3, 2, 1}));
        assertEquals(0.0, Trajectories.pearson(new double[] {1, 2, 3}, new double[] {5, 5, 5}));
        assertEquals(0.0, Trajectories.pearson(new double[] {1}, new double[] {2}));
        assertEquals(0.0, Trajectories.pearson(new double[] {Double.NaN, 1, 2}, new double[] {1, 2, 3}));
        assertEquals(2, Trajectories.forgetting(new boolean[] {true, false, true, false, false, true}));
        assertEquals(0, Trajectories.forgetting(new boolean[] {false, false, true, true}));
    }

    @Test
    void budgetsWaterFillAndSumToK() {
        assertArrayEquals(new long[] {4, 3, 3}, ClassBudgets.allocate(10, new long[] {20, 10, 3}, new double[] {1, 1, 1}));
        assertArrayEquals(new long[] {6, 3, 1}, ClassBudgets.allocate(10, new long[] {20, 10, 3}, new double[] {20, 10, 3}));
        assertArrayEquals(new long[] {20, 10, 3}, ClassBudgets.allocate(100, new long[] {20, 10, 3}, new double[] {1, 1, 1}));
        assertArrayEquals(new long[] {0, 5, 5}, ClassBudgets.allocate(10, new long[] {0, 50, 50}, new double[] {1, 1, 1}));
        Random rnd = new Random(3);
        for (int trial = 0; trial < 200; trial++) {
            int c = 1 + rnd.nextInt(12);
            long[] sizes = new long[c];
            double[] w = new double[c];
            long total = 0;
            for (int i = 0; i < c; i++) {
                sizes[i] = rnd.nextInt(40);
                w[i] = rnd.nextDouble() < 0.1 ? 0 : rnd.nextDouble() * 5;
                total += sizes[i];
            }
            long k = rnd.nextInt(150);
            long[] got = ClassBudgets.allocate(k, sizes, w);
            long sum = 0;
            for (int i = 0; i < c; i++) {
                assertTrue(got[i] >= 0 && got[i] <= sizes[i]);
                sum += got[i];
            }
            assertEquals(Math.min(k, total), sum);
        }
    }

    @Test
    void checkpointSelection() {
        List<Integer> available = List.of(5, 0, 10, 15, 20);
        assertEquals(List.of(0, 5, 10, 15, 20), CheckpointSelection.parse("all").choose(available, "p"));
        assertEquals(List.of(0, 5, 10), CheckpointSelection.parse("first:3").choose(available, "p"));
        assertEquals(List.of(0, 10, 20), CheckpointSelection.parse("20, 0,10").choose(available, "p"));
        assertThrows(CoresetInputException.class, () -> CheckpointSelection.parse("first:6").choose(available, "p"));
        assertThrows(CoresetInputException.class, () -> CheckpointSelection.parse("first:x"));
        assertThrows(CoresetInputException.class, () -> CheckpointSelection.parse("1,2"));
    }

    private static long[] histogram(double[] x, double lo, double hi, int bins) {
        long[] h = new long[bins];
        for (double v : x) {
            h[Math.min(bins - 1, (int) Math.floor((v - lo) / (hi - lo) * bins))]++;
        }
        return h;
    }

    @Test
    void thresholdSplitsTwoPopulationsAndLeavesOneAlone() {
        Random rnd = new Random(1);
        double[] mix = new double[5000];
        for (int i = 0; i < mix.length; i++) {
            mix[i] = i < 4000 ? rnd.nextGaussian() : 6 + rnd.nextGaussian();
        }
        NoiseThreshold.Fit two = NoiseThreshold.fit(-5, 11, histogram(mix, -5, 11, 512));
        assertTrue(two.bimodal());
        assertEquals(3.0, two.threshold(), 0.3, "equal spreads: densities cross half-way");
        assertEquals(0.2, two.highWeight(), 0.02);

        double[] one = new double[5000];
        double[] skewed = new double[5000];
        for (int i = 0; i < one.length; i++) {
            one[i] = rnd.nextGaussian();
            skewed[i] = -Math.log(rnd.nextDouble());
        }
        assertFalse(NoiseThreshold.fit(-5, 5, histogram(one, -5, 5, 512)).bimodal(), "one Gaussian");
        assertFalse(NoiseThreshold.fit(0, 12, histogram(skewed, 0, 12, 512)).bimodal(), "one skewed population");
    }
}
