package dev.coreset.selection.dedup;

import java.util.Arrays;

/**
 * Near-duplicate pairs of one cluster as three parallel growable arrays: a later item (its rank in keep order), an
 * earlier item (a smaller rank) and their cosine similarity. Only pairs at or above the threshold are kept, so at any
 * sane epsilon the list is about as long as the number of duplicates, never the number of pairs.
 */
public final class Edges {
    private int[] later = new int[16];
    private int[] earlier = new int[16];
    private float[] similarity = new float[16];
    private int size;

    public void add(int laterRank, int earlierRank, float sim) {
        if (size == later.length) {
            int grown = size * 2;
            later = Arrays.copyOf(later, grown);
            earlier = Arrays.copyOf(earlier, grown);
            similarity = Arrays.copyOf(similarity, grown);
        }
        later[size] = laterRank;
        earlier[size] = earlierRank;
        similarity[size] = sim;
        size++;
    }

    public int size() {
        return size;
    }

    public int later(int e) {
        return later[e];
    }

    public int earlier(int e) {
        return earlier[e];
    }

    public float similarity(int e) {
        return similarity[e];
    }
}
