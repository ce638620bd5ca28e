package dev.coreset.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.pytorch.jni.JniUtils;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EnginesTest {
    /** What ScoreJob relies on: a task thread can take one intra-op thread without changing another thread's count. */
    @Test
    void intraOpThreadsAreASettingOfTheCallingThread() throws Exception {
        int dflt = Engines.defaultIntraOpThreads();
        assumeTrue(dflt > 1, "needs a default of 2+ intra-op threads (2+ cores) to tell 1 from the default");
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch changed = new CountDownLatch(1);
        AtomicInteger otherBefore = new AtomicInteger();
        AtomicInteger otherAfter = new AtomicInteger();
        Thread other = new Thread(() -> {
            otherBefore.set(JniUtils.getNumThreads());
            started.countDown();
            try {
                changed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            otherAfter.set(JniUtils.getNumThreads());
        });
        other.start();
        started.await();
        AtomicInteger pinned = new AtomicInteger();
        Thread task = new Thread(() -> {
            Engines.setIntraOpThreads(1);
            pinned.set(JniUtils.getNumThreads());
            Engines.setIntraOpThreads(Engines.defaultIntraOpThreads());
        });
        task.start();
        task.join();
        changed.countDown();
        other.join();
        assertEquals(1, pinned.get());
        assertEquals(dflt, otherBefore.get());
        assertEquals(dflt, otherAfter.get(), "another thread's count must not follow the task's");
    }
}
