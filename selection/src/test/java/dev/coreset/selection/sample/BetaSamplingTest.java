package dev.coreset.selection.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coreset.selection.sample.BetaSampling.Result;
import dev.coreset.selection.sample.BetaSampling.Shape;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.special.Gamma;
import org.junit.jupiter.api.Test;

class BetaSamplingTest {
    /* Sorted by score, highest first: 13, 1, 3, 7, 5, 9, 0, 10, then 4, 8, 11 tie at 0.3: the top ten stop at 8. */
    private static final double[] SCORE = {0.5, 0.9, 0.1, 0.9, 0.3, 0.7, 0.2, 0.8, 0.3, 0.6, 0.4, 0.3, 0.05, 0.95, 0};
    private static final int[] TOP_TEN = {13, 1, 3, 7, 5, 9, 0, 10, 4, 8};

    private static double[] mu() {
        double[] mu = new double[SCORE.length];
        for (int i = 0; i < mu.length; i++) {
            mu[i] = 0.05 + 0.06 * i;
        }
        mu[11] = 0.999; // in the anchor only if the tie at 0.3 were broken the wrong way
        return mu;
    }

    @Test
    void shapeAnchorsOnTheTenHighestScoresTiesByIndex() {
        double[] mu = mu();
        double anchor = 0;
        for (int i : TOP_TEN) {
            anchor += mu[i];
        }
        anchor /= 10;
        for (double r : new double[] {0, 0.5, 0.9, 0.99}) {
            Shape s = BetaSampling.shape(SCORE, mu, r, 4);
            double b = 15 * (1 - anchor) * (1 - r * r * r * r);
            assertEquals(anchor, s.anchor(), 1e-15);
            assertEquals(b, s.b(), 1e-13, "b at r = " + r);
            assertEquals(16 - b, s.a(), 1e-13, "a at r = " + r);
        }
        // Another exponent: b = 15 (1 - anchor)(1 - r^2).
        assertEquals(15 * (1 - anchor) * (1 - 0.81), BetaSampling.shape(SCORE, mu, 0.9, 2).b(), 1e-13);
        // High pruning shifts the density toward easy samples: its mode (a - 1) / (a + b - 2) grows with r.
        Shape low = BetaSampling.shape(SCORE, mu, 0.1, 4);
        Shape high = BetaSampling.shape(SCORE, mu, 0.95, 4);
        assertTrue((high.a() - 1) / (high.a() + high.b() - 2) > (low.a() - 1) / (low.a() + low.b() - 2));
    }

    @Test
    void shapeWithFewerThanTenSamplesOrAnAnchorOfOne() {
        // Fewer than ten samples: the mean mu of all.
        Shape few = BetaSampling.shape(new double[] {3, 1, 2}, new double[] {0.2, 0.4, 0.9}, 0.5, 4);
        assertEquals(0.5, few.anchor(), 1e-15);
        assertEquals(15 * 0.5 * (1 - 0.0625), few.b(), 1e-13);
        // Anchor 1 would make b = 0: b stays at its floor and a + b = 16.
        Shape one = BetaSampling.shape(new double[] {1, 2}, new double[] {1, 1}, 0.5, 4);
        assertEquals(1.0, one.anchor());
        assertEquals(BetaSampling.B_MIN, one.b());
        assertEquals(16 - BetaSampling.B_MIN, one.a(), 1e-15);
        assertEquals(0.5, BetaSampling.shape(new double[0], new double[0], 0.5, 4).anchor());
    }

    @Test
    void anchorTiesBetweenZeroAndNegativeZeroGoByIndex() {
        // Nine positive scores, then -0.0 at 9 and 0.0 at 10: equal, so the tenth anchor sample is 9.
        double[] score = new double[11];
        double[] mu = new double[11];
        for (int i = 0; i < 9; i++) {
            score[i] = 1 + i;
            mu[i] = 0.5;
        }
        score[9] = -0.0;
        mu[9] = 0.3;
        score[10] = 0.0;
        mu[10] = 0.9;
        assertEquals((9 * 0.5 + 0.3) / 10, BetaSampling.shape(score, mu, 0.5, 4).anchor(), 1e-15);
    }

    @Test
    void weightIsTheBetaDensityAtMuTimesTheScore() {
        SplittableRandom r = new SplittableRandom(31);
        for (int trial = 0; trial < 500; trial++) {
            double anchor = r.nextDouble();
            double prune = 0.99 * r.nextDouble();
            double b = Math.max(BetaSampling.B_MIN, 15 * (1 - anchor) * (1 - Math.pow(prune, 4)));
            Shape shape = new Shape(anchor, 16 - b, b);
            double mu = 0.001 + 0.998 * r.nextDouble();
            double score = r.nextDouble();
            double expected = new BetaDistribution(null, shape.a(), shape.b()).density(mu) * score;
            double got = BetaSampling.weight(score, mu, shape);
            assertEquals(expected, got, 1e-9 * expected, "a=" + shape.a() + " b=" + shape.b() + " mu=" + mu);
            // The density from Gamma functions, as a second reference.
            double viaGamma = Math.pow(mu, shape.a() - 1) * Math.pow(1 - mu, shape.b() - 1)
                    * Gamma.gamma(shape.a() + shape.b()) / (Gamma.gamma(shape.a()) * Gamma.gamma(shape.b())) * score;
            assertEquals(viaGamma, got, 1e-8 * viaGamma);
        }
    }

    @Test
    void weightIsZeroForZeroOrNegativeScoresAndFiniteAtMuZeroOrOne() {
        Shape s = new Shape(0.6, 10, 6);
        assertEquals(0.0, BetaSampling.weight(0, 0.5, s));
        assertEquals(0.0, BetaSampling.weight(-1, 0.5, s));
        // a or b below 1 makes the density infinite at 0 or 1: mu is kept a margin inside.
        Shape steep = new Shape(0.99, 16 - 0.5, 0.5);
        double atOne = BetaSampling.weight(1, 1.0, steep);
        assertTrue(Double.isFinite(atOne) && atOne > 0);
        assertEquals(new BetaDistribution(null, steep.a(), steep.b()).density(1 - BetaSampling.MU_MARGIN), atOne,
                1e-9 * atOne);
        assertEquals(BetaSampling.weight(2, BetaSampling.MU_MARGIN, s), BetaSampling.weight(2, -0.5, s));
    }

    @Test
    void selectReturnsTheBudgetInDistinctIndicesDeterministicallyWithItsWeights() {
        double[] mu = mu();
        Result a = BetaSampling.select(SCORE, mu, 8, 0.5, 4, 7);
        Result b = BetaSampling.select(SCORE, mu, 8, 0.5, 4, 7);
        assertArrayEquals(a.indices(), b.indices());
        assertEquals(8, a.indices().length);
        assertEquals(8, toSet(a.indices()).size());
        assertEquals(BetaSampling.shape(SCORE, mu, 0.5, 4), a.shape());
        for (int i = 0; i < SCORE.length; i++) {
            assertEquals(BetaSampling.weight(SCORE[i], mu[i], a.shape()), a.weights()[i], 0.0);
        }
        // Sample 14 has score 0: with 14 positive weights it is never among 8 picks, and comes last for 15.
        assertFalse(toSet(a.indices()).contains(14));
        for (long seed = 0; seed < 50; seed++) {
            assertFalse(toSet(BetaSampling.select(SCORE, mu, 14, 0.5, 4, seed).indices()).contains(14));
            int[] all = BetaSampling.select(SCORE, mu, 15, 0.5, 4, seed).indices();
            assertEquals(14, all[14]);
        }
        int differ = 0;
        for (long seed = 8; seed < 18; seed++) {
            if (!Arrays.equals(a.indices(), BetaSampling.select(SCORE, mu, 8, 0.5, 4, seed).indices())) {
                differ++;
            }
        }
        assertTrue(differ >= 5, "only " + differ + " of 10 seeds gave another draw");
        assertEquals(0, BetaSampling.select(SCORE, mu, 0, 0.5, 4, 1).indices().length);
    }

    @Test
    void zeroWeightSamplesFillOnlyWhatPositiveWeightsCannot() {
        // Six of ten have score 0; a budget of 8 takes the four positives first, then 4 of the 6 zeros.
        double[] score = {0, 0.2, 0, 0, 0.5, 0, 0.1, 0, 0, 0.3};
        double[] mu = {0.5, 0.4, 0.6, 0.5, 0.3, 0.7, 0.5, 0.2, 0.6, 0.5};
        Set<Integer> seenZeros = new HashSet<>();
        for (long seed = 0; seed < 200; seed++) {
            int[] picks = BetaSampling.select(score, mu, 8, 0.5, 4, seed).indices();
            assertEquals(Set.of(1, 4, 6, 9), toSet(Arrays.copyOf(picks, 4)));
            for (int j = 4; j < 8; j++) {
                assertEquals(0.0, score[picks[j]]);
                seenZeros.add(picks[j]);
            }
            assertEquals(8, toSet(picks).size());
        }
        // The zeros are drawn at random, not by index: every one of them shows up.
        assertEquals(Set.of(0, 2, 3, 5, 7, 8), seenZeros);
    }

    @Test
    void firstPickHasProbabilityWeightOverTotalAndTwoPicksFollowSuccessiveSampling() {
        double[] score = {0.1, 0.4, 0.25, 0.6, 0.3, 0.05};
        double[] mu = {0.5, 0.45, 0.7, 0.55, 0.35, 0.6};
        double[] w = BetaSampling.select(score, mu, 0, 0.5, 4, 0).weights();
        double total = Arrays.stream(w).sum();
        double[] p = Arrays.stream(w).map(x -> x / total).toArray();
        int runs = 20000;
        int[] first = new int[score.length];
        int[] inTwo = new int[score.length];
        for (int seed = 0; seed < runs; seed++) {
            int[] picks = BetaSampling.select(score, mu, 2, 0.5, 4, seed).indices();
            first[picks[0]]++;
            inTwo[picks[0]]++;
            inTwo[picks[1]]++;
        }
        for (int i = 0; i < score.length; i++) {
            // Drawn proportional to w without replacement: P(i in two) = p_i + sum_j p_j p_i / (1 - p_j).
            double two = p[i];
            for (int j = 0; j < score.length; j++) {
                if (j != i) {
                    two += p[j] * p[i] / (1 - p[j]);
                }
            }
            assertWithin(first[i], runs, p[i], "first pick " + i);
            assertWithin(inTwo[i], runs, two, "two picks " + i);
        }
        // The weights differ enough that uniform draws would fail the bound above.
        assertTrue(Arrays.stream(p).max().orElseThrow() > 2 * Arrays.stream(p).min().orElseThrow());
    }

    @Test
    void refusesNaNBadBudgetsMismatchedLengthsAndPruneRatesOutsideZeroToOne() {
        double[] mu = mu();
        double[] nanScore = SCORE.clone();
        nanScore[3] = Double.NaN;
        double[] nanMu = mu.clone();
        nanMu[5] = Double.NaN;
        assertThrows(IllegalArgumentException.class, () -> BetaSampling.select(nanScore, mu, 3, 0.5, 4, 1));
        assertThrows(IllegalArgumentException.class, () -> BetaSampling.select(SCORE, nanMu, 3, 0.5, 4, 1));
        assertThrows(IllegalArgumentException.class, () -> BetaSampling.select(SCORE, mu, 16, 0.5, 4, 1));
        assertThrows(IllegalArgumentException.class, () -> BetaSampling.select(SCORE, mu, -1, 0.5, 4, 1));
        assertThrows(IllegalArgumentException.class, () -> BetaSampling.select(SCORE, new double[3], 1, 0.5, 4, 1));
        assertThrows(IllegalArgumentException.class, () -> BetaSampling.select(SCORE, mu, 3, 1.0, 4, 1));
        assertThrows(IllegalArgumentException.class, () -> BetaSampling.shape(SCORE, mu, -0.1, 4));
        assertThrows(IllegalArgumentException.class, () -> BetaSampling.shape(SCORE, mu, Double.NaN, 4));
        assertEquals(15, BetaSampling.select(SCORE, mu, 15, 0.5, 4, 1).indices().length); // budget n is fine
    }

    private static void assertWithin(int count, int runs, double p, String what) {
        double mean = runs * p;
        double sd = Math.sqrt(runs * p * (1 - p));
        assertTrue(Math.abs(count - mean) <= 5 * sd, what + ": " + count + " vs " + mean + " +- " + sd);
    }

    private static Set<Integer> toSet(int[] a) {
        Set<Integer> s = new HashSet<>();
        for (int v : a) {
            s.add(v);
        }
        return s;
    }
}
