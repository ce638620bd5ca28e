package dev.coreset.jobs.cli;

import dev.coreset.schemas.CoresetInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code coreset run --config pipeline.yaml}: every stage of a curation run from one file, in order, in this JVM
 * (one SparkSession for all Spark stages, so one application on a cluster). Each stage is the real command with
 * the file's options; the whole file is checked (unknown commands, options, variables) before the first stage runs.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the stages of a pipeline file (JSON or YAML) in order: ingest, train, score, dedup, select, cld, "
                + "noise, each with its options; stops at the first stage that fails and exits with its code.",
                "For cron or Airflow: one command per curation run. Example: deploy/examples/pipeline.yaml."})
public final class RunCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "Pipeline file (.json, .yaml or .yml).")
    Path config;
    @Option(names = "--var", paramLabel = "NAME=VALUE", description = "Sets a ${NAME} of the file (over its 'vars'); repeatable.")
    Map<String, String> vars = new LinkedHashMap<>();
    @Option(names = "--overwrite", description = "Pass --overwrite to every stage.")
    boolean overwrite;
    @Option(names = "--dry-run", description = "Print each stage's command line and exit.")
    boolean dryRun;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PipelineConfig pipeline = PipelineConfig.read(config, vars, System::getenv);
        List<List<String>> commands = new ArrayList<>();
        for (PipelineConfig.Stage stage : pipeline.stages()) {
            List<String> args = commandLine(stage, pipeline);
            check(stage, args);
            commands.add(args);
        }
        for (int i = 0; i < commands.size(); i++) {
            PipelineConfig.Stage stage = pipeline.stages().get(i);
            System.out.printf(Locale.ROOT, "== %s: coreset %s%n", stage.label(), String.join(" ", commands.get(i)));
            if (dryRun) {
                continue;
            }
            long start = System.nanoTime();
            labelJobs(stage);
            int code = CoresetCli.execute(commands.get(i).toArray(String[]::new));
            if (code != CoresetCli.EXIT_OK) {
                System.err.printf(Locale.ROOT, "run: %s failed with exit code %d; later stages not run.%n", stage.label(), code);
                return code;
            }
            System.out.printf(Locale.ROOT, "== %s done (%.1f s)%n", stage.label(), (System.nanoTime() - start) / 1e9);
        }
        return CoresetCli.EXIT_OK;
    }

    /** Jobs of this stage that run before its command names them are labelled with the command, not the last stage. */
    private static void labelJobs(PipelineConfig.Stage stage) {
        scala.Option<org.apache.spark.sql.SparkSession> session = org.apache.spark.sql.SparkSession.getDefaultSession();
        if (session.isDefined()) {
            session.get().sparkContext().setJobDescription(stage.command() + ": start");
        }
    }

    /** The stage's command line: the file's options, plus the pipeline's Spark settings and --overwrite where taken. */
    private List<String> commandLine(PipelineConfig.Stage stage, PipelineConfig pipeline) {
        CommandSpec sub = spec.root().subcommands().get(stage.command()).getCommandSpec();
        List<String> args = new ArrayList<>(List.of(stage.command()));
        args.addAll(stage.args());
        if (sub.findOption("--master") != null) {
            if (pipeline.master() != null && !stage.args().contains("--master")) {
                args.addAll(List.of("--master", pipeline.master()));
            }
            pipeline.sparkConf().forEach((k, v) -> args.addAll(List.of("--conf", k + "=" + v)));
        }
        if (overwrite && sub.findOption("--overwrite") != null && !stage.args().contains("--overwrite")) {
            args.add("--overwrite");
        }
        return args;
    }

    /** Parses the stage's arguments without running it, so a typo in stage 4 fails before stage 1 writes anything. */
    private void check(PipelineConfig.Stage stage, List<String> args) {
        try {
            new CommandLine(new CoresetCli()).parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new CoresetInputException(config + ": " + stage.label() + ": " + e.getMessage() + "; fix the pipeline file.");
        }
    }
}
