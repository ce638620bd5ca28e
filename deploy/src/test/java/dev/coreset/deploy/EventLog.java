package dev.coreset.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * One application's Spark event log (spark.eventLog.enabled, uncompressed, not rolling): its name and id, and how
 * many tasks each executor finished per coreset command, from SparkListenerTaskEnd events and the job descriptions
 * the commands set ("score: 3 checkpoints" counts for "score"); and the task attempts that did not succeed, per
 * command, as "REASON@EXECUTOR" (e.g. "ExecutorLostFailure@1", "FetchFailed@0").
 */
record EventLog(String appName, String appId, Map<String, Map<String, Integer>> tasksPerCommand,
                Map<String, List<String>> failedTasks) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static List<EventLog> readAll(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().endsWith(".inprogress"))
                    .sorted().map(EventLog::read).toList();
        }
    }

    static EventLog read(Path file) {
        String name = null;
        String id = null;
        Map<Integer, String> commandOfStage = new HashMap<>();
        Map<String, Map<String, Integer>> tasks = new TreeMap<>();
        Map<String, List<String>> failed = new TreeMap<>();
        try (Stream<String> lines = Files.lines(file)) {
            for (String line : (Iterable<String>) lines::iterator) {
                JsonNode e = JSON.readTree(line);
                switch (e.path("Event").asText()) {
                    case "SparkListenerApplicationStart" -> {
                        name = e.path("App Name").asText();
                        id = e.path("App ID").asText();
                    }
                    case "SparkListenerJobStart" -> {
                        String description = e.path("Properties").path("spark.job.description").asText("");
                        String command = description.contains(":") ? description.substring(0, description.indexOf(':')) : "(none)";
                        e.path("Stage IDs").forEach(s -> commandOfStage.put(s.asInt(), command));
                    }
                    case "SparkListenerTaskEnd" -> {
                        String command = commandOfStage.getOrDefault(e.path("Stage ID").asInt(), "(none)");
                        String executor = e.path("Task Info").path("Executor ID").asText();
                        String reason = e.path("Task End Reason").path("Reason").asText();
                        if (reason.equals("Success")) {
                            tasks.computeIfAbsent(command, k -> new TreeMap<>()).merge(executor, 1, Integer::sum);
                        } else {
                            failed.computeIfAbsent(command, k -> new ArrayList<>()).add(reason + "@" + executor);
                        }
                    }
                    default -> {
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new EventLog(name, id, tasks, failed);
    }
}
