package dev.coreset.selection.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class HardCutTest {
    /** Low = hard. Sorted: 1(-2) 4(-1) 2(0) 8(0) 9(0) 11(.25) 5(.5) 6(1) 10(2) 0(3) 7(4.5) 3(5). */
    static final double[] SCORES = {3, -2, 0, 5, -1, 0.5, 1, 4.5, 0, 0, 2, 0.25};

    @Test
    void dropsFloorOfBetaTimesNUnlessTheBudgetNeedsMore() {
        assertEquals(3, HardCut.dropped(12, 0.25, 7));
        assertEquals(3, HardCut.dropped(12, 0.3, 0)); // floor(3.6)
        assertEquals(0, HardCut.dropped(12, 0.0, 5));
        assertEquals(0, HardCut.dropped(3, 0.3, 0)); // floor(0.9)
        // The budget wins over the cut: 12 - 10 = 2 may go, not 3.
        assertEquals(2, HardCut.dropped(12, 0.25, 10));
        assertEquals(0, HardCut.dropped(12, 0.25, 12));
        assertEquals(0, HardCut.dropped(0, 0.5, 0));
    }

    @Test
    void dropsFloorOfBetaTimesNWhereTheDoubleProductFallsJustBelowAnInteger() {
        // 0.29 x 100 is 28.999999999999996 in double and 0.35 x 700 is 244.99999999999997: the cut is 29 and 245.
        assertEquals(29, HardCut.dropped(100, 0.29, 0));
        assertEquals(245, HardCut.dropped(700, 0.35, 0));
        assertEquals(57, HardCut.dropped(100, 0.57, 0));
        // A product just above an integer stays there.
        assertEquals(7, HardCut.dropped(10, 0.7, 0));
        for (int percent = 1; percent < 100; percent++) {
            for (int n = 1; n <= 400; n++) {
                // Exact in integers: floor(percent * n / 100).
                assertEquals(percent * n / 100, HardCut.dropped(n, percent / 100.0, 0), percent + "% of " + n);
            }
        }
    }

    @Test
    void ordersHardestFirstWithTiesByIndex() {
        assertArrayEquals(new int[] {1, 4, 2, 8, 9, 11, 5, 6, 10, 0, 7, 3}, HardCut.hardestFirst(SCORES));
        assertArrayEquals(new int[0], HardCut.hardestFirst(new double[0]));
    }

    @Test
    void zeroAndNegativeZeroTieAndGoByIndex() {
        // Negating a score of 0 gives -0.0; numerically it equals 0, so the lower index is the harder.
        assertArrayEquals(new int[] {0, 1, 2}, HardCut.hardestFirst(new double[] {0.0, -0.0, 1}));
        assertArrayEquals(new int[] {1, 2}, HardCut.kept(new double[] {0.0, -0.0, 1}, 0.34, 0));
    }

    @Test
    void keepsAllButTheLowestScoresTiesDroppedByLowerIndexFirst() {
        // Three go: 1, 4, and of the three zeros the lowest index, 2.
        assertArrayEquals(new int[] {8, 9, 11, 5, 6, 10, 0, 7, 3}, HardCut.kept(SCORES, 0.25, 7));
        // A budget of 10 lets only two go: sample 2 stays.
        assertArrayEquals(new int[] {2, 8, 9, 11, 5, 6, 10, 0, 7, 3}, HardCut.kept(SCORES, 0.25, 10));
        assertEquals(12, HardCut.kept(SCORES, 0, 0).length);
    }

    @Test
    void refusesBetaOutsideZeroToOneBadBudgetsAndNaN() {
        assertThrows(IllegalArgumentException.class, () -> HardCut.dropped(10, -0.01, 0));
        assertThrows(IllegalArgumentException.class, () -> HardCut.dropped(10, 1.0, 0));
        assertThrows(IllegalArgumentException.class, () -> HardCut.dropped(10, Double.NaN, 0));
        assertThrows(IllegalArgumentException.class, () -> HardCut.dropped(10, 0.1, 11));
        assertThrows(IllegalArgumentException.class, () -> HardCut.dropped(10, 0.1, -1));
        assertThrows(IllegalArgumentException.class, () -> HardCut.hardestFirst(new double[] {1, Double.NaN}));
    }
}
