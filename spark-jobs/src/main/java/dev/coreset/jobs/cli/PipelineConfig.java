package dev.coreset.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.coreset.schemas.CoresetInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pipeline file for {@code coreset run}: JSON or YAML with the stages in order, each a coreset command and its
 * options (names without the leading dashes), plus optional Spark settings and {@code ${name}} variables:
 *
 * <pre>
 * vars:  {root: /data/coreset}
 * spark: {conf: {spark.sql.shuffle.partitions: 64}}
 * stages:
 *   - ingest: {format: csv, input: /data/in.csv.gz, label-column: -1, out: "${root}/samples"}
 *   - score:  {samples: "${root}/samples", checkpoints: "${root}/run", out: "${root}/scores"}
 * </pre>
 *
 * Values become command-line arguments: {@code true} a bare flag, {@code false} and null nothing, lists comma-joined,
 * maps repeated {@code key=value} options (as {@code --conf}). Variables come from {@code vars}, then from
 * {@code --var} on the command line, then from the environment.
 */
public record PipelineConfig(Path file, List<Stage> stages, String master, Map<String, String> sparkConf) {
    /** The commands a pipeline may run, in the order a curation run usually has them. */
    public static final Set<String> COMMANDS = Set.of("ingest", "train", "score", "dedup", "select", "cld", "noise");

    /** One stage: a coreset command and its arguments. */
    public record Stage(int index, String command, List<String> args) {
        public String label() {
            return "stage " + index + " (" + command + ")";
        }
    }

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_.-]*)}");

    public static PipelineConfig read(Path file, Map<String, String> overrides, Function<String, String> env) {
        JsonNode root = parse(file);
        if (!root.isObject()) {
            throw new CoresetInputException(file + ": a pipeline file is a map with 'stages' (and optional 'vars', "
                    + "'spark'); see deploy/examples/pipeline.yaml.");
        }
        for (var it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!Set.of("vars", "spark", "stages").contains(key)) {
                throw new CoresetInputException(file + ": unknown top-level key '" + key + "'; use stages, vars and spark.");
            }
        }
        Map<String, String> vars = new LinkedHashMap<>();
        root.path("vars").fields().forEachRemaining(e -> vars.put(e.getKey(), scalar(file, "vars." + e.getKey(), e.getValue())));
        vars.putAll(overrides);
        Function<String, String> lookup = name -> vars.containsKey(name) ? vars.get(name) : env.apply(name);

        JsonNode spark = root.path("spark");
        String master = spark.hasNonNull("master") ? substitute(file, "spark.master", scalar(file, "spark.master", spark.get("master")), lookup) : null;
        Map<String, String> conf = new LinkedHashMap<>();
        spark.path("conf").fields().forEachRemaining(e -> conf.put(e.getKey(),
                substitute(file, "spark.conf." + e.getKey(), scalar(file, "spark.conf." + e.getKey(), e.getValue()), lookup)));

        JsonNode list = root.path("stages");
        if (!list.isArray() || list.isEmpty()) {
            throw new CoresetInputException(file + ": 'stages' must be a non-empty list, e.g. '- ingest: {...}'.");
        }
        List<Stage> stages = new ArrayList<>();
        for (JsonNode s : list) {
            int index = stages.size() + 1;
            if (!s.isObject() || s.size() != 1) {
                throw new CoresetInputException(file + ": stage " + index + " must be one command with its options, "
                        + "e.g. '- score: {samples: s, checkpoints: run, out: scores}'.");
            }
            String command = s.fieldNames().next();
            if (!COMMANDS.contains(command)) {
                throw new CoresetInputException(file + ": stage " + index + " is '" + command + "'; a stage is one of "
                        + new java.util.TreeSet<>(COMMANDS) + ".");
            }
            JsonNode options = s.get(command);
            if (!options.isObject() && !options.isNull()) {
                throw new CoresetInputException(file + ": stage " + index + " (" + command + ") options must be a map.");
            }
            List<String> args = new ArrayList<>();
            String where = "stage " + index + " (" + command + ")";
            options.fields().forEachRemaining(e -> addOption(file, where, e.getKey(), e.getValue(), lookup, args));
            stages.add(new Stage(index, command, List.copyOf(args)));
        }
        return new PipelineConfig(file, List.copyOf(stages), master, conf);
    }

    private static JsonNode parse(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CoresetInputException(file + ": no such pipeline file; pass --config with a .json or .yaml file.");
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        ObjectMapper mapper = name.endsWith(".yaml") || name.endsWith(".yml") ? new ObjectMapper(new YAMLFactory())
                : new ObjectMapper();
        try {
            JsonNode root = mapper.readTree(file.toFile());
            return root == null ? mapper.createObjectNode() : root;
        } catch (IOException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new CoresetInputException(file + ": not valid " + (mapper.getFactory() instanceof YAMLFactory ? "YAML" : "JSON")
                    + " (" + msg + "); fix the file.", e);
        }
    }

    private static void addOption(Path file, String where, String key, JsonNode value, Function<String, String> lookup,
                                  List<String> args) {
        String option = "--" + (key.startsWith("--") ? key.substring(2) : key);
        if (value.isNull() || (value.isBoolean() && !value.asBoolean())) {
            return;
        }
        if (value.isBoolean()) {
            args.add(option);
        } else if (value.isObject()) {
            value.fields().forEachRemaining(e -> {
                args.add(option);
                args.add(e.getKey() + "=" + substitute(file, where + " " + option, scalar(file, where + " " + option, e.getValue()), lookup));
            });
        } else if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(v -> items.add(substitute(file, where + " " + option, scalar(file, where + " " + option, v), lookup)));
            args.add(option);
            args.add(String.join(",", items));
        } else {
            args.add(option);
            args.add(substitute(file, where + " " + option, scalar(file, where + " " + option, value), lookup));
        }
    }

    private static String scalar(Path file, String where, JsonNode v) {
        if (v.isContainerNode()) {
            throw new CoresetInputException(file + ": " + where + " must be a single value, not " + v + ".");
        }
        return v.asText();
    }

    private static String substitute(Path file, String where, String value, Function<String, String> lookup) {
        Matcher m = VARIABLE.matcher(value);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = lookup.apply(m.group(1));
            if (v == null) {
                throw new CoresetInputException(file + ": " + where + " uses ${" + m.group(1) + "}, which is not defined; "
                        + "add it under 'vars', pass --var " + m.group(1) + "=VALUE or set it in the environment.");
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
