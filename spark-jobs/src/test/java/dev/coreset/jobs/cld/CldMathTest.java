package dev.coreset.jobs.cld;

import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.schemas.CoresetInputException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Spark-free parts of the job: checkpoint choice, the noise threshold (CLD and budgets: selection module tests). */
class CldMathTest {
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
        // Bayes point: log(0.2 / 0.8) + (x^2 - (x - 6)^2) / 2 = 0, x = 3 + ln(4) / 6 = 3.23 (past half-way: 20% prior).
        assertEquals(3 + Math.log(4) / 6, two.threshold(), 0.1);
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
