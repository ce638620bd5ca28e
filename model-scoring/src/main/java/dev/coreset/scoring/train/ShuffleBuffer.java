package dev.coreset.scoring.train;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Bounded, seeded shuffle of a stream: fill a buffer of {@code capacity} rows, then repeatedly emit a
 * uniformly chosen buffered row and put the next input row in its place; drain the rest in random order.
 * Memory: capacity x (features x 4 bytes + ~40 bytes) at most. With capacity >= the data set size this is
 * a full uniform shuffle; smaller buffers only mix rows that are within about {@code capacity} positions
 * of each other in the input, so sources sorted by label need a buffer well above one class's size (or a
 * pre-shuffled source). Deterministic for a given seed and input order.
 */
public final class ShuffleBuffer<T> implements Iterator<T> {
    private final Iterator<T> input;
    private final Object[] buffer;
    private final SplittableRandom random;
    private int size;

    public ShuffleBuffer(Iterator<T> input, int capacity, long seed) {
        if (capacity < 1) {
            throw new IllegalArgumentException("shuffle buffer capacity must be >= 1, got " + capacity);
        }
        this.input = input;
        this.buffer = new Object[capacity];
        this.random = new SplittableRandom(seed);
        while (size < capacity && input.hasNext()) {
            buffer[size++] = input.next();
        }
    }

    @Override
    public boolean hasNext() {
        return size > 0;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T next() {
        if (size == 0) {
            throw new NoSuchElementException();
        }
        int i = random.nextInt(size);
        T out = (T) buffer[i];
        if (input.hasNext()) {
            buffer[i] = input.next();
        } else {
            buffer[i] = buffer[--size];
            buffer[size] = null;
        }
        return out;
    }
}
