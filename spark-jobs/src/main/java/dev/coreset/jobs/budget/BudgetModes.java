package dev.coreset.jobs.budget;

import dev.coreset.schemas.CoresetInputException;
import dev.coreset.selection.budget.BudgetMode;
import java.util.Locale;

/** The {@code --budget-mode} option of select and cld: names of {@link BudgetMode} on the command line. */
public final class BudgetModes {
    private BudgetModes() {
    }

    public static BudgetMode parse(String s) {
        try {
            return BudgetMode.valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new CoresetInputException("--budget-mode " + s + " is unknown; use uniform, proportional or difficulty.");
        }
    }

    public static String cliName(BudgetMode mode) {
        return mode.name().toLowerCase(Locale.ROOT);
    }
}
