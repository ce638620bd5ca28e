package dev.coreset.selection.optimize;

import dev.coreset.selection.function.SetFunction;

/**
 * Lazy (accelerated) greedy, Minoux 1978: gains only shrink as the set grows, so a stale gain is an upper
 * bound. Keep them in a max-heap; re-evaluate the top; if it is still the top after re-evaluation, it is the
 * greedy pick. Returns exactly {@link NaiveGreedy}'s set and order, because (1) the heap breaks ties by the
 * lowest element like naive greedy and (2) {@link SetFunction#gains} gives each element the same bits
 * whatever else is evaluated with it (and float gains are non-increasing too: see FacilityLocation).
 *
 * <p>{@code batch} &gt; 1 re-evaluates the top {@code batch} stale entries together (one blocked kernel call):
 * the extra evaluations only tighten bounds, so the answer is unchanged; it trades some wasted work for
 * far better arithmetic intensity. Within a step the batch doubles (up to 64) each time the top is still stale.
 * The first pass is {@link SetFunction#gainsOfAllBeforeBest}, since step 0 adds the best element (FacilityLocation
 * uses that to prepare the next pass's memo). Right after the first pick every bound is refreshed in one
 * {@link SetFunction#gainsOfAll} pass (same values as
 * {@link SetFunction#gains}, so the same answer), since almost all of them would be re-evaluated anyway.
 */
public final class LazyGreedy implements Optimizer {
    private static final int MAX_BATCH = 64;
    private final int batch;

    public LazyGreedy() {
        this(8);
    }

    public LazyGreedy(int batch) {
        if (batch < 1 || batch > MAX_BATCH) throw new IllegalArgumentException("batch must be in [1, " + MAX_BATCH + "], got " + batch);
        this.batch = batch;
    }

    @Override
    public SelectionResult maximize(SetFunction f, int k) {
        k = Optimizer.checkK(f, k);
        int n = f.size();
        f.reset();
        int[] picked = new int[k];
        double[] gains = new double[k];
        if (k == 0) return new SelectionResult(picked, gains, f.value());
        double[] initial = new double[n];
        f.gainsOfAllBeforeBest(initial);
        GainHeap heap = new GainHeap(n);
        for (int i = 0; i < n; i++) heap.push(initial[i], i, 0);
        int[] stale = new int[MAX_BATCH];
        double[] fresh = new double[MAX_BATCH];
        for (int step = 0; step < k; step++) {
            int b = batch;
            while (heap.topStamp() != step) {
                int m = 0;
                while (m < b && !heap.isEmpty() && heap.topStamp() != step) {
                    stale[m++] = heap.topElement();
                    heap.pop();
                }
                f.gains(stale, m, fresh);
                for (int j = 0; j < m; j++) heap.push(fresh[j], stale[j], step);
                // A step that keeps failing to settle (e.g. right after the first pick, when every bound is
                // stale) gets bigger batches, which the kernel evaluates far more efficiently.
                b = Math.min(MAX_BATCH, 2 * b);
            }
            picked[step] = heap.topElement();
            gains[step] = heap.topGain();
            heap.pop();
            f.add(picked[step]);
            if (step == 0 && k > 1) {
                // The first pick lowers nearly every gain far below every stale bound (the memo goes from empty
                // to the first center's similarities), so step 1 would re-evaluate almost all n elements in
                // batches; one blocked pass over all of them is cheaper and gives the same fresh values.
                heap = refreshed(f, initial, picked[0], n);
            }
        }
        return new SelectionResult(picked, gains, f.value());
    }

    /** A heap of fresh (step 1) gains of every element but {@code picked}. */
    private static GainHeap refreshed(SetFunction f, double[] scratch, int picked, int n) {
        f.gainsOfAll(scratch);
        GainHeap heap = new GainHeap(n);
        for (int i = 0; i < n; i++) {
            if (i != picked) heap.push(scratch[i], i, 1);
        }
        return heap;
    }
}
