package dev.coreset.selection.sample;

import dev.coreset.selection.score.ScorePicks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * CCS, coverage-centric coreset selection (Zheng et al., ICLR 2023; ALGORITHMS.md) on one class: drop the hardest
 * fraction beta ({@link HardCut}), split the remaining score range into K equal-width strata, give the strata equal
 * shares of the budget (visited from the smallest to the largest, each taking min(its size, what is left / strata
 * left), so a small stratum's unused share goes to the larger ones), and draw uniformly without replacement inside
 * each stratum. Covers easy, medium and hard samples instead of one end of the score. Plain Java, deterministic for
 * a seed: the same scores, budget and seed give the same indices.
 */
public final class CoverageSampling {
    /** The paper's number of strata. */
    public static final int DEFAULT_STRATA = 50;

    /**
     * @param indices   picked sample indices, grouped by stratum (ascending stratum), each stratum's in draw order
     * @param strata    the stratum of each pick
     * @param sizes     samples per stratum after the cut
     * @param budgets   picks per stratum
     * @param dropped   samples removed by the hard cut
     * @param low       the score range the strata split: [low, high]
     */
    public record Result(int[] indices, int[] strata, int[] sizes, int[] budgets, int dropped, double low,
                         double high) {
    }

    private CoverageSampling() {
    }

    /**
     * @param lowIsHard difficulty score per sample, low = hard (no NaN)
     * @param budget    samples to pick (at most n)
     * @param hardCut   beta in [0, 1)
     * @param strata    K >= 1
     */
    public static Result select(double[] lowIsHard, int budget, double hardCut, int strata, long seed) {
        if (strata < 1) {
            throw new IllegalArgumentException("strata must be >= 1, got " + strata);
        }
        int n = lowIsHard.length;
        int[] order = HardCut.hardestFirst(lowIsHard);
        int cut = HardCut.dropped(n, hardCut, budget);
        int[] kept = Arrays.copyOfRange(order, cut, n);
        if (kept.length == 0) {
            return new Result(new int[0], new int[0], new int[strata], new int[strata], cut, Double.NaN, Double.NaN);
        }
        double low = lowIsHard[kept[0]];
        double high = lowIsHard[kept[kept.length - 1]];
        List<List<Integer>> members = new ArrayList<>();
        for (int s = 0; s < strata; s++) {
            members.add(new ArrayList<>());
        }
        for (int i : kept) { // ascending score: each stratum's members come out in (score, index) order
            members.get(stratum(lowIsHard[i], low, high, strata)).add(i);
        }
        int[] sizes = members.stream().mapToInt(List::size).toArray();
        int[] budgets = allocate(sizes, budget);
        SplittableRandom root = new SplittableRandom(seed);
        int[] out = new int[budget];
        int[] outStrata = new int[budget];
        int o = 0;
        for (int s = 0; s < strata; s++) {
            long streamSeed = root.nextLong(); // one stream per stratum, drawn whether or not it is used
            List<Integer> m = members.get(s);
            for (int j : ScorePicks.randomOrder(m.size(), budgets[s], streamSeed)) {
                out[o] = m.get(j);
                outStrata[o++] = s;
            }
        }
        return new Result(out, outStrata, sizes, budgets, cut, low, high);
    }

    /** The stratum (0..K-1) of a score in [low, high]: equal widths, the top edge inside the last stratum. */
    public static int stratum(double score, double low, double high, int strata) {
        double width = (high - low) / strata;
        if (!(width > 0)) {
            return 0;
        }
        int s = (int) Math.floor((score - low) / width);
        return Math.max(0, Math.min(strata - 1, s));
    }

    /**
     * CCS's budget split: non-empty strata visited from the smallest to the largest (ties by stratum index), each
     * taking min(size, remaining / non-empty strata left) (integer division); anything still left (from rounding)
     * goes, in the same order, to strata with room. Sums to min(budget, total size).
     */
    public static int[] allocate(int[] sizes, int budget) {
        Integer[] order = new Integer[sizes.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.<Integer>comparingInt(i -> sizes[i]).thenComparingInt(i -> i));
        int nonEmpty = (int) Arrays.stream(sizes).filter(s -> s > 0).count();
        int[] out = new int[sizes.length];
        int remaining = budget;
        int left = nonEmpty;
        for (int i : order) {
            if (sizes[i] == 0) {
                continue;
            }
            int give = Math.min(sizes[i], remaining / left);
            out[i] = give;
            remaining -= give;
            left--;
        }
        for (int i : order) {
            if (remaining == 0) {
                break;
            }
            int more = Math.min(sizes[i] - out[i], remaining);
            out[i] += more;
            remaining -= more;
        }
        return out;
    }
}
