package dev.coreset.schemas;

/**
 * An order-independent fingerprint of a table's (sample_id, label) pairs: row count plus the wrapping
 * sum of a 64-bit mix of each pair. Addition commutes, so Spark partitions can compute partial sums
 * in any order and a Spark-free reader gets the same value.
 */
public record Fingerprint(long rows, long hash) implements java.io.Serializable {

    public static long mix(long sampleId, int label) {
        long z = sampleId * 0x9E3779B97F4A7C15L + label * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public Fingerprint add(long sampleId, int label) {
        return new Fingerprint(rows + 1, hash + mix(sampleId, label));
    }

    public Fingerprint merge(Fingerprint other) {
        return new Fingerprint(rows + other.rows, hash + other.hash);
    }

    public static Fingerprint empty() {
        return new Fingerprint(0, 0);
    }

    public String hashHex() {
        return String.format("%016x", hash);
    }

    public static Fingerprint parse(long rows, String hashHex) {
        return new Fingerprint(rows, Long.parseUnsignedLong(hashHex, 16));
    }
}
