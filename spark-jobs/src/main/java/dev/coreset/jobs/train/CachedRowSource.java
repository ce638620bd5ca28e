package dev.coreset.jobs.train;

import dev.coreset.scoring.train.CloseableIterator;
import dev.coreset.scoring.train.LabeledRow;
import dev.coreset.scoring.train.RowSource;
import java.util.ArrayList;
import java.util.List;

/**
 * A row source that keeps its rows in memory after the first full pass when they fit in {@code maxBytes},
 * so later epochs (and the per-epoch val/test evaluation) skip the Parquet scan. Larger sources are streamed
 * every time: memory stays bounded by configuration, never by the data set.
 */
public final class CachedRowSource implements RowSource {
    private final RowSource inner;
    private final long maxBytes;
    private volatile List<LabeledRow> rows;
    private volatile boolean tooLarge;

    public CachedRowSource(RowSource inner, long maxBytes) {
        this.inner = inner;
        this.maxBytes = maxBytes;
    }

    @Override
    public CloseableIterator<LabeledRow> open(long epochSeed) {
        List<LabeledRow> cached = rows;
        if (cached != null) {
            var it = cached.iterator();
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
        CloseableIterator<LabeledRow> source = inner.open(epochSeed);
        if (tooLarge) {
            return source;
        }
        return new CloseableIterator<>() {
            private List<LabeledRow> filling = new ArrayList<>();
            private long bytes;

            @Override
            public boolean hasNext() {
                boolean more = source.hasNext();
                if (!more && filling != null) {
                    rows = List.copyOf(filling); // a complete pass: serve later opens from memory
                    filling = null;
                }
                return more;
            }

            @Override
            public LabeledRow next() {
                LabeledRow r = source.next();
                if (filling != null) {
                    bytes += 4L * r.features().length + 48;
                    if (bytes > maxBytes) {
                        filling = null;
                        tooLarge = true;
                    } else {
                        filling.add(r);
                    }
                }
                return r;
            }

            @Override
            public void close() {
                source.close();
            }
        };
    }
}
