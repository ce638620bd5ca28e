package dev.coreset.selection.assign;

/**
 * A mergeable summary of nearest-center assignments: per-center counts (CRAIG weights), the sum of distances
 * (k-medoid cost), the largest distance (k-center radius) and the number of rows. Spark tasks build one per
 * partition and the driver merges them; the Euclidean facility location value is rows x C - cost.
 */
public final class AssignmentSummary {
    private final long[] counts;
    private double cost;
    private double radius;
    private long rows;

    public AssignmentSummary(int k) {
        this.counts = new long[k];
    }

    public void add(int center, double distance) {
        counts[center]++;
        cost += distance;
        radius = Math.max(radius, distance);
        rows++;
    }

    /** Adds another summary over the same centers into this one and returns this. */
    public AssignmentSummary merge(AssignmentSummary other) {
        if (other.counts.length != counts.length) throw new IllegalArgumentException("different k");
        for (int c = 0; c < counts.length; c++) counts[c] += other.counts[c];
        cost += other.cost;
        radius = Math.max(radius, other.radius);
        rows += other.rows;
        return this;
    }

    /** CRAIG weights: how many rows have each center as their nearest; sums to {@link #rows()}. */
    public long[] weights() { return counts.clone(); }
    /** k-medoid cost: sum of distances to the nearest center (lower is better). */
    public double kMedoidCost() { return cost; }
    /** k-center objective: largest distance to the nearest center. */
    public double kCenterRadius() { return radius; }
    public long rows() { return rows; }
    /** Euclidean facility location value sum_i (C - d_i) for a constant C. */
    public double facilityLocationValue(double c) { return rows * c - cost; }
}
