package dev.coreset.jobs.cld;

import dev.coreset.schemas.CoresetInputException;
import java.util.List;
import java.util.Locale;

/**
 * The {@code --window} option: which of the chosen checkpoints the trajectory scores (AUM, mean p_y, DUAL's score,
 * mean probabilities) average over: {@code all}, {@code from:N} (checkpoints numbered N or later, e.g. from:1 skips
 * the untrained initialisation that {@code coreset train} saves as checkpoint 0) or {@code last:K}. Spark-free.
 */
public final class ScoreWindow {
    private final String spec;
    private final Integer from;
    private final Integer last;

    private ScoreWindow(String spec, Integer from, Integer last) {
        this.spec = spec;
        this.from = from;
        this.last = last;
    }

    public static final ScoreWindow ALL = new ScoreWindow("all", null, null);

    public static ScoreWindow parse(String spec) {
        String s = spec == null ? "all" : spec.trim().toLowerCase(Locale.ROOT);
        if (s.equals("all")) {
            return ALL;
        }
        for (String prefix : new String[] {"from:", "last:"}) {
            if (s.startsWith(prefix)) {
                int v;
                try {
                    v = Integer.parseInt(s.substring(prefix.length()).trim());
                } catch (NumberFormatException e) {
                    v = -1;
                }
                if (v < (prefix.equals("last:") ? 1 : 0)) {
                    break;
                }
                return prefix.equals("from:") ? new ScoreWindow(s, v, null) : new ScoreWindow(s, null, v);
            }
        }
        throw new CoresetInputException("--window " + spec + " is not all, from:N or last:K; write e.g. from:1.");
    }

    public String spec() {
        return spec;
    }

    /** The window's checkpoints out of the chosen ones (ascending); refuses an empty window. */
    public List<Integer> choose(List<Integer> chosen, String path) {
        List<Integer> out = chosen;
        if (from != null) {
            out = chosen.stream().filter(c -> c >= from).toList();
        } else if (last != null) {
            out = chosen.subList(Math.max(0, chosen.size() - last), chosen.size());
        }
        if (out.isEmpty()) {
            throw new CoresetInputException("--window " + spec + " leaves none of the checkpoints " + chosen + " of "
                    + path + "; use --window all or a smaller N.");
        }
        return List.copyOf(out);
    }
}
