package dev.coreset.jobs.dedup;

import java.io.Serializable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * The cut that makes SemDeDup's any-earlier rule flag exactly a wanted number of items, found without collecting the
 * items: each item's highest similarity to an earlier item of its cluster and a seeded hash of its id form one 64-bit
 * key (similarity descending, then hash ascending), and the wanted-th smallest key is found by four passes of a
 * 65,536-bucket histogram over 16 bits each (driver memory: one histogram; the result does not depend on
 * partitioning). The hash breaks ties: when many items share the cut similarity (identical directions, all at 1.0),
 * only as many of them as wanted may go, chosen by the hash instead of all of them.
 */
final class ShareCutoff implements Serializable {
    private static final int BITS = 16;
    private static final int BUCKETS = 1 << BITS;

    /**
     * An item may go when its similarity is above {@code similarity}, or equal to it with a tie hash at most
     * {@code tieHash} (unsigned); {@code NONE} when nothing may go.
     */
    record Cut(float similarity, int tieHash) implements Serializable {
        static final Cut NONE = new Cut(Float.POSITIVE_INFINITY, 0);
        /** No tie limit: every item at or above the similarity may go. */
        static Cut atLeast(float similarity) {
            return new Cut(similarity, -1);
        }

        /** Whether a pair (later item, similarity) counts: its similarity clears the cut for that item. */
        boolean admits(long laterId, float s, long seed) {
            return s > similarity || (s == similarity && Integer.compareUnsigned(ShareCutoff.tieHash(laterId, seed), tieHash) <= 0);
        }
    }

    private ShareCutoff() {
    }

    /**
     * @param maxEarlier (id, highest similarity to an earlier item of its cluster), one row per item; items with no
     *                   earlier item (negative infinity) never go
     * @return the cut, or null when fewer than {@code wanted} items have an earlier item at all
     */
    static Cut find(JavaRDD<Tuple2<Long, Float>> maxEarlier, long wanted, long seed) {
        JavaRDD<Long> keys = maxEarlier.filter(t -> t._2() > Float.NEGATIVE_INFINITY)
                .map(t -> key(t._2(), tieHash(t._1(), seed))).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            long prefix = 0;
            long rank = wanted; // 1-based rank of the wanted key among those sharing the prefix
            for (int pass = 0; pass < 64 / BITS; pass++) {
                int shift = 64 - BITS * (pass + 1);
                long known = prefix;
                int knownBits = BITS * pass;
                long[] h = keys.treeAggregate(new long[BUCKETS], (acc, k) -> {
                    if (knownBits == 0 || (k >>> (64 - knownBits)) == known) {
                        acc[(int) ((k >>> shift) & (BUCKETS - 1))]++;
                    }
                    return acc;
                }, ShareCutoff::add);
                int b = 0;
                while (b < BUCKETS && rank > h[b]) {
                    rank -= h[b];
                    b++;
                }
                if (b == BUCKETS) {
                    return null;
                }
                prefix = (prefix << BITS) | b;
            }
            return new Cut(similarity(prefix), (int) prefix);
        } finally {
            keys.unpersist();
        }
    }

    private static long[] add(long[] a, long[] b) {
        for (int i = 0; i < a.length; i++) {
            a[i] += b[i];
        }
        return a;
    }

    /** Similarity descending in the high 32 bits (as unsigned), the tie hash ascending in the low 32. */
    static long key(float similarity, int tieHash) {
        int bits = Float.floatToIntBits(similarity == 0f ? 0f : similarity); // -0.0 sorts with 0.0
        int ordered = bits ^ ((bits >> 31) & 0x7fffffff); // signed order of the floats
        int descending = ~(ordered ^ Integer.MIN_VALUE); // unsigned, largest similarity first
        return ((long) descending << 32) | (tieHash & 0xffffffffL);
    }

    private static float similarity(long key) {
        int ordered = ~(int) (key >>> 32) ^ Integer.MIN_VALUE;
        int bits = ordered ^ ((ordered >> 31) & 0x7fffffff);
        return Float.intBitsToFloat(bits);
    }

    /** A seeded 32-bit mix of the id (SplitMix64's finalizer): which tied items go, the same on every run. */
    static int tieHash(long id, long seed) {
        long z = id * 0x9E3779B97F4A7C15L + seed * 0xBF58476D1CE4E5B9L + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (int) ((z ^ (z >>> 31)) >>> 32);
    }
}
