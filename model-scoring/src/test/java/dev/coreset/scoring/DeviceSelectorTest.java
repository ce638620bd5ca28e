package dev.coreset.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.coreset.schemas.CoresetInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeviceSelectorTest {
    @Test
    void picksTheAssignedGpuWhenTheEngineHasGpus() {
        assertEquals(Device.gpu(1), DeviceSelector.select(List.of("1"), 2));
        assertEquals(Device.gpu(0), DeviceSelector.select(List.of("0", "1"), 2));
    }

    @Test
    void fallsBackToCpu() {
        assertEquals(Device.cpu(), DeviceSelector.select(List.of(), 2));
        assertEquals(Device.cpu(), DeviceSelector.select(null, 2));
        assertEquals(Device.cpu(), DeviceSelector.select(List.of("0"), 0), "CPU build of PyTorch: no GPUs");
        // this workplace has the CPU build only
        assertEquals(Device.cpu(), DeviceSelector.select(List.of("0")));
    }

    @Test
    void rejectsAddressesTheEngineCannotSee() {
        String m = assertThrows(CoresetInputException.class, () -> DeviceSelector.select(List.of("3"), 2)).getMessage();
        assertTrue(m.contains("Spark assigned GPU 3 but the engine sees only 2 GPU(s)"), m);
        m = assertThrows(CoresetInputException.class, () -> DeviceSelector.select(List.of("gpu-a"), 2)).getMessage();
        assertTrue(m.contains("'gpu-a'"), m);
    }

    @Test
    void onnxModelsAskOnnxRuntimeForGpus() {
        assertEquals(Device.cpu(), DeviceSelector.forModel(ModelRef.Kind.ONNX, List.of()));
        // The default build ships ONNX Runtime's CPU library (mvn -Ponnx-gpu swaps in the CUDA one): it sees no GPU,
        // so a task with GPU 0 assigned runs its ONNX model on the CPU instead of failing.
        assertEquals(0, Engines.onnxGpuCount());
        assertEquals(Device.cpu(), DeviceSelector.forModel(ModelRef.Kind.ONNX, List.of("0")));
        assertEquals(Device.cpu(), DeviceSelector.forModel(ModelRef.Kind.TORCHSCRIPT, List.of("0")));
    }
}
