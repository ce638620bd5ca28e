package dev.coreset.jobs.cli;

import java.util.ArrayList;
import java.util.List;

/** Which rows of a long list a summary prints: the first, evenly spaced ones between, and the last. */
final class EvenlySpaced {
    private EvenlySpaced() {
    }

    /** Ascending indices into a list of {@code size}: all of them when size <= max, else max of them (max >= 2). */
    static List<Integer> indices(int size, int max) {
        List<Integer> out = new ArrayList<>();
        if (size <= max) {
            for (int i = 0; i < size; i++) {
                out.add(i);
            }
            return out;
        }
        // k * (size - 1) / (max - 1) for k = 0..max-1: distinct since size > max, first 0, last size - 1
        for (int k = 0; k < max; k++) {
            out.add((int) ((long) k * (size - 1) / (max - 1)));
        }
        return out;
    }
}
