package dev.coreset.jobs.demo;

import dev.coreset.jobs.cli.CoresetCli;
import dev.coreset.schemas.CoresetInputException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs one {@code coreset} command in this JVM (sharing its SparkSession), the same code path a user runs,
 * with the command's own output going to a log file so the demo's console shows one line per stage.
 */
final class CliStage {
    private CliStage() {
    }

    /** Runs {@code args}; a non-zero exit becomes an exception carrying the command's error line and its log. */
    static synchronized void run(Path log, List<String> args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        int code;
        try {
            Files.createDirectories(log.getParent());
            try (PrintStream out = new PrintStream(Files.newOutputStream(log), true, StandardCharsets.UTF_8)) {
                out.println("$ coreset " + String.join(" ", args));
                System.setOut(out);
                System.setErr(out);
                try {
                    code = CoresetCli.execute(args.toArray(String[]::new));
                } finally {
                    System.setOut(oldOut);
                    System.setErr(oldErr);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + log + ": " + e.getMessage(), e);
        }
        if (code != CoresetCli.EXIT_OK) {
            String line = errorLine(log);
            String message = "coreset " + args.get(0) + " failed (" + line + "); see " + log;
            if (code == CoresetCli.EXIT_BAD_INPUT) {
                throw new CoresetInputException(message);
            }
            throw new IllegalStateException(message);
        }
    }

    private static String errorLine(Path log) {
        try {
            return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                    .filter(l -> l.startsWith("error:") || l.startsWith("internal error:"))
                    .findFirst().orElse("exit code non-zero");
        } catch (IOException e) {
            return "log unreadable";
        }
    }
}
