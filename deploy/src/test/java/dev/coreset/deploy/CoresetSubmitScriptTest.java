package dev.coreset.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/coreset-submit with a SPARK_HOME whose bin/spark-submit records its arguments: the command line YARN,
 * Kubernetes and GPU submissions get (the integration test covers the jars-only SPARK_HOME path on a real cluster).
 */
class CoresetSubmitScriptTest {
    private static final Path SCRIPT = Path.of(System.getProperty("coreset.dist.src", "bin"), "coreset-submit");
    private static final String FLAGS = "--add-modules=jdk.incubator.vector -Dai.djl.offline=true";

    @TempDir
    Path dir;
    private Path dist;
    private Path sparkHome;

    record Run(int exitCode, List<String> args, String stderr) {
    }

    @BeforeEach
    void layout() throws IOException {
        dist = dir.resolve("coreset");
        Files.createDirectories(dist.resolve("bin"));
        Files.copy(SCRIPT, dist.resolve("bin/coreset-submit"));
        Files.writeString(Files.createDirectories(dist.resolve("conf")).resolve("jvm.flags"), FLAGS + "\n");
        Files.writeString(Files.createDirectories(dist.resolve("lib/native")).resolve("pytorch-native-cpu.jar"), "x");
        Files.writeString(dist.resolve("lib/coreset-app.jar"), "x");
        sparkHome = dir.resolve("spark");
        Path submit = Files.createDirectories(sparkHome.resolve("bin")).resolve("spark-submit");
        Files.writeString(submit, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > \"$ARGS_OUT\"\n"
                + "echo \"PYTORCH_FLAVOR=$PYTORCH_FLAVOR DJL_CACHE_DIR=$DJL_CACHE_DIR\" >&2\n");
        Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void addsTheMainClassJarsAndJvmFlagsAroundTheUsersArguments() throws Exception {
        Run r = submit(Map.of("CORESET_DJL_CACHE_DIR", "/var/cache/djl", "CORESET_EXECUTOR_JAVA_OPTS", "-Dx=1"),
                "--master", "yarn", "--deploy-mode", "cluster", "--", "score", "--samples", "s", "--out", "o");
        assertEquals(0, r.exitCode(), r.stderr());
        String app = dist.resolve("lib/coreset-app.jar").toString();
        assertEquals(List.of("--driver-memory", "2g", "--class", "dev.coreset.jobs.cli.CoresetCli",
                "--conf", "spark.driver.extraJavaOptions=" + FLAGS,
                "--conf", "spark.executor.extraJavaOptions=" + FLAGS + " -Dx=1",
                "--conf", "spark.executorEnv.PYTORCH_FLAVOR=cpu",
                "--conf", "spark.executorEnv.ONEDNN_MAX_CPU_ISA=AVX2",
                "--conf", "spark.executorEnv.DJL_CACHE_DIR=/var/cache/djl",
                "--jars", dist.resolve("lib/native/pytorch-native-cpu.jar").toString(),
                "--master", "yarn", "--deploy-mode", "cluster", app, "score", "--samples", "s", "--out", "o"), r.args());
        assertTrue(r.stderr().contains("PYTORCH_FLAVOR=cpu DJL_CACHE_DIR=/var/cache/djl"), r.stderr());
    }

    @Test
    void gpuExecutorsTakeTheirNativesFromTheClassPathNotFromJars() throws Exception {
        Run r = submit(Map.of("CORESET_NATIVE_JARS", "", "CORESET_PYTORCH_FLAVOR", "cu128",
                        "CORESET_APP_JAR", "local:///opt/coreset/lib/coreset-app.jar"),
                "--master", "k8s://https://api:6443", "--", "score", "--out", "o");
        assertEquals(0, r.exitCode(), r.stderr());
        assertFalse(r.args().contains("--jars"), r.args().toString());
        assertTrue(r.args().contains("spark.executorEnv.PYTORCH_FLAVOR=cu128"), r.args().toString());
        assertEquals("local:///opt/coreset/lib/coreset-app.jar", r.args().get(r.args().size() - 4));
    }

    @Test
    void refusesWhatCannotWork() throws Exception {
        Run noCommand = submit(Map.of(), "--master", "yarn");
        assertEquals(2, noCommand.exitCode());
        assertTrue(noCommand.stderr().contains("no coreset command"), noCommand.stderr());

        Files.delete(dist.resolve("lib/coreset-app.jar"));
        Run noJar = submit(Map.of(), "--", "score");
        assertEquals(2, noJar.exitCode());
        assertTrue(noJar.stderr().contains("coreset-app.jar is missing"), noJar.stderr());

        Run noSpark = submit(Map.of("SPARK_HOME", ""), "--", "score");
        assertEquals(2, noSpark.exitCode());
        assertTrue(noSpark.stderr().contains("SPARK_HOME is not set"), noSpark.stderr());
    }

    private Run submit(Map<String, String> env, String... args) throws IOException, InterruptedException {
        Path argsOut = dir.resolve("args.txt");
        Files.deleteIfExists(argsOut);
        List<String> cmd = new java.util.ArrayList<>(List.of("/bin/bash", dist.resolve("bin/coreset-submit").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> e = new HashMap<>(Map.of("SPARK_HOME", sparkHome.toString(), "ARGS_OUT", argsOut.toString()));
        e.putAll(env);
        pb.environment().keySet().removeIf(k -> k.startsWith("CORESET_"));
        pb.environment().putAll(e);
        Path err = dir.resolve("err.txt");
        Process p = pb.redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("coreset-submit did not finish");
        }
        List<String> recorded = Files.exists(argsOut) ? Files.readAllLines(argsOut, StandardCharsets.UTF_8) : List.of();
        return new Run(p.exitValue(), recorded, Files.readString(err));
    }
}
