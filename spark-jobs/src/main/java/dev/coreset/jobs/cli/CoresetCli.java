package dev.coreset.jobs.cli;

import dev.coreset.jobs.io.OutputWriteException;
import dev.coreset.jobs.io.ReadFailures;
import dev.coreset.jobs.io.WriteFailures;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.LiveStaging;
import dev.coreset.schemas.SoftwareVersion;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import dev.coreset.jobs.progress.CommandProfile;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The {@code coreset} command line: one main class for bin/coreset (local mode) and spark-submit.
 * Exit codes: 0 ok, 2 bad usage or bad input (one line saying what to fix), 1 an output that cannot be written
 * (one line) or an internal failure (one line; the trace goes to {@link FailureLog}'s file), 143 / 130 stopped by
 * SIGTERM / SIGINT ({@link SignalStop}).
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
            DedupCommand.class,
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

    private static volatile boolean commandReturned;

    public static void main(String[] args) {
        FailureLog.chooseFile();
        SignalStop.install(System.err);
        int code = execute(args);
        commandReturned = true;
        if (code == 0 && inYarnClusterDriver()) {
            return; // YARN's application master reports an application that calls System.exit, even 0, as failed
        }
        System.exit(code);
    }

    /** Whether main's command has returned: a JVM that exits before it was ended by another thread. */
    static boolean commandReturned() {
        return commandReturned;
    }

    /** The driver of a YARN cluster-mode application (the AM sets the submitted Spark conf as system properties). */
    static boolean inYarnClusterDriver() {
        return "yarn".equals(System.getProperty("spark.master"))
                && "cluster".equals(System.getProperty("spark.submit.deployMode"));
    }

    /** Runs a command and returns its exit code without exiting the JVM (tests call this). */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new CoresetCli());
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (SignalStop.signal() != null) {
                // The command failed because a signal is stopping the JVM (its jobs were cancelled): the stop's
                // own line says what happened.
                return EXIT_INTERNAL;
            }
            Optional<String> outOfMemory = FatalExit.outOfMemory(ex);
            if (outOfMemory.isPresent()) {
                // In local mode Spark's handler is ending the JVM too: print once, whichever comes first.
                Optional<Path> log = FailureLog.record("out of memory", ex);
                if (FatalExit.claim()) {
                    err.println(FatalExit.outOfMemoryLine(outOfMemory.get(), List.of(), log));
                    err.flush();
                }
                return FatalExit.EXIT_OUT_OF_MEMORY;
            }
            if (FatalExit.contextShutDown(ex)) {
                // The JVM is exiting on a fatal task error and the job was cancelled before its error arrived: the
                // line the shutdown hook would print (it stays silent once the command has returned), once.
                if (FatalExit.claim()) {
                    LiveStaging.stop();
                    err.println(FatalExit.exitLine(FailureLog.file(), LiveStaging.removeAll()));
                    err.flush();
                }
                return FailureLog.file().flatMap(FatalExit::outOfMemoryLogged).isPresent()
                        ? FatalExit.EXIT_OUT_OF_MEMORY : EXIT_INTERNAL;
            }
            Throwable cause = rootInputCause(ex);
            if (cause instanceof CoresetInputException) {
                // One line whatever the message holds (a wrapped library message may span several).
                err.println("error: " + oneLine(cause.getMessage()));
                return EXIT_BAD_INPUT;
            }
            OutputWriteException unwritable = unwritableOutput(ex, parseResult);
            if (unwritable != null) {
                Optional<Path> log = FailureLog.record("cannot write the output", ex);
                err.println("error: " + oneLine(unwritable.getMessage())
                        + log.map(p -> " Full trace: " + p).orElse(""));
                log.ifPresentOrElse(p -> { }, () -> ex.printStackTrace(err));
                return EXIT_INTERNAL;
            }
            Optional<Path> log = FailureLog.record("internal error", ex);
            err.println("internal error: " + oneLine(String.valueOf(ex))
                    + log.map(p -> "; full trace in " + p + " (please report it with that file)").orElse(""));
            log.ifPresentOrElse(p -> { }, () -> ex.printStackTrace(err));
            return EXIT_INTERNAL;
        });
        int code = cli.execute(args);
        CommandProfile.printIfActive(SparkSession.getDefaultSession().getOrElse(() -> null), System.err);
        return code;
    }

    private static String oneLine(String message) {
        return message.replaceAll("\\s*\\R\\s*", " ");
    }

    /**
     * The failure to write an output in {@code ex}: thrown as such by the atomic writers, or found against the
     * command's output options (--out, --dynamics-out) for failures outside them (ingest's raw staging, say).
     */
    private static OutputWriteException unwritableOutput(Throwable ex, ParseResult parsed) {
        OutputWriteException thrown = find(ex, OutputWriteException.class);
        if (thrown != null) {
            return thrown;
        }
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            for (OptionSpec option : p.matchedOptions()) {
                if (option.longestName().endsWith("out") && option.getValue() instanceof String out) {
                    OutputWriteException found = WriteFailures.of(ex, new org.apache.hadoop.fs.Path(out));
                    if (found != null) {
                        return found;
                    }
                }
            }
        }
        return null;
    }

    private static <T extends Throwable> T find(Throwable ex, Class<T> type) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
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
