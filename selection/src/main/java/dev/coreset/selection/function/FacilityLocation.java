package dev.coreset.selection.function;

import dev.coreset.selection.kernel.BlockKernel;
import dev.coreset.selection.kernel.PointSet;
import dev.coreset.selection.kernel.Queries;
import dev.coreset.selection.kernel.Workers;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Facility location f(S) = sum_i max(0, max_{j in S} sim(i, j)), with the memo cur[i] = max_{j in S} sim(i, j)
 * (0 for the empty set), so gain(c) = sum_i max(0, sim(i, c) - cur[i]).
 *
 * <p>No n x n matrix is ever built; similarities are computed on demand by {@link BlockKernel}. Four things
 * keep re-evaluations cheap:
 * <ol>
 *   <li>Groups: the points are split into G groups ({@link PointGroups}, about {@value #GROUP_SIZE} points each)
 *   and gain(c) = sum over groups g of partial_g(c), summed in ascending g.</li>
 *   <li>Pruning: point i can only gain from c if dist(i, c) &lt; reach_i, with reach_i = C - cur[i] (Euclidean)
 *   or sqrt(-ln(cur[i]) / gamma) (RBF); group g is skipped when dist(c, center_g) - radius_g &gt;= max_{i in g}
 *   reach_i + margin. The margin (1e-3 x the distance bound C) dwarfs float rounding, so skipped groups hold
 *   exactly-zero terms. Cosine is not pruned ({@link GroupReach}).</li>
 *   <li>Memo: partial_g(c) is kept with the version of group g it was computed against; a pick only changes
 *   the groups it reaches, so re-evaluating c recomputes only the groups that changed since c's last
 *   evaluation and are still in reach (typically a few groups of c's own neighbourhood).</li>
 *   <li>Contributor lists: a point i adds to gain(c) only while sim(i, c) &gt; cur[i], and cur only grows, so
 *   the points c can still improve only ever get fewer (after 10 picks about 44 of 10,000 for a random candidate
 *   of a blob-mixture part). The memo also counts each partial's positive terms; once a candidate improves at most
 *   {@value #LIST_MAX} points, they and their similarities are kept ({@link ContributorLists}); from then on gain(c)
 *   reads the list, drops the entries that no longer count and needs no kernel at all, and adding c raises cur
 *   only at its entries. Without lists a re-evaluation recomputes every changed group in reach, about half the
 *   points for a stale candidate on data where distances concentrate (Gaussian blobs in 64 dimensions).</li>
 * </ol>
 * And lazy greedy's first all-candidates pass also fills the memo of the state after its (guessed) first pick, so
 * the pass after that pick needs no kernel ({@link #gainsOfAllBeforeBest}).
 *
 * <p>Memory: the points twice (original and group-ordered, 8nd bytes), cur (4n), a mark per point (4n), a
 * scratch of {@value #BATCH} x n floats (5 MB at n = 20,000), and the memo: n x G x 20 bytes (partial gain,
 * version, positive terms, center distance). G is capped so that the memo fits in 3/4 of {@code memoBytes} (42 MB
 * at n = 20,000 with G = 104; with a tiny bound G = 1, which disables pruning but not correctness). The
 * all-candidates pass ({@link #gainsOfAll}) adds a block of min(largest group, 1024) x (largest group + 4W) floats
 * per thread, at most 17 MB (about 0.3 MB at n = 20,000 with groups of 192). The contributor lists take at most
 * {@code listBytes} (8 bytes per entry plus 40 per list; the other 1/4 of memoBytes unless given), in practice far
 * less: about 1 MB at n = 10,000, k = 2,000.
 *
 * <p>Determinism: a partial is a fixed-order sum (float lane partials over at most 1024 points, combined in
 * double) of similarities that are bit-identical wherever they were computed, and it is reused only while its
 * group is unchanged; so gain(c) depends only on c and the current set, whatever else is evaluated with it,
 * and every optimizer sees the same gains. Computed gains also never increase as the set grows. A list evaluation
 * repeats that arithmetic exactly: it adds the same nonzero terms into the same float lanes and double sums in the
 * same order and only leaves out terms that are exactly zero, which change no sum. Lists are built and read on
 * every thread, but stored, shortened and counted on the calling thread in candidate order, after each parallel
 * step: which candidates hold a list does not depend on the thread count either.
 */
public final class FacilityLocation implements SetFunction {
    private static final int L = GroupSums.L;
    static final int BATCH = 64;
    static final int GROUP_SIZE = 192;
    /** Points per parallel task in a batched evaluation: about 256 KB of panels at d = 64. */
    private static final int CHUNK = 1024;
    /**
     * Largest group for which {@link #gainsOfAll} uses the symmetric pass: its blocks hold at most one sum block of
     * rows ({@value GroupSums#SUM_BLOCK}) by the largest group's columns, at most 17 MB per thread. (Dense regions,
     * e.g. the near-zero gradients of well-learnt samples, make groups of a few thousand points.)
     */
    static final int SYMMETRIC_MAX_GROUP = 4 * GroupSums.SUM_BLOCK;
    /**
     * Re-evaluations with at least this many similarities are split over the threads by column chunks
     * (cache-friendly for many candidates); smaller ones (most lazy-greedy steps) by groups of 4 candidates.
     */
    private static final long PARALLEL_PAIRS = 50_000;
    /** Fewest kernel-free gains per thread worth splitting a call's such gains over the threads. */
    private static final int DIRECT_PER_TASK = 2;
    /** Candidates get a contributor list once they improve at most this many points. */
    static final int LIST_MAX = 1024;
    /** Smallest ground set for which the empty-set pass also computes the memo after its likely first pick. */
    static final int SPECULATE_MIN = 2048;
    /** Default memo bound: 256 MB. */
    public static final long DEFAULT_MEMO_BYTES = 256L << 20;

    private final PointSet pts;
    private final PointSet ordered;
    private final int[] order;
    private final int[] position;
    private final int[] groupOf;
    private final PointGroups groups;
    private final int groupCount;
    private final int maxGroupSize;
    private final Similarity similarity;
    private final BlockKernel.Output mode;
    private final float param;
    private final Workers workers;
    private final int n;
    private final int stride;
    private final float[] cur;
    private final GroupReach reachOf;
    /** Kernel output for one batch: BATCH rows of stride floats. */
    private final float[] scratch;
    private final int[] groupVersion;
    private int nextVersion;
    /** nextVersion at the last reset: memo entries with a version at most this are from before it. */
    private int resetVersion;
    /** Memo, indexed [position * G + g]. */
    private final double[] partial;
    private final int[] partialVersion;
    /** Positive terms of each memo entry: how many of the group's points the candidate improves. */
    private final int[] positives;
    private final int[] selected;
    private int size;
    private static final int[] NO_GROUPS = new int[0];
    private final GroupSums sums;
    private final ContributorLists lists;
    /** Where {@link #directGains} first met each position in its current call; -1 between calls. */
    private final int[] askedAt;
    private long rowsComputed;
    private long pairsComputed;
    private long listEvaluations;
    /** Position of the guess whose memo the last empty-set pass computed (-1: none pending). */
    private int speculated = -1;
    private long speculationHits;

    /**
     * @param memoBytes bound on the bytes of the per-group memo (n x G x 20, at most 3/4 of it) and the contributor
     *                  lists (the other 1/4); sets how fine the groups are
     * @param workers   thread pool for the blocked kernel ({@link Workers#inline()} for one thread)
     */
    public FacilityLocation(PointSet pts, Similarity similarity, long memoBytes, Workers workers) {
        this(pts, similarity, memoBytes, memoBytes / 4, workers);
    }

    /**
     * @param memoBytes bound on the bytes of the per-group memo (n x G x 20, at most 3/4 of it)
     * @param listBytes bound on the bytes of the contributor lists (0 turns them off; the gains are the same bits
     *                  either way, only slower)
     */
    public FacilityLocation(PointSet pts, Similarity similarity, long memoBytes, long listBytes, Workers workers) {
        this.pts = pts;
        this.similarity = similarity;
        this.mode = similarity.output();
        this.param = similarity.parameter(pts);
        boolean prunable = similarity.kind() != Similarity.Kind.COSINE;
        this.workers = workers;
        this.n = pts.size();
        long maxGroups = Math.max(1, memoBytes / 4 * 3 / (20L * Math.max(1, n)));
        int targetSize = (int) Math.max(GROUP_SIZE, (n + maxGroups - 1) / maxGroups);
        this.groups = prunable ? PointGroups.build(pts, targetSize, workers) : PointGroups.build(pts, n + 1, workers);
        this.groupCount = groups.count();
        int largest = 0;
        for (int g = 0; g < groupCount; g++) largest = Math.max(largest, groups.end(g) - groups.start(g));
        this.maxGroupSize = largest;
        this.order = groups.order();
        this.position = new int[n];
        for (int p = 0; p < n; p++) position[order[p]] = p;
        this.groupOf = new int[n];
        for (int g = 0; g < groupCount; g++) Arrays.fill(groupOf, groups.start(g), groups.end(g), g);
        this.ordered = pts.subset(order);
        this.stride = ordered.paddedSize();
        this.cur = new float[stride];
        this.scratch = new float[BATCH * stride];
        this.groupVersion = new int[groupCount];
        this.partial = new double[n * groupCount];
        this.partialVersion = new int[n * groupCount];
        this.positives = new int[n * groupCount];
        this.reachOf = new GroupReach(ordered, groups, similarity.kind(), param, 1e-3 * Similarity.euclideanBound(pts),
                workers, BATCH);
        this.selected = new int[n];
        this.sums = new GroupSums(groups);
        this.lists = new ContributorLists(n, listBytes);
        this.askedAt = new int[n];
        Arrays.fill(askedAt, -1);
        reset();
    }

    /** Single-threaded with the default memo bound: for small inputs and tests. */
    public FacilityLocation(PointSet pts, Similarity similarity) {
        this(pts, similarity, DEFAULT_MEMO_BYTES, Workers.inline());
    }

    public PointSet points() { return pts; }
    public Similarity similarity() { return similarity; }
    /** The resolved kernel parameter: C for Euclidean, gamma for RBF. */
    public float parameter() { return param; }
    /** Number of point groups used for pruning and memoisation. */
    public int groupCount() { return groupCount; }
    /** Points in the largest group: above {@value #SYMMETRIC_MAX_GROUP} the all-candidates pass computes full rows. */
    public int largestGroup() { return maxGroupSize; }
    /** Candidate evaluations that needed the kernel (a cost counter for benchmarks). */
    public long rowsComputed() { return rowsComputed; }
    /** Candidate-point similarities computed so far (n per full row). */
    public long pairsComputed() { return pairsComputed; }
    /** Gains read from a contributor list, without the kernel. */
    public long listEvaluations() { return listEvaluations; }
    /** Bytes the contributor lists hold now. */
    public long listBytes() { return lists.usedBytes(); }
    /** Empty-set passes whose guessed first pick was right, so the pass after it needed no kernel. */
    public long speculationHits() { return speculationHits; }

    @Override
    public int size() { return n; }

    @Override
    public void reset() {
        Arrays.fill(cur, 0f);
        reachOf.reset();
        // Fresh versions invalidate every memo entry without clearing it; long before they could wrap (which
        // would break the "from before the reset" test in needs()), start over from 0 with a cleared memo.
        if (nextVersion > Integer.MAX_VALUE / 2) {
            Arrays.fill(partialVersion, 0);
            nextVersion = 0;
        }
        resetVersion = nextVersion;
        for (int g = 0; g < groupCount; g++) groupVersion[g] = ++nextVersion;
        lists.clear();
        speculated = -1;
        size = 0;
    }

    private boolean inReach(int p, int g) {
        return reachOf.inReach(p, g);
    }

    @Override
    public void gains(int[] candidates, int count, double[] out) {
        speculated = -1;
        int[] pending = new int[count];
        int[][] needed = new int[count][];
        int m = 0;
        // Candidates whose gain needs no kernel: a contributor list, or a memo current on every group in reach.
        int[] direct = new int[count];
        int directCount = 0;
        int[] tmp = new int[groupCount];
        for (int j = 0; j < count; j++) {
            int p = position[candidates[j]];
            if (lists.has(p)) {
                direct[directCount++] = j;
                continue;
            }
            int k = 0;
            for (int g = 0; g < groupCount; g++) {
                if (needs(p, g)) tmp[k++] = g;
            }
            if (k == 0) {
                direct[directCount++] = j;
            } else {
                needed[m] = Arrays.copyOf(tmp, k);
                pending[m++] = j;
            }
        }
        directGains(candidates, direct, directCount, out);
        for (int from = 0; from < m; from += BATCH) {
            int to = Math.min(m, from + BATCH);
            int[] pos = new int[to - from];
            int[][] need = new int[to - from][];
            for (int j = from; j < to; j++) {
                pos[j - from] = position[candidates[pending[j]]];
                need[j - from] = needed[j];
            }
            Computed done = computePartials(pos, need);
            for (int j = from; j < to; j++) out[pending[j]] = sumPartials(pos[j - from]);
            storeLists(done.positions, done.lists);
        }
    }

    /**
     * The gains of candidates that need no kernel, split over the threads (each task with its own sparse sums),
     * then, on the calling thread and in candidate order, what changes shared state: list truncations and new lists.
     * A candidate asked twice is evaluated once, since evaluating a list also compacts it.
     */
    private void directGains(int[] candidates, int[] direct, int count, double[] out) {
        if (count == 0) return;
        int[] positions = new int[count];
        int[] firstAt = new int[count];
        int unique = 0;
        for (int j = 0; j < count; j++) {
            int p = position[candidates[direct[j]]];
            positions[j] = p;
            if (askedAt[p] < 0) {
                askedAt[p] = j;
                unique++;
            }
            firstAt[j] = askedAt[p];
        }
        for (int p : positions) askedAt[p] = -1;
        int[] kept = new int[count];
        PreparedList[] prepared = new PreparedList[count];
        int tasks = unique < 2 * DIRECT_PER_TASK ? 1 : Math.min(workers.threads(), unique / DIRECT_PER_TASK);
        Workers w = tasks == 1 ? Workers.inline() : workers;
        w.run(tasks, t -> {
            GroupSums.Sparse sp = sums.new Sparse();
            for (int j = t; j < count; j += tasks) {
                if (firstAt[j] != j) continue;
                int p = positions[j];
                if (lists.has(p)) {
                    kept[j] = compactList(p, sp);
                    out[direct[j]] = sp.end();
                } else {
                    out[direct[j]] = sumPartials(p);
                    prepared[j] = prepareList(p, null, 0, NO_GROUPS);
                }
            }
        });
        for (int j = 0; j < count; j++) {
            if (firstAt[j] != j) {
                out[direct[j]] = out[direct[firstAt[j]]];
            } else if (lists.has(positions[j])) {
                listEvaluations++;
                lists.truncate(positions[j], kept[j]);
            }
        }
        storeLists(positions, prepared);
    }

    /** Stores the prepared lists in order, each only if it still fits the budget; counts their kernel pairs. */
    private void storeLists(int[] positions, PreparedList[] prepared) {
        for (int j = 0; j < prepared.length; j++) {
            PreparedList l = prepared[j];
            if (l == null) continue;
            pairsComputed += l.pairs;
            lists.store(positions[j], l.positions, l.similarities);
        }
    }

    /** A contributor list built off the calling thread: its entries and the similarities computed for it. */
    private record PreparedList(int[] positions, float[] similarities, long pairs) {
    }

    /**
     * Right after p's memo is current on every group in reach: if it improves at most {@value #LIST_MAX} points
     * (the memo counts them) and a list of that size fits the budget now, the list of those points and its
     * similarities to them; otherwise null. The similarities to the groups just recomputed ({@code fresh},
     * ascending) are still in {@code rows} from {@code rowBase}; only the other groups that hold such points need
     * the kernel. Reads shared state only, so candidates can be prepared in parallel.
     */
    private PreparedList prepareList(int p, float[] rows, int rowBase, int[] fresh) {
        int base = p * groupCount;
        int points = 0;
        for (int g = 0; g < groupCount; g++) {
            if (inReach(p, g)) {
                points += positives[base + g];
                if (points > LIST_MAX) return null;
            }
        }
        if (!lists.fits(points)) return null;
        int step = 2 * PointSet.W;
        int[] listPositions = new int[points];
        float[] listSims = new float[points];
        float[] groupRow = null;
        Queries q = null;
        long pairs = 0;
        int count = 0;
        int next = 0;
        for (int g = 0; g < groupCount; g++) {
            while (next < fresh.length && fresh[next] < g) next++;
            if (!inReach(p, g) || positives[base + g] == 0) continue;
            int s = groups.start(g);
            int e = groups.end(g);
            float[] sims = rows;
            int off = rowBase;
            if (next >= fresh.length || fresh[next] != g) {
                if (groupRow == null) {
                    groupRow = new float[(maxGroupSize + step - 1) / step * step + 2 * step];
                    q = Queries.ofRows(ordered, new int[] {p}, 1);
                }
                // Point i of group g lands at groupRow[i - lo].
                int lo = s / step * step;
                BlockKernel.computeRange(ordered, q, mode, param, groupRow, -lo, 0, s, e, lo, ordered.paddedSize());
                pairs += e - s;
                sims = groupRow;
                off = -lo;
            }
            for (int i = s; i < e; i++) {
                if (sims[off + i] - cur[i] > 0f) {
                    // The memo counted these same terms; a mismatch would be a bug, and a list is only a shortcut.
                    if (count == points) return null;
                    listPositions[count] = i;
                    listSims[count++] = sims[off + i];
                }
            }
        }
        return count == points ? new PreparedList(listPositions, listSims, pairs) : null;
    }

    /**
     * gain(p) from its contributor list, in the order of {@link GroupSums} ({@link GroupSums.Sparse}), left in
     * {@code sp}: entries that no longer improve their point are moved out of the list's front part (cur never
     * decreases, so they are dropped for good); returns how many are kept. Touches only p's list.
     */
    private int compactList(int p, GroupSums.Sparse sp) {
        int[] lp = lists.positions(p);
        float[] ls = lists.similarities(p);
        int len = lists.length(p);
        sp.begin(g -> inReach(p, g));
        int kept = 0;
        for (int j = 0; j < len; j++) {
            int i = lp[j];
            float term = ls[j] - cur[i];
            if (!(term > 0f)) continue;
            lp[kept] = i;
            ls[kept++] = ls[j];
            sp.add(i, groupOf[i], term);
        }
        return kept;
    }

    /** At the empty set (and n &gt;= {@value #SPECULATE_MIN}): {@link #speculativeFirstPass}; otherwise {@link #gainsOfAll}. */
    @Override
    public void gainsOfAllBeforeBest(double[] out) {
        if (maxGroupSize <= SYMMETRIC_MAX_GROUP && size == 0 && n >= SPECULATE_MIN) {
            speculativeFirstPass(out);
        } else {
            gainsOfAll(out);
        }
    }

    /**
     * All gains in one blocked pass; the partials land in the memo exactly as {@link #gains} would. With groups of
     * at most {@value #SYMMETRIC_MAX_GROUP} points the pass goes over pairs of groups (a &lt;= b) and uses each block
     * of similarities twice, once per direction ({@link #symmetricPass}); otherwise it computes full rows
     * ({@value #BATCH} candidates x all points per kernel call, split over column chunks for cache locality).
     */
    @Override
    public void gainsOfAll(double[] out) {
        speculated = -1;
        if (maxGroupSize <= SYMMETRIC_MAX_GROUP) {
            symmetricPass();
            for (int p = 0; p < n; p++) out[order[p]] = sumPartials(p);
            return;
        }
        float[] rows = scratch;
        int[] pos = new int[BATCH];
        for (int from = 0; from < n; from += BATCH) {
            int m = Math.min(BATCH, n - from);
            for (int j = 0; j < m; j++) pos[j] = from + j;
            BlockKernel.compute(ordered, Queries.ofRows(ordered, pos, m), mode, param, rows, stride, workers);
            rowsComputed += m;
            pairsComputed += (long) m * n;
            Workers w = (long) m * n < 100_000 ? Workers.inline() : workers;
            w.run(m, j -> {
                int p = pos[j];
                int base = p * groupCount;
                for (int g = 0; g < groupCount; g++) {
                    if (!needs(p, g)) continue;
                    int s = groups.start(g);
                    storeSegment(p, g, rows, j * stride + s);
                }
            });
            for (int j = 0; j < m; j++) out[order[from + j]] = sumPartials(from + j);
        }
    }

    /**
     * The empty-set pass, fused with the next one: greedy's first pick is the point with the best empty-set gain
     * (the medoid for Euclidean), and a sampled estimate almost always finds it ({@link FirstPickGuess}). So each
     * block of similarities, computed once, gives both the empty-set partials (into {@code out}, summed as
     * {@link #sumPartials} would) and the memo of the state after adding the guess (kept uncommitted, version 0).
     * If the optimizer then adds exactly the guess, {@link #add} marks that memo current and the pass after the
     * first pick needs no kernel at all; otherwise it is simply stale. Same arithmetic as {@link #symmetricPass}
     * on the same similarities, so the same bits either way. Extra memory while it runs: n x G doubles (at most
     * 0.3 x memoBytes, since it runs only when groups are small enough for the symmetric pass).
     */
    private void speculativeFirstPass(double[] out) {
        FirstPickGuess.Guess guessed = FirstPickGuess.of(ordered, mode, param, scratch, stride, workers);
        pairsComputed += guessed.pairs();
        int guess = guessed.position();
        float[] next = cur.clone();
        boolean[] changed = raise(guess, next);
        double[] nextReach = reachOf.copy();
        for (int g = 0; g < groupCount; g++) if (changed[g]) nextReach[g] = reachOf.of(g, next);
        // Group-major (entry g * n + p), unlike the memo: a block writes its rows' and its columns' entries as runs.
        double[] empty = new double[n * groupCount];
        pairsComputed += pairsOfGroups((a, b, qa, block, width, lanes) ->
                speculativeBlock(a, b, qa, block, width, lanes, next, nextReach, empty));
        rowsComputed += n;
        // sumPartials' order: each point's partials of the groups in reach, ascending g, from 0.
        double[] total = new double[n];
        for (int g = 0; g < groupCount; g++) {
            int base = g * n;
            for (int p = 0; p < n; p++) if (inReach(p, g)) total[p] += empty[base + p];
        }
        for (int p = 0; p < n; p++) out[order[p]] = total[p];
        speculated = guess;
    }

    /**
     * One pair of groups of {@link #speculativeFirstPass}: empty-set partials into empty, next-state ones into the
     * memo, one sum block of a's rows per kernel call (the columns' sums carried across them in order).
     */
    private long speculativeBlock(int a, int b, Queries[] qa, float[] block, int width, float[] lanes, float[] next,
                                  double[] nextReach, double[] empty) {
        int sa = groups.start(a), ea = groups.end(a), sb = groups.start(b), eb = groups.end(b);
        int step = 2 * PointSet.W;
        int lo = sb / step * step;
        boolean columns = a != b;
        double[] emptyTotal = columns ? new double[eb - sb] : null;
        double[] nextTotal = columns ? new double[eb - sb] : null;
        int[] nextCount = columns ? new int[eb - sb] : null;
        for (int r = 0; r < qa.length; r++) {
            int ra = sa + r * GroupSums.SUM_BLOCK;
            int rb = Math.min(ea, ra + GroupSums.SUM_BLOCK);
            BlockKernel.computeRange(ordered, qa[r], mode, param, block, -lo, width, sb, eb, lo, ordered.paddedSize());
            for (int p = ra; p < rb; p++) {
                int off = (p - ra) * width + sb - lo;
                int e = p * groupCount + b;
                if (reachOf.inReach(p, b, nextReach)) {
                    sums.segmentPair(block, off, cur, next, b, empty, b * n + p, partial, positives, e);
                    partialVersion[e] = 0;
                } else {
                    empty[b * n + p] = sums.segment(block, off, cur, b, null, 0);
                }
            }
            if (columns) {
                sums.columnChunk(block, width, lo, a, ra, rb, b, lanes, cur, emptyTotal, next, nextTotal, nextCount);
            }
        }
        if (columns) {
            for (int p = sb; p < eb; p++) empty[a * n + p] = emptyTotal[p - sb];
            for (int p = sb; p < eb; p++) {
                if (!reachOf.inReach(p, a, nextReach)) continue;
                int e = p * groupCount + a;
                partial[e] = nextTotal[p - sb];
                positives[e] = nextCount[p - sb];
                partialVersion[e] = 0;
            }
        }
        return (long) (ea - sa) * (eb - sb);
    }

    /**
     * Brings every candidate's memo up to date on every group in its reach, one block per pair of groups a &lt;= b:
     * the kernel computes sim(i, c) for i in a, c in b once; the block's rows give the partials of a's points over
     * group b and its columns (copied out, same order) those of b's points over group a. The kernel's similarity
     * is bit-symmetric (a fixed FMA chain of products that commute, plus commuting adds: see {@link BlockKernel}),
     * so each partial has exactly the bits {@link #gains} would give it. Task t takes groups t and G-1-t, which
     * balances the triangle; every memo entry (p, g) is written by exactly one pair, {min(group of p), g}.
     */
    private void symmetricPass() {
        pairsComputed += pairsOfGroups(this::pairBlock);
        rowsComputed += n;
    }

    /** One block of a pass over pairs of groups; returns the similarities it computed. */
    private interface PairBlock {
        /** qa: group a's rows, one query set per sum block of them. */
        long visit(int a, int b, Queries[] qa, float[] block, int width, float[] lanes);
    }

    /**
     * Visits every pair of groups a &lt;= b, task t taking groups t and G-1-t (which balances the triangle), each
     * thread with its own block and lanes; returns the similarities computed.
     */
    private long pairsOfGroups(PairBlock visitor) {
        int step = 2 * PointSet.W;
        int width = (maxGroupSize + step - 1) / step * step + 2 * step;
        int sumBlock = GroupSums.SUM_BLOCK;
        Queries[][] q = new Queries[groupCount][];
        for (int g = 0; g < groupCount; g++) {
            int s = groups.start(g);
            int e = groups.end(g);
            q[g] = new Queries[Math.max(1, (e - s + sumBlock - 1) / sumBlock)];
            for (int r = 0; r < q[g].length; r++) {
                int[] rowsOfChunk = new int[Math.min(e, s + (r + 1) * sumBlock) - (s + r * sumBlock)];
                for (int j = 0; j < rowsOfChunk.length; j++) rowsOfChunk[j] = s + r * sumBlock + j;
                q[g][r] = Queries.ofRows(ordered, rowsOfChunk, rowsOfChunk.length);
            }
        }
        long[] pairs = new long[(groupCount + 1) / 2];
        Workers w = (long) n * n * pts.dim() < 2_000_000 ? Workers.inline() : workers;
        // One block and lanes per thread, each thread taking the next task (with a group of a few thousand points a
        // block is several MB: one per task was hundreds of MB of garbage per pass).
        AtomicInteger nextTask = new AtomicInteger();
        w.run(Math.min(w.threads(), pairs.length), x -> {
            float[] block = new float[Math.min(maxGroupSize, sumBlock) * width];
            float[] lanes = new float[3 * L * width];
            for (int t = nextTask.getAndIncrement(); t < pairs.length; t = nextTask.getAndIncrement()) {
                for (int a : t == groupCount - 1 - t ? new int[] {t} : new int[] {t, groupCount - 1 - t}) {
                    for (int b = a; b < groupCount; b++) {
                        pairs[t] += visitor.visit(a, b, q[a], block, width, lanes);
                    }
                }
            }
        });
        long total = 0;
        for (long p : pairs) total += p;
        return total;
    }

    /**
     * One pair of groups of {@link #symmetricPass}, one sum block of a's rows per kernel call (the columns' sums
     * carried across them in order); returns the similarities computed (0 if neither side needs them).
     */
    private long pairBlock(int a, int b, Queries[] qa, float[] block, int width, float[] lanes) {
        int sa = groups.start(a), ea = groups.end(a), sb = groups.start(b), eb = groups.end(b);
        boolean rowsNeeded = false, columnsNeeded = false;
        for (int p = sa; p < ea && !rowsNeeded; p++) rowsNeeded = needs(p, b);
        for (int p = sb; p < eb && !columnsNeeded && a != b; p++) columnsNeeded = needs(p, a);
        if (!rowsNeeded && !columnsNeeded) return 0;
        int step = 2 * PointSet.W;
        int lo = sb / step * step;
        double[] total = columnsNeeded ? new double[eb - sb] : null;
        int[] count = columnsNeeded ? new int[eb - sb] : null;
        for (int r = 0; r < qa.length; r++) {
            int ra = sa + r * GroupSums.SUM_BLOCK;
            int rb = Math.min(ea, ra + GroupSums.SUM_BLOCK);
            // Point p of group b lands at block[j * width + p - lo] for query j (point ra + j of group a).
            BlockKernel.computeRange(ordered, qa[r], mode, param, block, -lo, width, sb, eb, lo, ordered.paddedSize());
            if (rowsNeeded) {
                for (int p = ra; p < rb; p++) {
                    if (needs(p, b)) storeSegment(p, b, block, (p - ra) * width + sb - lo);
                }
            }
            if (columnsNeeded) sums.columnChunk(block, width, lo, a, ra, rb, b, lanes, cur, total, null, null, count);
        }
        if (columnsNeeded) {
            // The memo entries of group b's points over group a, from the columns.
            for (int p = sb; p < eb; p++) {
                if (needs(p, a)) setPartial(p, a, total[p - sb], count[p - sb]);
            }
        }
        return (long) (ea - sa) * (eb - sb);
    }

    /**
     * Whether memo entry (p, g) must be recomputed: g is in reach and changed since, unless p improved none of g's
     * points then: cur only grows, so such a partial stays exactly 0.
     */
    private boolean needs(int p, int g) {
        int e = p * groupCount + g;
        return inReach(p, g) && partialVersion[e] != groupVersion[g] && (positives[e] > 0 || partialVersion[e] <= resetVersion);
    }

    private void setPartial(int p, int g, double value, int count) {
        partial[p * groupCount + g] = value;
        partialVersion[p * groupCount + g] = groupVersion[g];
        positives[p * groupCount + g] = count;
    }

    /** gain = sum of the partials of the groups in reach, ascending (out-of-reach groups add exactly 0). */
    private double sumPartials(int p) {
        double total = 0;
        int base = p * groupCount;
        for (int g = 0; g < groupCount; g++) {
            if (inReach(p, g)) total += partial[base + g];
        }
        return total;
    }

    /** A batch's candidates in the order computePartials sorted them, their recomputed groups, and their new lists. */
    private record Computed(int[] positions, int[][] groups, PreparedList[] lists) {
    }

    /**
     * Brings the memo of candidates pos[j] up to date on groups need[j] (ascending), with blocked kernel calls;
     * returns where each candidate's similarities to those groups are (row j of the returned order).
     */
    private Computed computePartials(int[] pos, int[][] need) {
        int m = pos.length;
        // Candidates of the same region share kernel calls: sort the batch by the candidate's own group.
        Integer[] byGroup = new Integer[m];
        for (int j = 0; j < m; j++) byGroup[j] = j;
        Arrays.sort(byGroup, (a, b) -> Integer.compare(groupOf[pos[a]], groupOf[pos[b]]));
        int[] sp = new int[m];
        int[][] sn = new int[m][];
        for (int j = 0; j < m; j++) {
            sp[j] = pos[byGroup[j]];
            sn[j] = need[byGroup[j]];
        }
        int[] quadStart = formQuads(sn, m);
        int quads = quadStart.length - 1;
        // Merged point ranges of each quad's union of needed groups.
        int[][] ranges = new int[quads][];
        long pairs = 0;
        for (int qd = 0; qd < quads; qd++) {
            boolean[] union = new boolean[groupCount];
            for (int j = quadStart[qd]; j < quadStart[qd + 1]; j++) {
                for (int g : sn[j]) union[g] = true;
            }
            int[] r = new int[2 * groupCount];
            int k = 0;
            for (int g = 0; g < groupCount; ) {
                if (!union[g]) {
                    g++;
                    continue;
                }
                int e = g;
                while (e < groupCount && union[e]) e++;
                r[k++] = groups.start(g);
                r[k++] = groups.end(e - 1);
                pairs += (long) (groups.end(e - 1) - groups.start(g)) * (quadStart[qd + 1] - quadStart[qd]);
                g = e;
            }
            ranges[qd] = Arrays.copyOf(r, k);
        }
        Queries[] q = new Queries[quads];
        for (int qd = 0; qd < quads; qd++) {
            q[qd] = Queries.ofRows(ordered, Arrays.copyOfRange(sp, quadStart[qd], quadStart[qd + 1]),
                    quadStart[qd + 1] - quadStart[qd]);
        }
        float[] rows = m * stride <= scratch.length ? scratch : new float[m * stride];
        PreparedList[] prepared = new PreparedList[m];
        if (pairs < PARALLEL_PAIRS && workers.threads() > 1) {
            // A lazy-greedy step's few candidates: one task per quad, kernel, memo entries and lists together, so
            // every thread shares even the small re-evaluations that dominate the lazy phase. On one thread (a Spark
            // task) the chunk-major order below keeps each chunk's panels in cache for all quads instead.
            workers.run(quads, qd -> {
                int[] r = ranges[qd];
                int base = quadStart[qd] * stride;
                for (int a = 0; a < r.length; a += 2) {
                    BlockKernel.computeRange(ordered, q[qd], mode, param, rows, base, stride, r[a], r[a + 1], 0, stride);
                }
                quadPartials(rows, sp, sn, quadStart[qd], quadStart[qd + 1]);
                prepareLists(rows, sp, sn, quadStart[qd], quadStart[qd + 1], prepared);
            });
        } else {
            // Column-chunk major: each task keeps one chunk of point panels in cache for every quad of the batch
            // (quad-major would stream all points from memory once per 4 candidates). Writes are disjoint.
            // (Below PARALLEL_PAIRS this branch only runs with one thread.)
            int chunks = (n + CHUNK - 1) / CHUNK;
            workers.run(chunks, c -> {
                int cs = c * CHUNK;
                int ce = Math.min(n, cs + CHUNK);
                for (int qd = 0; qd < quads; qd++) {
                    int[] r = ranges[qd];
                    int base = quadStart[qd] * stride;
                    for (int a = 0; a < r.length; a += 2) {
                        int from = Math.max(cs, r[a]);
                        int to = Math.min(ce, r[a + 1]);
                        if (from < to) {
                            BlockKernel.computeRange(ordered, q[qd], mode, param, rows, base, stride, from, to, cs, ce);
                        }
                    }
                }
            });
            workers.run(quads, qd -> {
                quadPartials(rows, sp, sn, quadStart[qd], quadStart[qd + 1]);
                prepareLists(rows, sp, sn, quadStart[qd], quadStart[qd + 1], prepared);
            });
        }
        rowsComputed += m;
        pairsComputed += pairs;
        return new Computed(sp, sn, prepared);
    }

    /** The memo entries of candidates [from, to) of a batch from their kernel rows. */
    private void quadPartials(float[] rows, int[] sp, int[][] sn, int from, int to) {
        for (int j = from; j < to; j++) {
            for (int g : sn[j]) {
                storeSegment(sp[j], g, rows, j * stride + groups.start(g));
            }
        }
    }

    /** The lists of candidates [from, to) of a batch, right after their memo entries (same task). */
    private void prepareLists(float[] rows, int[] sp, int[][] sn, int from, int to, PreparedList[] into) {
        for (int j = from; j < to; j++) into[j] = prepareList(sp[j], rows, j * stride, sn[j]);
    }

    /**
     * Splits the (group-sorted) batch into runs of at most 4 candidates that share one kernel call; a candidate
     * joins the current run only if that grows the run's union of groups by at most 25% over its largest member,
     * so candidates from different regions do not compute each other's neighbourhoods.
     */
    private int[] formQuads(int[][] need, int m) {
        int[] starts = new int[m + 1];
        int count = 0;
        int j = 0;
        while (j < m) {
            starts[count++] = j;
            boolean[] union = new boolean[groupCount];
            int unionSize = 0;
            int maxSize = 0;
            int e = j;
            while (e < m && e - j < 4) {
                int added = 0;
                int size = 0;
                for (int g : need[e]) {
                    int len = groups.end(g) - groups.start(g);
                    size += len;
                    if (!union[g]) added += len;
                }
                int newMax = Math.max(maxSize, size);
                if (e > j && unionSize + added > 1.25 * newMax) break;
                for (int g : need[e]) union[g] = true;
                unionSize += added;
                maxSize = newMax;
                e++;
            }
            j = e;
        }
        starts[count] = m;
        return Arrays.copyOf(starts, count + 1);
    }

    /**
     * The memo entry (p, g) from p's similarities to group g at vals[off...]: the partial gain
     * sum_e max(0, vals[off + e] - cur[start + e]) in a fixed order, and how many of its terms are positive.
     */
    private void storeSegment(int p, int g, float[] vals, int off) {
        int e = p * groupCount + g;
        partial[e] = sums.segment(vals, off, cur, g, positives, e);
        partialVersion[e] = groupVersion[g];
    }

    /** Adds c: raises cur on the groups in c's reach and bumps the version of every group that changed. */
    @Override
    public void add(int c) {
        int p = position[c];
        boolean commit = speculated == p && size == 0;
        speculated = -1;
        boolean[] changed;
        if (lists.has(p)) {
            changed = raiseFromList(p);
            lists.drop(p);
        } else {
            changed = raise(p, cur);
        }
        for (int g = 0; g < groupCount; g++) {
            if (changed[g]) {
                groupVersion[g] = ++nextVersion;
                reachOf.update(g, cur);
            }
        }
        if (commit) {
            // The speculative pass computed every entry in reach of this exact state: they are current now.
            for (int q = 0; q < n; q++) {
                for (int g = 0; g < groupCount; g++) {
                    if (inReach(q, g)) partialVersion[q * groupCount + g] = groupVersion[g];
                }
            }
            speculationHits++;
        }
        selected[size++] = c;
    }

    /** Raises target to p's similarities on the groups in p's reach (add's arithmetic); returns which groups changed. */
    private boolean[] raise(int p, float[] target) {
        boolean[] changed = new boolean[groupCount];
        Queries q = Queries.ofRows(ordered, new int[] {p}, 1);
        float[] row = new float[stride];
        for (int g = 0; g < groupCount; g++) {
            if (!inReach(p, g)) continue;
            int s = groups.start(g);
            int e = groups.end(g);
            BlockKernel.computeRange(ordered, q, mode, param, row, stride, s, e);
            for (int i = s; i < e; i++) {
                if (row[i] > target[i]) {
                    target[i] = row[i];
                    changed[g] = true;
                }
            }
        }
        return changed;
    }

    /**
     * {@link #raise} of cur for a candidate with a list: every point it can raise is on it (any other has
     * sim &lt;= cur already, and cur only grew since), so cur changes exactly where the kernel would change it, to the
     * same bits.
     */
    private boolean[] raiseFromList(int p) {
        int[] lp = lists.positions(p);
        float[] ls = lists.similarities(p);
        int len = lists.length(p);
        boolean[] changed = new boolean[groupCount];
        for (int j = 0; j < len; j++) {
            int i = lp[j];
            int g = groupOf[i];
            if (ls[j] > cur[i] && inReach(p, g)) {
                cur[i] = ls[j];
                changed[g] = true;
            }
        }
        return changed;
    }

    @Override
    public double value() {
        double total = 0;
        for (int p = 0; p < n; p++) total += cur[p];
        return total;
    }

    /** f(set) from scratch, {@value #BATCH} rows at a time; does not touch the current set or the memo. */
    @Override
    public double evaluate(int[] set) {
        float[] best = new float[stride];
        float[] buf = new float[Math.min(BATCH, Math.max(1, set.length)) * stride];
        for (int from = 0; from < set.length; from += BATCH) {
            int m = Math.min(BATCH, set.length - from);
            int[] part = new int[m];
            for (int j = 0; j < m; j++) part[j] = position[set[from + j]];
            BlockKernel.compute(ordered, Queries.ofRows(ordered, part, m), mode, param, buf, stride, workers);
            for (int j = 0; j < m; j++) {
                for (int p = 0; p < n; p++) best[p] = Math.max(best[p], buf[j * stride + p]);
            }
        }
        double total = 0;
        for (int p = 0; p < n; p++) total += best[p];
        return total;
    }
}
