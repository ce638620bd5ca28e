package dev.coreset.jobs.cld;

import dev.coreset.schemas.CoresetInputException;
import java.util.Locale;

/** How a total budget is split over classes (ALGORITHMS.md, "Class budgets"). */
public enum BudgetMode {
    /** k / C per class; what small classes cannot use goes to the others. */
    UNIFORM,
    /** Stratified: each class in proportion to its size. */
    PROPORTIONAL,
    /** NUCS: in proportion to class size times the class's winsorized mean difficulty (mean loss). */
    DIFFICULTY;

    public static BudgetMode parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new CoresetInputException("--budget-mode " + s + " is unknown; use uniform, proportional or difficulty.");
        }
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
