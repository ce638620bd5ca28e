package dev.coreset.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coreset.jobs.TaskFaults;
import dev.coreset.jobs.select.DriverGreedy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Processes SIGKILLed in the middle of examples/digits-pipeline.yaml on a real standalone cluster (a master and two
 * 1-core workers, started once for the class), against an undisturbed run of all its stages on the same cluster.
 * The disturbed runs start from copies of that run's outputs and submit the rest of the pipeline as one `coreset run`:
 * <ul>
 * <li>from its samples table and trained run, score and both selections, with an executor JVM killed while a score
 * task runs and another while a greedy-per-part task of facility location runs: the run ends through Spark's
 * retries and its manifests are byte-identical ({@link ManifestFiles});</li>
 * <li>from its samples table, train, score and both selections, with the driver killed while a score task runs
 * (score's staging directory exists): the same command started again skips train (ResumeGuard), runs the rest,
 * publishes byte-identical manifests and leaves no staging directory behind.</li>
 * </ul>
 * "While a task runs" is made certain by the test-only hold of {@link TaskFaults} ({@value TaskFaults#HOLD}): the
 * first task at a site writes its executor's pid to a file and waits to be killed. The event log must show the lost
 * executor failing a task of that command, so the test cannot pass without the kill landing mid-stage. Stage
 * times of the undisturbed run and the run with lost executors go to target/it-killed/timings.txt.
 */
class KilledProcessesIT {
    private static final Duration HOLD_TIMEOUT = Duration.ofMinutes(5);
    private static final Pattern HELD = Pattern.compile("pid=(\\d+) executor=(\\S+) stage=(\\d+)");
    private static final List<String> MANIFESTS = List.of("fl", "random");

    private static Path it;
    private static PipelineRuns runs;
    private static StandaloneCluster cluster;
    private static Path undisturbed;
    /** The pipeline's stages after ingest, and after train; reading ${root}/samples and ${root}/run as the whole pipeline does. */
    private static Path afterIngest;
    private static Path afterTrain;
    private static Map<String, Double> undisturbedTimes;

    /** The task that holds at a site: its executor JVM's pid and Spark executor id. */
    private record Held(long pid, String executor) {
    }

    @BeforeAll
    static void clusterAndUndisturbedRun() throws Exception {
        it = Path.of(System.getProperty("coreset.it.dir")).resolveSibling("it-killed");
        runs = PipelineRuns.prepare(it);
        afterIngest = PipelineRuns.stages(runs.digitsPipeline, 1, 5, it.resolve("after-ingest.json"));
        afterTrain = PipelineRuns.stages(runs.digitsPipeline, 2, 5, it.resolve("after-train.json"));
        cluster = StandaloneCluster.start(runs.sparkHome, it.resolve("cluster-processes"), 2, 1, "1g", Duration.ofMinutes(3));
        undisturbed = it.resolve("undisturbed");
        Path events = it.resolve("events-undisturbed");
        undisturbedTimes = runs.runDigits(PipelineRuns.withEventLog(PipelineRuns.onCluster(cluster), events), undisturbed);
        undisturbedTimes.putAll(JobTimes.of(events));
        assertEquals(List.of(), litter(undisturbed), "an undisturbed run leaves no hidden entries");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void lostExecutorsInScoreAndGreedyRoundsGiveTheSameManifests() throws Exception {
        Path root = fromUndisturbed("lost-executors", "samples", "run");
        Path holds = it.resolve("holds-executors");
        Path events = it.resolve("events-lost-executors");
        awaitNoExecutors();
        Submit.Running run = runs.start(held(PipelineRuns.withEventLog(PipelineRuns.onCluster(cluster), events), holds,
                TaskFaults.SCORE + "," + TaskFaults.SELECT), afterTrain, List.of("root=" + root));
        Map<String, Held> killed = new LinkedHashMap<>();
        try {
            for (String site : List.of(TaskFaults.SCORE, TaskFaults.SELECT)) {
                Held h = awaitHold(holds, site, run);
                ProcessHandle executor = cluster.executors().stream().filter(p -> p.pid() == h.pid()).findFirst()
                        .orElseThrow(() -> new AssertionError(site + ": pid " + h.pid() + " is not an executor JVM of the cluster"));
                executor.destroyForcibly();
                executor.onExit().get(30, TimeUnit.SECONDS);
                killed.put(site, h);
            }
        } finally {
            if (killed.size() < 2) {
                StandaloneCluster.stop(run.process().toHandle()); // the test failed: do not leave the driver behind
            }
        }
        Map<String, Double> times = PipelineRuns.finished(runs.submit.await(run, PipelineRuns.RUN_TIMEOUT), 3);
        EventLog log = onlyLog(events);
        times.putAll(JobTimes.of(events));
        PipelineRuns.writeTimings(it.resolve("timings.txt"), "undisturbed", undisturbedTimes,
                "executor killed in score and in greedy per part", times);

        assertSameManifests(root);
        for (var k : killed.entrySet()) {
            List<String> failed = log.failedTasks().getOrDefault(k.getKey(), List.of());
            assertTrue(failed.contains("ExecutorLostFailure@" + k.getValue().executor()), k.getKey()
                    + ": no task of the command was lost with executor " + k.getValue().executor() + "; failed tasks " + log.failedTasks());
        }
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void runStartedAgainAfterAKilledDriverResumesAndPublishesTheSameManifests() throws Exception {
        Path root = fromUndisturbed("killed-driver", "samples");
        Path holds = it.resolve("holds-driver");
        awaitNoExecutors();
        List<String> vars = List.of("root=" + root);
        Submit.Running first = runs.start(held(PipelineRuns.onCluster(cluster), holds, TaskFaults.SCORE), afterIngest, vars);
        try {
            awaitHold(holds, TaskFaults.SCORE, first);
            assertTrue(litter(root).stream().anyMatch(e -> e.startsWith(".scores.staging-")),
                    "score's staging directory exists while its tasks run: " + litter(root));
        } finally {
            first.process().destroyForcibly();
        }
        assertTrue(first.process().waitFor(30, TimeUnit.SECONDS), "the driver JVM ends on SIGKILL");
        assertEquals(137, first.process().exitValue(), "exit status of a SIGKILLed JVM");
        // The master ends the application when its driver goes; the second run then gets both workers' cores.
        awaitNoExecutors();

        Submit.Result again = runs.submit.await(runs.start(PipelineRuns.onCluster(cluster), afterIngest, vars), PipelineRuns.RUN_TIMEOUT);
        PipelineRuns.finished(again, 4);
        String console = Files.readString(again.log(), StandardCharsets.ISO_8859_1);
        assertTrue(console.contains("train: skipped"), "train finished in the killed run and is skipped:\n" + again.tail());
        assertFalse(console.contains("score: skipped"), "score did not finish in the killed run:\n" + again.tail());
        assertSameManifests(root);
        assertEquals(List.of(), litter(root), "staging left after the resumed run");
    }

    /** A root for a disturbed run holding copies (modification times kept) of the undisturbed run's {@code outputs}. */
    private static Path fromUndisturbed(String name, String... outputs) throws IOException {
        Path root = it.resolve(name);
        for (String table : outputs) {
            Path from = undisturbed.resolve(table);
            try (Stream<Path> s = Files.walk(from)) {
                for (Path p : s.toList()) {
                    Path to = root.resolve(table).resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(p, to, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
        }
        return root;
    }

    /** The run's Spark options plus the test-only hold at {@code sites}, claimed through files in {@code holds}. */
    private static List<String> held(List<String> sparkArgs, Path holds, String sites) {
        List<String> args = new ArrayList<>(sparkArgs);
        args.addAll(List.of("--conf", TaskFaults.HOLD + "=" + sites, "--conf", TaskFaults.HOLD_DIR + "=" + holds));
        if (sites.contains(TaskFaults.SELECT)) {
            // The digits tables are small enough to select on the driver; the greedy rounds must run on executors here.
            args.addAll(List.of("--conf", DriverGreedy.CONF + "=0"));
        }
        return args;
    }

    /** Waits for the task holding at {@code site} to name itself; fails at once if the run ends first. */
    private static Held awaitHold(Path holds, String site, Submit.Running run) throws IOException, InterruptedException {
        Path file = holds.resolve(site);
        long deadline = System.nanoTime() + HOLD_TIMEOUT.toNanos();
        while (!Files.exists(file)) {
            if (!run.process().isAlive()) {
                throw new AssertionError("the run ended (code " + run.process().exitValue() + ") before a task held at "
                        + site + ":\n" + StandaloneCluster.tail(run.log(), 60));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no task held at " + site + " within " + HOLD_TIMEOUT + ":\n" + StandaloneCluster.tail(run.log(), 60));
            }
            Thread.sleep(100);
        }
        Matcher m = HELD.matcher(Files.readString(file));
        assertTrue(m.find(), file + ": " + Files.readString(file));
        return new Held(Long.parseLong(m.group(1)), m.group(2));
    }

    /** Waits until the previous application's executors are gone, so each run starts on both workers. */
    private static void awaitNoExecutors() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!cluster.executors().isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "executors still running: " + cluster.executors());
            Thread.sleep(250);
        }
    }

    private static void assertSameManifests(Path root) {
        for (String m : MANIFESTS) {
            ManifestFiles expected = ManifestFiles.of(undisturbed.resolve(m), undisturbed);
            assertTrue(expected.files().keySet().stream().anyMatch(f -> f.endsWith(".parquet")), m + ": no data file");
            assertEquals(expected, ManifestFiles.of(root.resolve(m), root), m + ": manifest differs from the undisturbed run's");
        }
    }

    private static EventLog onlyLog(Path events) throws IOException {
        List<EventLog> logs = EventLog.readAll(events);
        assertEquals(1, logs.size(), "one application: " + logs);
        return logs.get(0);
    }

    /** Hidden entries a run can leave under its root: staging and backup directories (Hadoop's .crc files aside). */
    private static List<String> litter(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.getFileName().toString().startsWith(".") && !p.getFileName().toString().endsWith(".crc"))
                    .map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }
}
