package dev.coreset.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * One application's Spark event log (spark.eventLog.enabled, uncompressed, not rolling): its name and id, and
 * how many tasks each executor finished, from the SparkListenerTaskEnd events.
 */
record EventLog(String appName, String appId, Map<String, Integer> tasksPerExecutor) {
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
        Map<String, Integer> tasks = new TreeMap<>();
        try (Stream<String> lines = Files.lines(file)) {
            for (String line : (Iterable<String>) lines::iterator) {
                JsonNode e = JSON.readTree(line);
                switch (e.path("Event").asText()) {
                    case "SparkListenerApplicationStart" -> {
                        name = e.path("App Name").asText();
                        id = e.path("App ID").asText();
                    }
                    case "SparkListenerTaskEnd" -> tasks.merge(e.path("Task Info").path("Executor ID").asText(), 1, Integer::sum);
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
