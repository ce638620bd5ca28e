package dev.coreset.jobs.demo;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.coreset.schemas.AtomicPublisher;
import dev.coreset.schemas.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code stages.json} of a demo folder: for every finished stage output, the key of the parameters and inputs
 * that produced it and the seconds it took. A re-run reuses an output only when its key is the same and the
 * output is complete ({@code _SUCCESS}); anything else runs again. Rewritten atomically after every stage, so
 * an interrupted demo resumes where it stopped.
 */
public final class StageLedger {
    /** One finished stage. */
    public record Entry(@JsonProperty("key") String key, @JsonProperty("seconds") double seconds) {
    }

    public static final String FILE = "stages.json";
    private final Path root;
    private final TreeMap<String, Entry> entries;

    private StageLedger(Path root, TreeMap<String, Entry> entries) {
        this.root = root;
        this.entries = entries;
    }

    /** The ledger of {@code root}, empty when the folder has none yet. */
    public static StageLedger open(Path root) {
        Path file = root.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return new StageLedger(root, new TreeMap<>());
        }
        try {
            return new StageLedger(root, Json.MAPPER.readValue(file.toFile(), new TypeReference<TreeMap<String, Entry>>() { }));
        } catch (IOException e) {
            // A damaged ledger only costs recomputation, never a wrong reuse.
            return new StageLedger(root, new TreeMap<>());
        }
    }

    /** Seconds the stage took when {@code output} is complete and was made with {@code key}; empty otherwise. */
    public synchronized Optional<Double> reusable(Path output, String key) {
        Entry e = entries.get(name(output));
        if (e == null || !e.key().equals(key) || !Files.exists(output.resolve(AtomicPublisher.SUCCESS))) {
            return Optional.empty();
        }
        return Optional.of(e.seconds());
    }

    public synchronized void record(Path output, String key, double seconds) {
        entries.put(name(output), new Entry(key, seconds));
        Path file = root.resolve(FILE);
        Path tmp = root.resolve("." + FILE + ".tmp");
        try {
            Json.MAPPER.writeValue(tmp.toFile(), entries);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private String name(Path output) {
        return root.relativize(output).toString();
    }
}
