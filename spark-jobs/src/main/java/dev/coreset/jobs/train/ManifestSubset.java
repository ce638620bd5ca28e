package dev.coreset.jobs.train;

import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.Fingerprint;
import dev.coreset.scoring.train.CloseableIterator;
import dev.coreset.scoring.train.LabeledRow;
import dev.coreset.scoring.train.RowSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training rows of a manifest: the samples of its ids with the manifest's weights, nothing else.
 * <p>One pass over the train split checks that it is the table the manifest was selected from (fingerprint),
 * that every manifest id is there with the same label, and keeps the selected rows in memory when they fit
 * in {@code maxCacheBytes}; otherwise each epoch streams the split again and filters by id.
 */
public final class ManifestSubset implements RowSource {
    private static final Logger LOG = LoggerFactory.getLogger(ManifestSubset.class);

    /** How the manifest's weights reach the loss. */
    public enum WeightMode {
        /** the manifest's weight column (CRAIG cluster sizes, 1 for score-based and random picks) */
        MANIFEST,
        /** every selected sample counts 1 */
        UNIFORM
    }

    private final RowSource train;
    private final ManifestWeights weights;
    private final WeightMode mode;
    private final List<LabeledRow> cached;
    private final long rows;

    private ManifestSubset(RowSource train, ManifestWeights weights, WeightMode mode, List<LabeledRow> cached, long rows) {
        this.train = train;
        this.weights = weights;
        this.mode = mode;
        this.cached = cached;
        this.rows = rows;
    }

    /**
     * @param samples   the samples table's path (for messages)
     * @param train     its train split
     */
    public static ManifestSubset load(String samples, RowSource train, ManifestWeights weights, WeightMode mode,
                                      long maxCacheBytes) {
        Fingerprint fp = Fingerprint.empty();
        List<LabeledRow> kept = new ArrayList<>();
        long found = 0;
        long bytes = 0;
        boolean caching = true;
        try (CloseableIterator<LabeledRow> it = train.open(0)) {
            while (it.hasNext()) {
                LabeledRow row = it.next();
                fp = fp.add(row.id(), row.label());
                ManifestWeights.Entry e = weights.get(row.id());
                if (e == null) {
                    continue;
                }
                if (e.label() != row.label()) {
                    throw new CoresetInputException(weights.path() + ": sample_id " + row.id() + " has label "
                            + e.label() + " in the manifest but " + row.label() + " in " + samples
                            + "; pass the samples table the manifest was selected from.");
                }
                found++;
                if (caching) {
                    bytes += 4L * row.features().length + 48;
                    if (bytes > maxCacheBytes) {
                        caching = false;
                        kept = null;
                    } else {
                        kept.add(withWeight(row, e, mode));
                    }
                }
            }
        }
        weights.checkSource(samples, fp);
        if (found != weights.size()) {
            throw new CoresetInputException(weights.path() + ": " + (weights.size() - found) + " of " + weights.size()
                    + " manifest ids are not in the train split of " + samples
                    + "; pass the samples table the manifest was selected from.");
        }
        LOG.info("manifest {}: {} of {} train rows selected ({})", weights.path(), found, fp.rows(),
                caching ? "held in memory" : "streamed each epoch: larger than the cache bound");
        return new ManifestSubset(train, weights, mode, caching ? List.copyOf(kept) : null, found);
    }

    private static LabeledRow withWeight(LabeledRow row, ManifestWeights.Entry e, WeightMode mode) {
        float w = mode == WeightMode.MANIFEST ? (float) e.weight() : 1f;
        return new LabeledRow(row.id(), row.label(), row.features(), w);
    }

    /** Selected rows (= rows per epoch). */
    public long rows() {
        return rows;
    }

    @Override
    public CloseableIterator<LabeledRow> open(long epochSeed) {
        if (cached != null) {
            Iterator<LabeledRow> it = cached.iterator();
            return new CloseableIterator<>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public LabeledRow next() {
                    return it.next();
                }

                @Override
                public void close() {
                }
            };
        }
        CloseableIterator<LabeledRow> all = train.open(epochSeed);
        return new CloseableIterator<>() {
            private LabeledRow next = advance();

            private LabeledRow advance() {
                while (all.hasNext()) {
                    LabeledRow row = all.next();
                    ManifestWeights.Entry e = weights.get(row.id());
                    if (e != null) {
                        return withWeight(row, e, mode);
                    }
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public LabeledRow next() {
                LabeledRow r = next;
                if (r == null) {
                    throw new java.util.NoSuchElementException();
                }
                next = advance();
                return r;
            }

            @Override
            public void close() {
                all.close();
            }
        };
    }
}
