package dev.coreset.selection.optimize;

/**
 * A binary max-heap of (upper bound on gain, element, step of last evaluation), ordered by gain descending
 * then element ascending, so that the top is always the element plain greedy would pick among equals.
 */
final class GainHeap {
    private final double[] gain;
    private final int[] elem;
    private final int[] stamp;
    private int size;

    GainHeap(int capacity) {
        gain = new double[capacity];
        elem = new int[capacity];
        stamp = new int[capacity];
    }

    int size() { return size; }
    boolean isEmpty() { return size == 0; }
    double topGain() { return gain[0]; }
    int topElement() { return elem[0]; }
    int topStamp() { return stamp[0]; }

    void push(double g, int e, int s) {
        int i = size++;
        gain[i] = g;
        elem[i] = e;
        stamp[i] = s;
        siftUp(i);
    }

    /** Removes the top; read it first with the top* accessors. */
    void pop() {
        size--;
        if (size > 0) {
            move(size, 0);
            siftDown(0);
        }
    }

    private boolean above(int a, int b) {
        return gain[a] > gain[b] || (gain[a] == gain[b] && elem[a] < elem[b]);
    }

    private void siftUp(int i) {
        while (i > 0) {
            int p = (i - 1) >>> 1;
            if (!above(i, p)) break;
            swap(i, p);
            i = p;
        }
    }

    private void siftDown(int i) {
        while (true) {
            int l = 2 * i + 1;
            if (l >= size) return;
            int r = l + 1;
            int c = r < size && above(r, l) ? r : l;
            if (!above(c, i)) return;
            swap(i, c);
            i = c;
        }
    }

    private void move(int from, int to) {
        gain[to] = gain[from];
        elem[to] = elem[from];
        stamp[to] = stamp[from];
    }

    private void swap(int a, int b) {
        double g = gain[a]; gain[a] = gain[b]; gain[b] = g;
        int e = elem[a]; elem[a] = elem[b]; elem[b] = e;
        int s = stamp[a]; stamp[a] = stamp[b]; stamp[b] = s;
    }
}
