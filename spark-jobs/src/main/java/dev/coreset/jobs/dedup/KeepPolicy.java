package dev.coreset.jobs.dedup;

import dev.coreset.schemas.CoresetInputException;

/**
 * Which item of a duplicate group is kept (--keep): easy = nearest its cluster's centre (SemDeDup's keep-easy),
 * hard = farthest from it, random = a seeded hash of the id, score:COLUMN = the highest value of a numeric column.
 * Ties always go to the smaller id. Exact copies are equally near their centre, so under easy and hard the smaller id
 * of a set of exact copies is kept.
 */
public record KeepPolicy(Kind kind, String column) implements java.io.Serializable {
    public enum Kind { EASY, HARD, RANDOM, SCORE }

    public static KeepPolicy parse(String text) {
        String t = text == null ? "easy" : text.trim();
        if (t.startsWith("score:") && t.length() > "score:".length()) {
            return new KeepPolicy(Kind.SCORE, t.substring("score:".length()));
        }
        return switch (t) {
            case "easy" -> new KeepPolicy(Kind.EASY, null);
            case "hard" -> new KeepPolicy(Kind.HARD, null);
            case "random" -> new KeepPolicy(Kind.RANDOM, null);
            default -> throw new CoresetInputException("--keep " + t + " is not a keep policy; use easy, hard, random or"
                    + " score:COLUMN (e.g. score:margin: the highest value is kept).");
        };
    }

    /** Whether the key comes from the distance to the cluster's centre (known only after clustering). */
    boolean byCentre() {
        return kind == Kind.EASY || kind == Kind.HARD;
    }

    @Override
    public String toString() {
        return kind == Kind.SCORE ? "score:" + column : kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
