package dev.coreset.jobs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A second JVM running a main class on this test JVM's classpath and module flags: for what one JVM cannot
 * show (a SIGKILL in the middle of a write, a Spark session with another master). Its output is drained on a
 * thread and kept; {@link #awaitLine} waits for a marker line.
 */
public final class JavaProcess implements AutoCloseable {
    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final List<Waiter> waiters = new ArrayList<>();
    private final Thread drain;

    private record Waiter(String prefix, CompletableFuture<String> line) {
    }

    private JavaProcess(Process process) {
        this.process = process;
        drain = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    output.append(line).append('\n');
                    synchronized (waiters) {
                        for (Waiter w : waiters) {
                            if (line.startsWith(w.prefix())) {
                                w.line().complete(line);
                            }
                        }
                    }
                }
            } catch (IOException ignored) {
                // the process was killed
            }
        }, "java-process-drain");
        drain.setDaemon(true);
        drain.start();
    }

    /**
     * Starts {@code mainClass} with a 1 GB heap, the C1 compiler only, this JVM's --add-opens/--add-modules flags and -D settings,
     * the extra JVM options and the arguments; stdout and stderr merged.
     */
    public static JavaProcess start(Path workDir, List<String> jvmOptions, String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx1g");
        // C1 only: these JVMs live for one short command, mostly class loading and Spark start-up, where C2's
        // compiler threads only compete for the two cores (measured: docs/BENCHMARKS.md, CI time).
        cmd.add("-XX:TieredStopAtLevel=1");
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("-Dai.djl") || a.startsWith("-DDJL")) {
                cmd.add(a);
            }
        }
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        try {
            return new JavaProcess(new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true).start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first output line starting with {@code prefix}; fails when the process ends or the time is up first. */
    public String awaitLine(String prefix, long timeoutSeconds) throws Exception {
        CompletableFuture<String> f = new CompletableFuture<>();
        synchronized (waiters) {
            for (String line : output.toString().split("\n")) {
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
            waiters.add(new Waiter(prefix, f));
        }
        process.onExit().thenRun(() -> f.completeExceptionally(
                new AssertionError("process ended (exit " + process.exitValue() + ") before '" + prefix + "':\n" + output)));
        return f.get(timeoutSeconds, TimeUnit.SECONDS);
    }

    /** SIGKILL (Process.destroyForcibly on Linux), then wait for the JVM to be gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(60, TimeUnit.SECONDS);
    }

    /**
     * SIGTERM, as a scheduler's timeout sends; returns at once. Through the ProcessHandle: Process.destroy would also
     * close this side's pipes and lose what the process prints while it stops.
     */
    public void terminate() {
        process.toHandle().destroy();
    }

    public long pid() {
        return process.pid();
    }

    public int waitFor(long timeoutSeconds) throws InterruptedException {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("process did not finish in " + timeoutSeconds + " s:\n" + output);
        }
        drain.join(10_000); // its last lines, printed just before it ended
        return process.exitValue();
    }

    public String output() {
        return output.toString();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
