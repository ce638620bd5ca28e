package dev.coreset.scoring;

import ai.djl.Device;
import dev.coreset.schemas.CoresetInputException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the device for a Spark task: the GPU Spark assigned to it (pass
 * {@code TaskContext.get().resources().get("gpu").addresses()} as a list, or an empty list / null when the
 * task has none) when the engine can see GPUs, else the CPU. GPU use needs a CUDA build of pytorch-native on
 * the executors' classpath (this project ships the CPU build, so here the engine sees 0 GPUs and the CPU is
 * always chosen). With several assigned GPUs the first is used. Addresses are taken as CUDA ordinals as the
 * executor process sees them (consistent with CUDA_VISIBLE_DEVICES set by the discovery script).
 */
public final class DeviceSelector {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceSelector.class);

    private DeviceSelector() {
    }

    /** Uses the PyTorch engine's GPU count. */
    public static Device select(List<String> assignedGpus) {
        return select(assignedGpus, Engines.pytorch().getGpuCount());
    }

    /**
     * The device for a model of {@code kind}: ONNX models ask ONNX Runtime how many GPUs it can drive (its CUDA
     * provider, from the onnxruntime_gpu build), the others PyTorch; so an ONNX model can run on the task's GPU
     * where PyTorch has only its CPU build, as in this project's default build.
     */
    public static Device forModel(ModelRef.Kind kind, List<String> assignedGpus) {
        if (assignedGpus == null || assignedGpus.isEmpty()) {
            return select(assignedGpus, 0);
        }
        int gpus = kind == ModelRef.Kind.ONNX ? Engines.onnxGpuCount() : Engines.pytorch().getGpuCount();
        return select(assignedGpus, gpus);
    }

    public static Device select(List<String> assignedGpus, int engineGpuCount) {
        if (assignedGpus == null || assignedGpus.isEmpty()) {
            LOG.info("device: cpu (no GPU assigned to this task)");
            return Device.cpu();
        }
        String address = assignedGpus.get(0).trim();
        int index;
        try {
            index = Integer.parseInt(address);
        } catch (NumberFormatException e) {
            throw new CoresetInputException("GPU address '" + address + "' assigned by Spark is not a number;"
                    + " the GPU discovery script must report CUDA ordinals such as \"0\"");
        }
        if (engineGpuCount <= 0) {
            LOG.warn("device: cpu (Spark assigned GPU {} but the engine sees no GPU: is a CUDA build of "
                    + "pytorch-native on the classpath?)", address);
            return Device.cpu();
        }
        if (index < 0 || index >= engineGpuCount) {
            throw new CoresetInputException("Spark assigned GPU " + address + " but the engine sees only "
                    + engineGpuCount + " GPU(s) (0.." + (engineGpuCount - 1) + "); check the discovery script and"
                    + " CUDA_VISIBLE_DEVICES on the executors");
        }
        LOG.info("device: gpu({}) (assigned by Spark: {})", index, assignedGpus);
        return Device.gpu(index);
    }
}
