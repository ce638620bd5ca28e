package dev.coreset.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Spark standalone cluster on 127.0.0.1: one master and N workers, each its own JVM started from a
 * SPARK_HOME whose jars/ links the Spark jars Maven resolved (no distribution download). Every process is
 * stopped by its pid, executors (the workers' children) first, in {@link #close} and from a shutdown hook.
 */
final class StandaloneCluster implements AutoCloseable {
    private static final String EXECUTOR_MAIN = "org.apache.spark.executor.CoarseGrainedExecutorBackend";
    /**
     * The C1 compiler only, for every JVM an IT starts (daemons, drivers, executors): each lives for one small run,
     * mostly class loading and Spark start-up, where C2's compiler threads only compete for the two cores.
     */
    static final String QUICK_JVM = "-XX:TieredStopAtLevel=1";
    private static final Pattern ALIVE_WORKERS = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)");

    final Path sparkHome;
    final int masterPort;
    final int masterUiPort;
    final List<Path> workerDirs = new ArrayList<>();
    private final Path logDir;
    private final List<Process> processes = new ArrayList<>();
    private final Thread shutdownHook = new Thread(this::stopAll, "stop-standalone-cluster");

    private StandaloneCluster(Path sparkHome, Path logDir) throws IOException {
        this.sparkHome = sparkHome;
        this.logDir = logDir;
        this.masterPort = freePort();
        this.masterUiPort = freePort();
    }

    /** Starts a master and {@code workers} workers of {@code cores} cores and {@code memory} each; waits for them. */
    static StandaloneCluster start(Path sparkHome, Path dir, int workers, int cores, String memory, Duration timeout)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        StandaloneCluster c = new StandaloneCluster(sparkHome, dir);
        Runtime.getRuntime().addShutdownHook(c.shutdownHook);
        try {
            c.launch(dir.resolve("master.log"), "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                    "--port", String.valueOf(c.masterPort), "--webui-port", String.valueOf(c.masterUiPort));
            for (int w = 0; w < workers; w++) {
                Path work = Files.createDirectories(dir.resolve("worker-" + w));
                c.workerDirs.add(work);
                c.launch(dir.resolve("worker-" + w + ".log"), "org.apache.spark.deploy.worker.Worker", c.masterUrl(),
                        "--host", "127.0.0.1", "--cores", String.valueOf(cores), "--memory", memory,
                        "--webui-port", String.valueOf(freePort()), "--work-dir", work.toString());
            }
            c.awaitWorkers(workers, timeout);
            return c;
        } catch (IOException | InterruptedException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** A SPARK_HOME the launcher and the workers accept: jars/ with links to each Spark jar, an empty conf/. */
    static Path sparkHome(Path dir, Path classpathFile) throws IOException {
        Path jars = Files.createDirectories(dir.resolve("jars"));
        Files.createDirectories(dir.resolve("conf"));
        for (String entry : Files.readString(classpathFile).trim().split(java.io.File.pathSeparator)) {
            Path jar = Path.of(entry);
            Path link = jars.resolve(jar.getFileName());
            if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(link, jar);
            }
        }
        return dir;
    }

    String masterUrl() {
        return "spark://127.0.0.1:" + masterPort;
    }

    /** The executor JVMs the workers started, running now: their children whose command line names the executor class. */
    List<ProcessHandle> executors() {
        return processes.stream().map(Process::toHandle).flatMap(ProcessHandle::descendants)
                .filter(p -> p.isAlive() && p.info().commandLine().orElse("").contains(EXECUTOR_MAIN)).toList();
    }

    /** The environment every Spark process of the test gets: loopback only, the Scala version workers need. */
    static void sparkEnv(Map<String, String> env, Path sparkHome) {
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.remove("SPARK_CONF_DIR");
    }

    private void launch(Path log, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx256m", QUICK_JVM, "-cp",
                sparkHome.resolve("conf") + ":" + sparkHome.resolve("jars") + "/*", mainClass));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        sparkEnv(pb.environment(), sparkHome);
        processes.add(pb.start());
    }

    private void awaitWorkers(int workers, Duration timeout) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int alive = 0;
        while (System.nanoTime() < deadline) {
            for (Process p : processes) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("a cluster process exited early (code " + p.exitValue() + "); logs in " + logDir);
                }
            }
            alive = aliveWorkers();
            if (alive >= workers) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(alive + " of " + workers + " workers registered within " + timeout + "; logs in " + logDir);
    }

    private int aliveWorkers() {
        try {
            HttpURLConnection http = (HttpURLConnection) URI.create("http://127.0.0.1:" + masterUiPort + "/json/")
                    .toURL().openConnection();
            http.setConnectTimeout(1000);
            http.setReadTimeout(2000);
            try (InputStream in = http.getInputStream()) {
                Matcher m = ALIVE_WORKERS.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                return m.find() ? Integer.parseInt(m.group(1)) : 0;
            } finally {
                http.disconnect();
            }
        } catch (IOException e) {
            return 0; // the master's UI is not up yet
        }
    }

    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook runs (or ran) stopAll itself
        }
    }

    /** Stops workers (and the executors they forked) before the master; each by pid, forcibly after 10 s. */
    private synchronized void stopAll() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            stop(processes.get(i).toHandle());
        }
        processes.clear();
    }

    static void stop(ProcessHandle p) {
        p.children().forEach(StandaloneCluster::stop);
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            p.onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
        }
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static String tail(Path file, int lines) {
        try {
            if (!Files.exists(file)) {
                return "(no " + file + ")";
            }
            List<String> all = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
