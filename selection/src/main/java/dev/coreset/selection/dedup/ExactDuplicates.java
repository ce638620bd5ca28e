package dev.coreset.selection.dedup;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.ToIntFunction;

/**
 * Exact duplicates among items in keep order: a hash of each item's content, then an equality check inside each
 * hash bucket (a collision never makes two different items duplicates). The first item of each set of equal ones is
 * kept; the others name it. Float vectors compare bit for bit (so -0.0 and 0.0 differ, and NaN equals itself).
 */
public final class ExactDuplicates {
    private ExactDuplicates() {
    }

    /** keptIndex[i] = the index of the first item equal to item i, or -1 when item i is kept. */
    public static int[] ofVectors(List<float[]> items) {
        return find(items, v -> {
            int h = 1;
            for (float x : v) {
                h = 31 * h + Float.floatToIntBits(x);
            }
            return h;
        }, ExactDuplicates::sameBits);
    }

    /** The same for encoded bytes (e.g. PNG files). */
    public static int[] ofBytes(List<byte[]> items) {
        return find(items, Arrays::hashCode, Arrays::equals);
    }

    private static boolean sameBits(float[] a, float[] b) {
        if (a.length != b.length) {
            return false;
        }
        for (int t = 0; t < a.length; t++) {
            if (Float.floatToIntBits(a[t]) != Float.floatToIntBits(b[t])) {
                return false;
            }
        }
        return true;
    }

    private static <T> int[] find(List<T> items, ToIntFunction<T> hash, BiPredicate<T, T> equal) {
        int[] kept = new int[items.size()];
        // Per hash value, the kept items seen so far (usually one).
        Map<Integer, int[]> buckets = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            T item = items.get(i);
            int[] bucket = buckets.get(hash.applyAsInt(item));
            kept[i] = -1;
            if (bucket != null) {
                for (int j : bucket) {
                    if (equal.test(items.get(j), item)) {
                        kept[i] = j;
                        break;
                    }
                }
            }
            if (kept[i] < 0) {
                int[] grown = bucket == null ? new int[1] : Arrays.copyOf(bucket, bucket.length + 1);
                grown[grown.length - 1] = i;
                buckets.put(hash.applyAsInt(item), grown);
            }
        }
        return kept;
    }
}
