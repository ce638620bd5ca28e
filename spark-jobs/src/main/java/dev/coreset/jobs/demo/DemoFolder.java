package dev.coreset.jobs.demo;

import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Readies the demo's output folder: only an empty folder or an earlier demo's folder is ever written to. */
public final class DemoFolder {
    private DemoFolder() {
    }

    /** Checks the dataset, clears the folder with {@code fresh}, and saves the plan. */
    public static void prepare(DemoLayout layout, DemoPlan plan, boolean fresh) {
        DemoDataset.parse(plan.dataset()).check();
        Path root = layout.root();
        try {
            if (Files.exists(root)) {
                boolean empty;
                try (Stream<Path> s = Files.list(root)) {
                    empty = s.findAny().isEmpty();
                }
                if (!empty && !Files.isRegularFile(layout.plan())) {
                    throw new CoresetInputException(root + " is not empty and holds no demo-plan.json; pass an empty or"
                            + " new --out (the demo never writes into other folders).");
                }
                if (fresh && !empty) {
                    try (Stream<Path> s = Files.walk(root)) {
                        s.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(root)).forEach(DemoFolder::delete);
                    }
                }
            }
            Files.createDirectories(root);
            Json.MAPPER.writeValue(layout.plan().toFile(), plan);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + root + ": " + e.getMessage(), e);
        }
    }

    private static void delete(Path p) {
        try {
            Files.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + p + ": " + e.getMessage(), e);
        }
    }
}
