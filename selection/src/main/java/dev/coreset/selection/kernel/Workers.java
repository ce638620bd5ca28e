package dev.coreset.selection.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * A small fixed thread pool for blocked loops. Every task writes disjoint output, and every reduction
 * is combined in task-index order by the caller, so results never depend on the number of threads.
 * With one thread it runs inline (what a Spark task should use: Spark already runs tasks in parallel).
 */
public final class Workers implements AutoCloseable {
    private static final Workers INLINE = new Workers(1);

    private final int threads;
    private final ForkJoinPool pool;

    private Workers(int threads) {
        this.threads = threads;
        this.pool = threads > 1 ? new ForkJoinPool(threads) : null;
    }

    /** A pool of the given size; {@code threads <= 0} means available processors. Close it when done. */
    public static Workers create(int threads) {
        int t = threads <= 0 ? Runtime.getRuntime().availableProcessors() : threads;
        return t == 1 ? INLINE : new Workers(t);
    }

    /** Runs on the calling thread only. */
    public static Workers inline() {
        return INLINE;
    }

    public int threads() {
        return threads;
    }

    /** Runs task(0..count-1), in parallel when there is a pool and more than one task; returns when all are done. */
    public void run(int count, IntConsumer task) {
        if (pool == null || count <= 1) {
            for (int i = 0; i < count; i++) task.accept(i);
            return;
        }
        List<Future<?>> futures = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            final int id = i;
            futures.add(pool.submit(() -> task.accept(id)));
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof RuntimeException r) throw r;
                if (c instanceof Error err) throw err;
                throw new IllegalStateException(c);
            }
        }
    }

    @Override
    public void close() {
        if (pool != null) pool.shutdown();
    }
}
