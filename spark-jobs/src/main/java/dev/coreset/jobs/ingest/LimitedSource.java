package dev.coreset.jobs.ingest;

import java.io.IOException;

/** The first rows of a driver-side source only (--limit: trial runs on a slice of a large dataset). */
final class LimitedSource implements RawSource {
    private final RawSource inner;
    private final long limit;
    private long read;

    private LimitedSource(RawSource inner, long limit) {
        this.inner = inner;
        this.limit = limit;
    }

    /** {@code source} itself when {@code limit} is 0 (no limit). */
    static RawSource of(RawSource source, long limit) {
        return limit > 0 ? new LimitedSource(source, limit) : source;
    }

    @Override
    public RawRow next() throws IOException {
        return read++ < limit ? inner.next() : null;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }
}
