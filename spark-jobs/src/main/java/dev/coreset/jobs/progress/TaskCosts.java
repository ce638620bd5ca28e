package dev.coreset.jobs.progress;

/**
 * What each task of a stage costs relative to the others (by partition index), and the share of that cost done.
 * Tasks scheduled largest first (GreeDi's parts) finish the costly work early, so counting tasks alone predicts
 * an end several times too late; weighing each finished task by its cost comes much closer.
 */
final class TaskCosts {
    private final double[] costs;
    private final boolean[] finished;
    private final double total;
    private double done;

    private TaskCosts(double[] costs) {
        this.costs = costs.clone();
        this.finished = new boolean[costs.length];
        double sum = 0;
        for (double c : costs) {
            if (!(c >= 0) || Double.isInfinite(c)) {
                throw new IllegalArgumentException("task costs must be finite and >= 0, got " + c);
            }
            sum += c;
        }
        this.total = sum;
    }

    /** Null when there is nothing to weigh (no costs, or all zero): the caller then counts tasks. */
    static TaskCosts of(double[] costs) {
        if (costs == null || costs.length == 0) {
            return null;
        }
        TaskCosts t = new TaskCosts(costs);
        return t.total > 0 ? t : null;
    }

    int tasks() {
        return costs.length;
    }

    /** Marks task {@code index} done; a retried or speculative task's second success counts once. */
    synchronized void finish(int index) {
        if (index >= 0 && index < costs.length && !finished[index]) {
            finished[index] = true;
            done += costs[index];
        }
    }

    /** The share of the stage's cost in finished tasks, 0 to 1. */
    synchronized double doneShare() {
        return done / total;
    }
}
