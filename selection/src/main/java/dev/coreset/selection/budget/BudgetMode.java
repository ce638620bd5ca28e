package dev.coreset.selection.budget;

/** How a total budget is split over classes. */
public enum BudgetMode {
    /** k / C per class; what small classes cannot use goes to the others. */
    UNIFORM,
    /** proportional to class size (stratified), largest-remainder rounding. */
    PROPORTIONAL,
    /** NUCS: proportional to class size x class difficulty (winsorized mean of per-sample difficulty). */
    DIFFICULTY
}
