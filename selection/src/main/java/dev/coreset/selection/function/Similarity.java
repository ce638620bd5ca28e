package dev.coreset.selection.function;

import dev.coreset.selection.kernel.BlockKernel;
import dev.coreset.selection.kernel.PointSet;

/**
 * The similarity used by facility location.
 * <ul>
 *   <li>EUCLIDEAN: sim = C - ||x_i - x_j|| as in CRAIG. C must bound every pairwise distance; by default
 *   C = 2 x (max distance to the centroid) x (1 + 1e-4), which does by the triangle inequality and costs O(nd).</li>
 *   <li>COSINE: the plain cosine; since cur[] starts at 0, negative similarities count as 0.</li>
 *   <li>RBF: exp(-gamma ||x_i - x_j||^2). Default gamma = 1 / (mean squared pairwise distance), computed exactly
 *   as 1 / (2 x mean squared distance to the centroid); 1/d when all points coincide.</li>
 * </ul>
 */
public final class Similarity {
    public enum Kind { EUCLIDEAN, COSINE, RBF }

    private final Kind kind;
    private final double param; // C or gamma; NaN = derive from the data

    private Similarity(Kind kind, double param) {
        this.kind = kind;
        this.param = param;
    }

    public static Similarity euclidean() { return new Similarity(Kind.EUCLIDEAN, Double.NaN); }

    /** Euclidean with an explicit constant C (must be >= the largest pairwise distance). */
    public static Similarity euclidean(double c) {
        if (!(c > 0)) throw new IllegalArgumentException("C must be > 0, got " + c);
        return new Similarity(Kind.EUCLIDEAN, c);
    }

    public static Similarity cosine() { return new Similarity(Kind.COSINE, 0); }

    public static Similarity rbf() { return new Similarity(Kind.RBF, Double.NaN); }

    public static Similarity rbf(double gamma) {
        if (!(gamma > 0)) throw new IllegalArgumentException("gamma must be > 0, got " + gamma);
        return new Similarity(Kind.RBF, gamma);
    }

    public Kind kind() { return kind; }

    /** The kernel output mode for this similarity. */
    BlockKernel.Output output() {
        return switch (kind) {
            case EUCLIDEAN -> BlockKernel.Output.EUCLID_SIM;
            case COSINE -> BlockKernel.Output.COSINE;
            case RBF -> BlockKernel.Output.RBF;
        };
    }

    /** The kernel parameter (C or gamma) for these points, derived from the data when not given. */
    float parameter(PointSet pts) {
        if (!Double.isNaN(param)) return (float) param;
        return switch (kind) {
            case EUCLIDEAN -> (float) euclideanBound(pts);
            case COSINE -> 0f;
            case RBF -> (float) defaultGamma(pts);
        };
    }

    /** 2 x max distance to the centroid (bounds every pairwise distance), with a small margin; 1 if all coincide. */
    public static double euclideanBound(PointSet pts) {
        double max = 0;
        for (double s : pts.sqDistancesToCentroid()) max = Math.max(max, s);
        double c = 2 * Math.sqrt(max) * (1 + 1e-4);
        return c > 0 ? c : 1.0;
    }

    /** 1 / mean squared pairwise distance = 1 / (2 x mean squared distance to the centroid). */
    public static double defaultGamma(PointSet pts) {
        double sum = 0;
        for (double s : pts.sqDistancesToCentroid()) sum += s;
        double meanPair = pts.size() == 0 ? 0 : 2 * sum / pts.size();
        return meanPair > 0 ? 1.0 / meanPair : 1.0 / pts.dim();
    }

    @Override
    public String toString() {
        return Double.isNaN(param) ? kind.toString() : kind + "(" + param + ")";
    }
}
