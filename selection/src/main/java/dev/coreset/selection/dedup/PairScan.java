package dev.coreset.selection.dedup;

import dev.coreset.selection.kernel.BlockKernel;
import dev.coreset.selection.kernel.PointSet;
import dev.coreset.selection.kernel.Queries;

/**
 * Cosine similarities between the items of one chunk and those ranked before them in keep order, by the blocked
 * kernel: {@link #BLOCK} rows at a time against a chunk, so memory is O(BLOCK x chunk), never chunk x chunk. A
 * cluster is cut into chunks of consecutive ranks; the pair (later chunk, earlier chunk) is one unit of work, and the
 * chunk against itself looks only at smaller ranks. Every pair of a cluster is thus seen exactly once.
 */
public final class PairScan {
    /** Rows of the later chunk per kernel call. */
    static final int BLOCK = 256;

    private final PointSet later;
    private final int laterBase;
    private final PointSet earlier;
    private final int earlierBase;
    private final boolean same;

    /**
     * @param later       the chunk whose items look back; its item i has rank laterBase + i
     * @param earlier     a chunk of smaller ranks (earlierBase + nEarlier <= laterBase), or the same chunk
     */
    public PairScan(PointSet later, int laterBase, PointSet earlier, int earlierBase) {
        this.same = later == earlier;
        if (!same && earlierBase + earlier.size() > laterBase) {
            throw new IllegalArgumentException("the earlier chunk must rank before the later one: ranks "
                    + earlierBase + "+" + earlier.size() + " vs " + laterBase);
        }
        if (later.dim() != earlier.dim()) {
            throw new IllegalArgumentException("dimensions differ: " + later.dim() + " vs " + earlier.dim());
        }
        this.later = later;
        this.laterBase = laterBase;
        this.earlier = earlier;
        this.earlierBase = earlierBase;
    }

    /** Adds every pair with similarity >= threshold to {@code out} (later rank, earlier rank, similarity). */
    public void edges(float threshold, Edges out) {
        scan((i, row, rowBase, count) -> {
            for (int j = 0; j < count; j++) {
                float s = row[rowBase + j];
                if (s >= threshold) {
                    out.add(laterBase + i, earlierBase + j, s);
                }
            }
        });
    }

    /**
     * Raises {@code max[i]} to the highest similarity of later item i to any earlier item (SemDeDup's per-item
     * score, from which the epsilon of a target share is read); items with nothing before them keep their value.
     */
    public void maxEarlier(float[] max) {
        scan((i, row, rowBase, count) -> {
            float m = max[i];
            for (int j = 0; j < count; j++) {
                m = Math.max(m, row[rowBase + j]);
            }
            max[i] = m;
        });
    }

    private interface RowConsumer {
        /** Later item i's similarities to earlier items 0..count-1 at row[rowBase..]. */
        void accept(int i, float[] row, int rowBase, int count);
    }

    private void scan(RowConsumer consumer) {
        int stride = earlier.paddedSize();
        float[] buf = new float[Math.min(BLOCK, Math.max(1, later.size())) * stride];
        int d = later.dim();
        for (int from = 0; from < later.size(); from += BLOCK) {
            int to = Math.min(later.size(), from + BLOCK);
            Queries q = Queries.ofArray(later.rows(), d, from, to);
            // Against itself a block needs only the columns before its last row.
            int columns = same ? to - 1 : earlier.size();
            if (columns <= 0) {
                continue;
            }
            BlockKernel.computeRange(earlier, q, BlockKernel.Output.COSINE, 0f, buf, stride, 0, columns);
            for (int i = from; i < to; i++) {
                int count = same ? i : earlier.size();
                consumer.accept(i, buf, (i - from) * stride, count);
            }
        }
    }
}
