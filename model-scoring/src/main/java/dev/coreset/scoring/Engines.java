package dev.coreset.scoring;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PyTorch engine, loaded once per JVM (the first call costs ~2 s). Offline use needs
 * {@code -Dai.djl.offline=true}, env {@code PYTORCH_FLAVOR=cpu} (or a CUDA flavour on GPU clusters) and
 * pytorch-jni + pytorch-native-* on the classpath; the CPU build is what this module ships. On a GPU cluster
 * the executors need a CUDA build of pytorch-native (e.g. ai.djl.pytorch:pytorch-native-cu124 of the same
 * PyTorch version) instead of pytorch-native-cpu, or DJL falls back to the CPU.
 */
public final class Engines {
    public static final String PYTORCH = "PyTorch";
    public static final String ONNX = "OnnxRuntime";
    private static final Logger LOG = LoggerFactory.getLogger(Engines.class);
    private static volatile Engine pytorch;
    private static volatile int defaultIntraOpThreads;

    private Engines() {
    }

    public static Engine pytorch() {
        Engine e = pytorch;
        if (e == null) {
            synchronized (Engines.class) {
                e = pytorch;
                if (e == null) {
                    e = Engine.getEngine(PYTORCH);
                    LOG.info("DJL engine {} {} loaded, {} GPU(s) visible", e.getEngineName(), e.getVersion(), e.getGpuCount());
                    defaultIntraOpThreads = JniUtils.getNumThreads();
                    pytorch = e;
                }
            }
        }
        return e;
    }

    /** GPUs ONNX Runtime can use: 0 with the CPU build (the default), the CUDA devices with onnxruntime_gpu. */
    public static int onnxGpuCount() {
        return Engine.getEngine(ONNX).getGpuCount();
    }

    /**
     * Sets PyTorch's intra-op thread count (0: leave it). The CPU build's intra-op pool is OpenMP: the count is a
     * setting of the calling thread, and a thread that has not run a parallel operator yet starts from the value
     * last set by any thread. On executors running several tasks at once, set it on each task thread to the task's
     * cores (1 = spark.task.cpus by default), or every task uses every core (ScoreJob does; docs/BENCHMARKS.md).
     * Returns the calling thread's previous value.
     */
    public static int setIntraOpThreads(int threads) {
        pytorch();
        int previous = JniUtils.getNumThreads();
        if (threads > 0 && threads != previous) {
            JniUtils.setNumThreads(threads);
        }
        return previous;
    }

    /** The intra-op thread count PyTorch started with in this JVM (its default, or ai.djl.pytorch.num_threads). */
    public static int defaultIntraOpThreads() {
        pytorch();
        return defaultIntraOpThreads;
    }
}
