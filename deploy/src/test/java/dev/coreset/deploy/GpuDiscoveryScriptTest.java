package dev.coreset.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/gpu-discovery.sh against a fake nvidia-smi on PATH: the JSON Spark reads, and the failures that must stop an
 * executor from starting without its GPU.
 */
class GpuDiscoveryScriptTest {
    private static final Path SCRIPT = Path.of(System.getProperty("coreset.dist.src", "bin"), "gpu-discovery.sh");

    @TempDir
    Path dir;

    record Run(int exitCode, String stdout, String stderr) {
    }

    @Test
    void listsEveryGpuIndexNvidiaSmiReports() throws Exception {
        fakeNvidiaSmi("printf '0\\n1\\n 2 \\n3\\n'");
        Run r = discover();
        assertEquals(0, r.exitCode(), r.stderr());
        JsonNode json = new ObjectMapper().readTree(r.stdout());
        assertEquals("gpu", json.get("name").asText());
        List<String> addresses = new ArrayList<>();
        json.get("addresses").forEach(a -> addresses.add(a.asText()));
        assertEquals(List.of("0", "1", "2", "3"), addresses);
    }

    @Test
    void aSingleGpuIsOneAddress() throws Exception {
        fakeNvidiaSmi("echo 0");
        assertEquals("{\"name\":\"gpu\",\"addresses\":[\"0\"]}", discover().stdout().trim());
    }

    @Test
    void noGpusGiveAnEmptyList() throws Exception {
        fakeNvidiaSmi("true");
        Run r = discover();
        assertEquals(0, r.exitCode());
        assertEquals("{\"name\":\"gpu\",\"addresses\":[]}", r.stdout().trim());
    }

    @Test
    void failsWhenNvidiaSmiIsMissing() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.exists(Path.of("/usr/bin/nvidia-smi")), "a real nvidia-smi is installed");
        Run r = discover();
        assertEquals(1, r.exitCode());
        assertTrue(r.stderr().contains("nvidia-smi not found"), r.stderr());
        assertEquals("", r.stdout());
    }

    @Test
    void failsWhenNvidiaSmiFails() throws Exception {
        fakeNvidiaSmi("echo 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.'; exit 9");
        Run r = discover();
        assertEquals(1, r.exitCode());
        assertTrue(r.stderr().contains("could not communicate with the NVIDIA driver"), r.stderr());
    }

    @Test
    void failsOnOutputThatIsNotAnIndex() throws Exception {
        fakeNvidiaSmi("echo 'No devices were found'");
        Run r = discover();
        assertEquals(1, r.exitCode());
        assertTrue(r.stderr().contains("unexpected nvidia-smi output line 'No devices were found'"), r.stderr());
    }

    /** A fake nvidia-smi that insists on the query the script must make, then runs {@code body}. */
    private void fakeNvidiaSmi(String body) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path smi = bin.resolve("nvidia-smi");
        Files.writeString(smi, "#!/bin/sh\n"
                + "if [ \"$*\" != \"--query-gpu=index --format=csv,noheader\" ]; then echo \"bad args: $*\" >&2; exit 64; fi\n"
                + body + "\n");
        Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Run discover() throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", SCRIPT.toAbsolutePath().toString());
        // Only the fake's folder and the basic tools: a real nvidia-smi on this machine must not be found.
        pb.environment().put("PATH", dir.resolve("bin") + ":/usr/bin:/bin");
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("gpu-discovery.sh did not finish");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
