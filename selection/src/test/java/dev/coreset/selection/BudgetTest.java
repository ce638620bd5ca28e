package dev.coreset.selection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coreset.selection.budget.BudgetMode;
import dev.coreset.selection.budget.ClassBudgets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BudgetTest {
    @Test
    void budgetsSumExactlyAndRespectClassSizes() {
        SplittableRandom r = new SplittableRandom(3);
        for (int trial = 0; trial < 300; trial++) {
            int classes = 1 + r.nextInt(12);
            int[] sizes = new int[classes];
            int n = 0;
            for (int c = 0; c < classes; c++) n += sizes[c] = 1 + r.nextInt(r.nextBoolean() ? 5 : 500);
            double f = 0.001 + 0.999 * r.nextDouble();
            for (BudgetMode mode : new BudgetMode[] {BudgetMode.UNIFORM, BudgetMode.PROPORTIONAL}) {
                int[] b = ClassBudgets.forFraction(sizes, f, mode);
                check(sizes, b, ClassBudgets.totalForFraction(n, f));
            }
            double[] diff = new double[classes];
            for (int c = 0; c < classes; c++) diff[c] = r.nextDouble();
            int total = 1 + r.nextInt(n);
            check(sizes, ClassBudgets.allocate(sizes, total, BudgetMode.DIFFICULTY, diff), total);
        }
    }

    private static void check(int[] sizes, int[] b, int total) {
        int s = 0;
        for (int c = 0; c < sizes.length; c++) {
            assertTrue(b[c] >= 0 && b[c] <= sizes[c], "class " + c);
            s += b[c];
        }
        assertEquals(total, s);
    }

    @Test
    void uniformRedistributesWhatSmallClassesCannotTake() {
        // 30 over 3 classes = 10 each, but class 0 has 4: its 6 go to the others (3 + 3).
        assertArrayEquals(new int[] {4, 13, 13}, ClassBudgets.allocate(new int[] {4, 100, 100}, 30, BudgetMode.UNIFORM, null));
        assertArrayEquals(new int[] {5, 5, 5}, ClassBudgets.perClass(new int[] {5, 50, 8}, 5));
        assertArrayEquals(new int[] {5, 7, 7}, ClassBudgets.perClass(new int[] {5, 50, 7}, 7));
    }

    @Test
    void proportionalIsStratifiedWithLargestRemainder() {
        // 10% of {55, 25, 20} = 10 -> 5.5, 2.5, 2.0 -> floors 5, 2, 2 and the one left to the larger remainder (tie: lower index).
        assertArrayEquals(new int[] {6, 2, 2}, ClassBudgets.forFraction(new int[] {55, 25, 20}, 0.1, BudgetMode.PROPORTIONAL));
        Map<String, Integer> sizes = new LinkedHashMap<>();
        sizes.put("cat", 300);
        sizes.put("dog", 100);
        assertEquals(Map.of("cat", 150, "dog", 50), ClassBudgets.forFraction(sizes, 0.5, BudgetMode.PROPORTIONAL));
    }

    @Test
    void difficultyModeFavoursHarderClassesAndCapsBySize() {
        double[][] scores = new double[3][];
        SplittableRandom r = new SplittableRandom(1);
        for (int c = 0; c < 3; c++) {
            scores[c] = new double[200];
            for (int i = 0; i < 200; i++) scores[c][i] = (c + 1) * r.nextDouble();
        }
        scores[0][0] = 1e9; // one extreme sample must not make the easy class look hard (winsorized)
        int[] b = ClassBudgets.forFractionByDifficulty(scores, 0.2);
        assertEquals(120, b[0] + b[1] + b[2]);
        assertTrue(b[0] < b[1] && b[1] < b[2], java.util.Arrays.toString(b));
        // Capped: the hardest class is tiny, its surplus goes to the others.
        int[] capped = ClassBudgets.allocate(new int[] {100, 100, 3}, 60, BudgetMode.DIFFICULTY, new double[] {1, 1, 100});
        assertArrayEquals(new int[] {29, 28, 3}, capped);
        assertEquals(ClassBudgets.classDifficulty(new double[] {1, 2, 3, 4, 1000}, 0.0, 0.75), (1 + 2 + 3 + 4 + 4) / 5.0, 1e-12);
    }

    @Test
    void clearErrorsForBadInput() {
        int[] sizes = {10, 20};
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClassBudgets.forFraction(sizes, 0, BudgetMode.UNIFORM))
                .getMessage().contains("fraction"));
        assertThrows(IllegalArgumentException.class, () -> ClassBudgets.forFraction(sizes, -0.5, BudgetMode.UNIFORM));
        assertThrows(IllegalArgumentException.class, () -> ClassBudgets.forFraction(sizes, 1.01, BudgetMode.PROPORTIONAL));
        assertThrows(IllegalArgumentException.class, () -> ClassBudgets.forFraction(sizes, Double.NaN, BudgetMode.PROPORTIONAL));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClassBudgets.perClass(sizes, 0))
                .getMessage().contains("per-class N"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ClassBudgets.forFraction(new int[] {5, 0}, 0.5, BudgetMode.UNIFORM)).getMessage().contains("empty"));
        assertEquals(30, ClassBudgets.forFraction(sizes, 1.0, BudgetMode.UNIFORM)[0] + ClassBudgets.forFraction(sizes, 1.0, BudgetMode.UNIFORM)[1]);
    }
}
