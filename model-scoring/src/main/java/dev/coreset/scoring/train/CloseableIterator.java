package dev.coreset.scoring.train;

import java.util.Iterator;
import java.util.List;

/** An iterator over a resource (a Parquet reader, a file) that must be closed. close() must not throw checked exceptions. */
public interface CloseableIterator<T> extends Iterator<T>, AutoCloseable {
    @Override
    void close();

    static <T> CloseableIterator<T> of(Iterator<T> it) {
        return new CloseableIterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public T next() {
                return it.next();
            }

            @Override
            public void close() {
            }
        };
    }

    static <T> CloseableIterator<T> of(List<T> list) {
        return of(list.iterator());
    }
}
