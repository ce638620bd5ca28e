package dev.coreset.jobs.cld;

import dev.coreset.schemas.CoresetInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The {@code --checkpoints} option: {@code all}, {@code first:K} (the K earliest) or a list
 * {@code 0,2,4}. Spark-free: it chooses among the checkpoints a scores table has.
 */
public final class CheckpointSelection {
    /** CLD correlates loss differences: 3 checkpoints give 2 differences, the least a correlation can use. */
    public static final int MIN_CHECKPOINTS = 3;

    private final String spec;
    private final Integer first;
    private final List<Integer> listed;

    private CheckpointSelection(String spec, Integer first, List<Integer> listed) {
        this.spec = spec;
        this.first = first;
        this.listed = listed;
    }

    public static CheckpointSelection parse(String spec) {
        String s = spec == null ? "all" : spec.trim();
        if (s.equalsIgnoreCase("all")) {
            return new CheckpointSelection("all", null, null);
        }
        if (s.toLowerCase(java.util.Locale.ROOT).startsWith("first:")) {
            String k = s.substring("first:".length()).trim();
            int n;
            try {
                n = Integer.parseInt(k);
            } catch (NumberFormatException e) {
                throw new CoresetInputException("--checkpoints " + spec + ": '" + k
                        + "' is not a whole number; write e.g. first:5.");
            }
            if (n < MIN_CHECKPOINTS) {
                throw new CoresetInputException("--checkpoints " + spec + " selects " + n + " checkpoints; CLD needs at least "
                        + MIN_CHECKPOINTS + " (2 loss differences): use first:" + MIN_CHECKPOINTS + " or more.");
            }
            return new CheckpointSelection(s, n, null);
        }
        TreeSet<Integer> values = new TreeSet<>();
        for (String part : s.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            try {
                values.add(Integer.parseInt(p));
            } catch (NumberFormatException e) {
                throw new CoresetInputException("--checkpoints " + spec + ": '" + p
                        + "' is not a checkpoint number; use all, first:K or a list like 0,2,4.");
            }
        }
        if (values.size() < MIN_CHECKPOINTS) {
            throw new CoresetInputException("--checkpoints " + spec + " selects " + values.size()
                    + " checkpoints; CLD needs at least " + MIN_CHECKPOINTS + " (2 loss differences): list more.");
        }
        return new CheckpointSelection(s, null, new ArrayList<>(values));
    }

    public String spec() {
        return spec;
    }

    /**
     * @param available the checkpoints the table holds (any order)
     * @param path      the scores table, for messages
     * @return the chosen checkpoints, ascending
     */
    public List<Integer> choose(List<Integer> available, String path) {
        return choose(available, path, MIN_CHECKPOINTS);
    }

    /** Like {@link #choose(List, String)} for scores that need at least {@code min} checkpoints (AUM: 1, CLD: 3). */
    public List<Integer> choose(List<Integer> available, String path, int min) {
        List<Integer> sorted = new ArrayList<>(new TreeSet<>(available));
        List<Integer> chosen;
        if (first != null) {
            if (first > sorted.size()) {
                throw new CoresetInputException("--checkpoints " + spec + " asks for " + first + " checkpoints but "
                        + path + " has " + sorted.size() + " " + sorted + "; lower K or use --checkpoints all.");
            }
            chosen = sorted.subList(0, first);
        } else if (listed != null) {
            for (int c : listed) {
                if (!sorted.contains(c)) {
                    throw new CoresetInputException("--checkpoints " + spec + ": checkpoint " + c + " is not in " + path
                            + " (it has " + sorted + "); list only those.");
                }
            }
            chosen = listed;
        } else {
            chosen = sorted;
        }
        if (chosen.size() < min) {
            throw new CoresetInputException(path + " has " + chosen.size() + " checkpoint(s) " + chosen
                    + " with train losses; " + (min == MIN_CHECKPOINTS ? "CLD needs at least " + MIN_CHECKPOINTS
                    + " (2 loss differences)" : "this needs at least " + min) + ": score more checkpoints of the proxy run.");
        }
        return List.copyOf(chosen);
    }
}
