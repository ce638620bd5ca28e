package dev.coreset.jobs.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Peak memory of this JVM while a benchmark runs (Spark's driver and executor share it in local mode): used
 * heap polled from the MemoryMXBean, live heap (the heap pools' usage right after their last collection, what
 * the run really kept) and resident set size from /proc/self/status (VmRSS), every 50 ms. Polling misses spikes
 * shorter than the period; the used-heap figure includes garbage not yet collected.
 */
public final class MemoryPeak implements Runnable {
    private static final Path STATUS = Path.of("/proc/self/status");

    private final AtomicLong heap = new AtomicLong();
    private final AtomicLong live = new AtomicLong();
    private final AtomicLong rss = new AtomicLong();
    private volatile boolean running = true;
    private Thread thread;

    /** Peaks in bytes; rss is -1 where /proc/self/status is not readable (not Linux). */
    public record Peaks(long heapBytes, long liveHeapBytes, long rssBytes) {
    }

    public static MemoryPeak start() {
        MemoryPeak p = new MemoryPeak();
        p.sample();
        p.thread = new Thread(p, "memory-peak");
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
        heap.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
        long afterGc = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage u = pool.getType() == MemoryType.HEAP ? pool.getCollectionUsage() : null;
            afterGc += u == null ? 0 : u.getUsed();
        }
        live.accumulateAndGet(afterGc, Math::max);
        rss.accumulateAndGet(rssBytes(), Math::max);
    }

    public Peaks stop() {
        running = false;
        thread.interrupt();
        sample();
        return new Peaks(heap.get(), live.get(), rss.get());
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
