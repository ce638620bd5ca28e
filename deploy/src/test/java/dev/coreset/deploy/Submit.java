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

    /** {@code coreset-submit sparkArgs -- command}; kills the submission (by pid) if it runs past the timeout. */
    Result run(List<String> sparkArgs, List<String> command, Duration timeout) throws IOException, InterruptedException {
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
        Process p = pb.start();
        try {
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                StandaloneCluster.stop(p.toHandle());
                throw new IllegalStateException(String.join(" ", command) + " ran past " + timeout + ":\n"
                        + StandaloneCluster.tail(log, 80));
            }
        } finally {
            if (p.isAlive()) {
                StandaloneCluster.stop(p.toHandle());
            }
        }
        return new Result(p.exitValue(), (System.nanoTime() - start) / 1e9, log);
    }
}
