package dev.coreset.jobs.select;

import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.Tables;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The dynamics scores CCS and D2 can order samples by (the columns of {@link Tables#DYNAMICS}), with the end that
 * holds the hard samples: low AUM, mean p_y and CLD; high DUAL score, forgetting, early EL2N and losses.
 */
public enum DynamicsScore {
    AUM(Tables.AUM, true),
    MEAN_PY(Tables.MEAN_PY, true),
    CLD(Tables.CLD, true),
    DUAL(Tables.DUAL, false),
    FORGETTING(Tables.FORGETTING, false),
    EL2N_EARLY(Tables.EL2N_EARLY, false),
    MEAN_LOSS(Tables.MEAN_LOSS, false),
    LAST_LOSS(Tables.LAST_LOSS, false);

    private final String column;
    private final boolean lowIsHard;

    DynamicsScore(String column, boolean lowIsHard) {
        this.column = column;
        this.lowIsHard = lowIsHard;
    }

    public String column() {
        return column;
    }

    /** The score turned so that low = hard (what {@link dev.coreset.selection.sample.HardCut} expects). */
    public double lowIsHard(double v) {
        return lowIsHard ? v : -v;
    }

    public static DynamicsScore parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (DynamicsScore s : values()) {
            if (s.column.equals(n)) {
                return s;
            }
        }
        throw new CoresetInputException("--score " + name + " is not a dynamics score; use one of "
                + Arrays.stream(values()).map(DynamicsScore::column).collect(Collectors.joining(", ")) + ".");
    }
}
