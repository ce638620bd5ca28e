package dev.coreset.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * One application's Spark event log (spark.eventLog.enabled, uncompressed, not rolling): its name and id, and how
 * many tasks each executor finished per coreset command, from SparkListenerTaskEnd events and the job descriptions
 * the commands set ("score: 3 checkpoints" counts for "score").
 */
record EventLog(String appName, String appId, Map<String, Map<String, Integer>> tasksPerCommand) {
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
                    case "SparkListenerTaskEnd" -> tasks
                            .computeIfAbsent(commandOfStage.getOrDefault(e.path("Stage ID").asInt(), "(none)"), k -> new TreeMap<>())
                            .merge(e.path("Task Info").path("Executor ID").asText(), 1, Integer::sum);
                    default -> {
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new EventLog(name, id, tasks);
    }
}
