package dev.coreset.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Wall seconds of an application's Spark jobs summed by job description ("score: 3 checkpoints", "select: merge per
 * class"), from the JobStart and JobEnd events of its event log: where a lost executor's cost shows, apart from
 * the driver-side work of the same pipeline stage.
 */
final class JobTimes {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JobTimes() {
    }

    /** From the one finished event log in {@code events}. */
    static Map<String, Double> of(Path events) {
        Path eventLog;
        try (Stream<Path> files = Files.list(events)) {
            eventLog = files.filter(f -> !f.getFileName().toString().endsWith(".inprogress")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no finished event log in " + events));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<Integer, String> description = new HashMap<>();
        Map<Integer, Long> started = new HashMap<>();
        Map<String, Double> seconds = new LinkedHashMap<>();
        try (Stream<String> lines = Files.lines(eventLog)) {
            for (String line : (Iterable<String>) lines::iterator) {
                JsonNode e = JSON.readTree(line);
                int job = e.path("Job ID").asInt();
                switch (e.path("Event").asText()) {
                    case "SparkListenerJobStart" -> {
                        description.put(job, e.path("Properties").path("spark.job.description").asText("(none)"));
                        started.put(job, e.path("Submission Time").asLong());
                    }
                    case "SparkListenerJobEnd" -> seconds.merge("jobs '" + description.get(job) + "'",
                            (e.path("Completion Time").asLong() - started.get(job)) / 1000.0, Double::sum);
                    default -> {
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return seconds;
    }
}
