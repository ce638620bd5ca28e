package dev.coreset.selection.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A small fixed set of threads for blocked loops. Every task writes disjoint output, and every reduction
 * is combined in task-index order by the caller, so results never depend on the number of threads.
 * With one thread it runs inline (what a Spark task should use: Spark already runs tasks in parallel).
 *
 * <p>The caller works on its own job too, and helpers take task indices one at a time. A helper that finishes a
 * job spins for {@value #SPIN_NANOS} ns before it parks: lazy greedy issues thousands of jobs of a few hundred
 * microseconds each, and waking a parked thread costs tens of microseconds on a virtual machine, which a pool
 * hand-off per job would pay every time (docs/BENCHMARKS.md, selection kernel).
 */
public final class Workers implements AutoCloseable {
    private static final Workers INLINE = new Workers(1);
    private static final long SPIN_NANOS = 200_000;

    private final int threads;
    private final Helper[] helpers;
    private volatile Job job;
    private volatile boolean closed;

    private Workers(int threads) {
        this.threads = threads;
        this.helpers = new Helper[threads - 1];
        for (int h = 0; h < helpers.length; h++) {
            helpers[h] = new Helper();
            Thread t = new Thread(helpers[h], "coreset-kernel-" + (h + 1));
            t.setDaemon(true);
            helpers[h].thread = t;
            t.start();
        }
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

    /**
     * Runs task(0..count-1), in parallel when there are helpers and more than one task; returns when all are done,
     * rethrowing the first failure. The caller claims tasks until none are left, so a job completes whatever the
     * helpers do: concurrent or nested calls are correct (they only share the helpers).
     */
    public void run(int count, IntConsumer task) {
        if (helpers.length == 0 || count <= 1) {
            for (int i = 0; i < count; i++) task.accept(i);
            return;
        }
        if (closed) throw new IllegalStateException("these Workers are closed");
        Job j = new Job(count, task);
        job = j;
        for (Helper h : helpers) {
            if (h.parked) LockSupport.unpark(h.thread);
        }
        j.drain();
        // Helpers hold at most one task each; wait for those still running.
        while (j.completed.get() < count) Thread.onSpinWait();
        job = null;
        if (j.failure instanceof RuntimeException r) throw r;
        if (j.failure instanceof Error e) throw e;
        if (j.failure != null) throw new IllegalStateException(j.failure);
    }

    @Override
    public void close() {
        if (this == INLINE) return;
        closed = true;
        for (Helper h : helpers) LockSupport.unpark(h.thread);
    }

    /** One call of {@link #run}: tasks are claimed by index; {@code completed} counts those finished. */
    private static final class Job {
        final int count;
        final IntConsumer task;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger completed = new AtomicInteger();
        volatile Throwable failure;

        Job(int count, IntConsumer task) {
            this.count = count;
            this.task = task;
        }

        void drain() {
            for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                try {
                    if (failure == null) task.accept(i);
                } catch (Throwable t) {
                    if (failure == null) failure = t;
                } finally {
                    completed.incrementAndGet();
                }
            }
        }
    }

    /** Drains each new job; spins a while after one, then parks until the next (or close). */
    private final class Helper implements Runnable {
        Thread thread;
        volatile boolean parked;

        @Override
        public void run() {
            Job last = null;
            long idleSince = System.nanoTime();
            while (!closed) {
                Job j = job;
                if (j != null && j != last) {
                    last = j;
                    j.drain();
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    parked = true;
                    // Re-check after announcing: run() either sees parked and unparks, or we see its job here.
                    Job again = job;
                    if ((again == null || again == last) && !closed) LockSupport.park(this);
                    parked = false;
                    idleSince = System.nanoTime();
                }
            }
        }
    }
}
