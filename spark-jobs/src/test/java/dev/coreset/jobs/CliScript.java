package dev.coreset.jobs;

import dev.coreset.jobs.cli.CoresetCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Test main for {@link JavaProcess}: runs several coreset commands in one JVM (one SparkSession, made by the
 * first command), one command per line of the script file, arguments separated by tabs. Exits with the first
 * non-zero exit code, after printing which command failed.
 */
public final class CliScript {
    private CliScript() {
    }

    public static void main(String[] args) throws Exception {
        List<String> lines = Files.readAllLines(Path.of(args[0]));
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            int code = CoresetCli.execute(line.split("\t"));
            if (code != 0) {
                System.err.println("cli-script: exit " + code + " from: " + line.replace('\t', ' '));
                System.exit(code);
            }
        }
        System.err.println("cli-script: all " + lines.size() + " commands done");
        System.exit(0);
    }
}
