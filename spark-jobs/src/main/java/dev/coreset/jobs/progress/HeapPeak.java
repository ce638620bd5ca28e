package dev.coreset.jobs.progress;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples the used heap and the resident set size (VmRSS of /proc/self/status) every 50 ms on a daemon thread
 * (benchmarks: Spark runs in this JVM in local mode). Sampling misses spikes shorter than the period; the heap
 * figure includes garbage not yet collected.
 */
public final class HeapPeak implements Runnable {
    private static final Path STATUS = Path.of("/proc/self/status");
    private final AtomicLong peak = new AtomicLong();
    private final AtomicLong rssPeak = new AtomicLong(-1);
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
        p.sample();
        p.thread = new Thread(p, "bench-heap-peak");
        p.thread.setDaemon(true);
        p.thread.start();
        return p;
    }

    @Override
    public void run() {
        while (running) {
            sample();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void sample() {
        peak.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
        rssPeak.accumulateAndGet(rssBytes(), Math::max);
    }

    /** Stops sampling; the largest used heap seen, in bytes. */
    public long stop() {
        running = false;
        thread.interrupt();
        return peak.get();
    }

    /** The largest resident set size seen, in bytes (-1 where /proc/self/status cannot be read); after {@link #stop}. */
    public long rssPeak() {
        return rssPeak.get();
    }

    /** VmRSS of this process in bytes, or -1. */
    static long rssBytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
