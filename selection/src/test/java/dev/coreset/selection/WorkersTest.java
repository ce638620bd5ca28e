package dev.coreset.selection;

import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.selection.kernel.Workers;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** The kernel's thread set: every task runs exactly once, failures reach the caller, concurrent callers work. */
class WorkersTest {
    @Test
    void everyTaskRunsOnceOverManyShortJobs() {
        try (Workers w = Workers.create(3)) {
            for (int job = 0; job < 2_000; job++) {
                int count = 1 + job % 17;
                AtomicIntegerArray runs = new AtomicIntegerArray(count);
                w.run(count, runs::incrementAndGet);
                for (int i = 0; i < count; i++) assertEquals(1, runs.get(i), "job " + job + " task " + i);
            }
        }
    }

    @Test
    void aFailingTaskReachesTheCallerAndTheWorkersStayUsable() {
        try (Workers w = Workers.create(2)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> w.run(8, i -> {
                if (i == 5) throw new IllegalArgumentException("task 5");
            }));
            assertEquals("task 5", e.getMessage());
            AtomicIntegerArray runs = new AtomicIntegerArray(8);
            w.run(8, runs::incrementAndGet);
            for (int i = 0; i < 8; i++) assertEquals(1, runs.get(i));
        }
    }

    @Test
    void concurrentAndNestedCallersEachCompleteTheirJob() throws Exception {
        try (Workers w = Workers.create(2)) {
            long[] sums = new long[4];
            Thread[] callers = new Thread[4];
            for (int c = 0; c < callers.length; c++) {
                int id = c;
                callers[c] = new Thread(() -> {
                    for (int rep = 0; rep < 200; rep++) {
                        AtomicIntegerArray runs = new AtomicIntegerArray(10);
                        w.run(10, i -> w.run(3, k -> runs.addAndGet(i, k + 1))); // nested: 1 + 2 + 3 per task
                        for (int i = 0; i < 10; i++) sums[id] += runs.get(i);
                    }
                });
                callers[c].start();
            }
            for (Thread t : callers) t.join();
            for (long s : sums) assertEquals(200L * 10 * 6, s);
        }
    }
}
