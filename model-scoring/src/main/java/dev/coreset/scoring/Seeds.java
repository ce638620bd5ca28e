package dev.coreset.scoring;

/** Derived seeds, identical on every JVM. */
public final class Seeds {
    private Seeds() {
    }

    /** SplitMix64 finaliser of (seed, k): a well-mixed 64-bit seed for stream k. */
    public static long mix(long seed, long k) {
        long z = seed + 0x9E3779B97F4A7C15L * (k + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
