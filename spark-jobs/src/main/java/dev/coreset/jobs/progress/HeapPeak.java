package dev.coreset.jobs.progress;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.concurrent.atomic.AtomicLong;

/** Samples the used heap every 50 ms on a daemon thread (benchmarks: Spark runs in this JVM in local mode). */
public final class HeapPeak implements Runnable {
    private final AtomicLong peak = new AtomicLong();
    private volatile boolean running = true;
    private Thread thread;

    private HeapPeak() {
    }

    public static HeapPeak start() {
        HeapPeak p = new HeapPeak();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
        p.thread = new Thread(p, "bench-heap-peak");
        p.thread.setDaemon(true);
        p.thread.start();
        return p;
    }

    @Override
    public void run() {
        while (running) {
            peak.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Stops sampling; the largest used heap seen, in bytes. */
    public long stop() {
        running = false;
        thread.interrupt();
        return peak.get();
    }
}
