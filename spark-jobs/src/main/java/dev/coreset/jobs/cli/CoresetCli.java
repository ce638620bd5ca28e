package dev.coreset.jobs.cli;

import dev.coreset.jobs.io.ReadFailures;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.SoftwareVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code coreset} command line: one main class for bin/coreset (local mode) and spark-submit.
 * Exit codes: 0 ok, 2 bad usage or bad input (one line saying what to fix), 1 internal failure.
 */
@Command(name = "coreset", mixinStandardHelpOptions = true, versionProvider = CoresetCli.Version.class,
        description = "Pick small, class-balanced training subsets (coresets) with Spark.",
        subcommands = {
            DemoCommand.class,
            IngestCommand.class,
            TrainCommand.class,
            ScoreCommand.class,
            SelectCommand.class,
            CldCommand.class,
            NoiseCommand.class,
            LaunchCommand.class,
            RunCommand.class,
            ManifestCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class})
public final class CoresetCli implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_INTERNAL = 1;
    public static final int EXIT_BAD_INPUT = 2;

    @Override
    public void run() {
        new CommandLine(this).usage(System.err);
    }

    public static void main(String[] args) {
        int code = execute(args);
        System.exit(code);
    }

    /** Runs a command and returns its exit code without exiting the JVM (tests call this). */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new CoresetCli());
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            Throwable cause = rootInputCause(ex);
            if (cause instanceof CoresetInputException) {
                // One line whatever the message holds (a wrapped library message may span several).
                commandLine.getErr().println("error: " + cause.getMessage().replaceAll("\\s*\\R\\s*", " "));
                return EXIT_BAD_INPUT;
            }
            commandLine.getErr().println("internal error: " + ex);
            ex.printStackTrace(commandLine.getErr());
            return EXIT_INTERNAL;
        });
        return cli.execute(args);
    }

    /** Spark wraps task exceptions; an input error thrown inside a task still counts as one. */
    static Throwable rootInputCause(Throwable ex) {
        CoresetInputException unreadable = ReadFailures.of(ex);
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof CoresetInputException) {
                return t;
            }
            String m = t.getMessage();
            if (m != null && m.contains(CoresetInputException.class.getName() + ": ")) {
                String msg = m.substring(m.indexOf(CoresetInputException.class.getName() + ": ")
                        + CoresetInputException.class.getName().length() + 2);
                int nl = msg.indexOf('\n');
                return new CoresetInputException(nl < 0 ? msg : msg.substring(0, nl));
            }
        }
        return unreadable != null ? unreadable : ex;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {SoftwareVersion.get()};
        }
    }
}
