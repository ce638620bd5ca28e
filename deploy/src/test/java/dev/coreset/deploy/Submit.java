package dev.coreset.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the distribution's bin/coreset-submit as a user would, one coreset command per call. */
final class Submit {
    /** What one submission did: exit code, wall seconds, where its output went. */
    record Result(int exitCode, double seconds, Path log) {
        String tail() {
            return StandaloneCluster.tail(log, 80);
        }
    }

    private final Path dist;
    private final Path sparkHome;
    private final Path logDir;
    private final Map<String, String> env;
    private int count;

    Submit(Path dist, Path sparkHome, Path logDir, Map<String, String> env) {
        this.dist = dist;
        this.sparkHome = sparkHome;
        this.logDir = logDir;
        this.env = env;
    }

    /** A submission still running: its process is the driver JVM (coreset-submit execs it in client mode). */
    record Running(Process process, Path log, String command, long startNanos) {
    }

    /** {@code coreset-submit sparkArgs -- command}; kills the submission (by pid) if it runs past the timeout. */
    Result run(List<String> sparkArgs, List<String> command, Duration timeout) throws IOException, InterruptedException {
        return await(start(sparkArgs, command), timeout);
    }

    /** Starts {@code coreset-submit sparkArgs -- command} and returns at once. */
    Running start(List<String> sparkArgs, List<String> command) throws IOException {
        Files.createDirectories(logDir);
        Path log = logDir.resolve(String.format("%02d-%s.log", ++count, command.get(0)));
        List<String> cmd = new ArrayList<>();
        cmd.add(dist.resolve("bin/coreset-submit").toString());
        cmd.addAll(sparkArgs);
        cmd.add("--");
        cmd.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        StandaloneCluster.sparkEnv(pb.environment(), sparkHome);
        pb.environment().putAll(env);
        long start = System.nanoTime();
        return new Running(pb.start(), log, String.join(" ", command), start);
    }

    /** Waits for a submission to end; kills it (by pid) if it runs past the timeout. */
    Result await(Running r, Duration timeout) throws InterruptedException {
        Process p = r.process();
        try {
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                StandaloneCluster.stop(p.toHandle());
                throw new IllegalStateException(r.command() + " ran past " + timeout + ":\n"
                        + StandaloneCluster.tail(r.log(), 80));
            }
        } finally {
            if (p.isAlive()) {
                StandaloneCluster.stop(p.toHandle());
            }
        }
        return new Result(p.exitValue(), (System.nanoTime() - r.startNanos()) / 1e9, r.log());
    }
}
