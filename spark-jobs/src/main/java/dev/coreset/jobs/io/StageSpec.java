package dev.coreset.jobs.io;

import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * How one stage's options record becomes a {@link StageRecord}: which components are input paths, which are
 * outputs, which do not change the output (memory bounds, --overwrite) and which nested records are spread
 * into top-level parameters. Every other component is a parameter, so an option added to a job's Options
 * record is compared on resume without anyone listing it here. Names are the CLI options' (camelCase to
 * kebab-case, or renamed).
 */
public final class StageSpec {
    private final String stage;
    private final Class<? extends Record> options;
    private final Set<String> inputs = new LinkedHashSet<>();
    private final Set<String> outputs = new LinkedHashSet<>();
    private final Set<String> ignored = new LinkedHashSet<>(Set.of("overwrite"));
    private final Set<String> spread = new LinkedHashSet<>();
    private final Map<String, String> renamed = new HashMap<>();

    private StageSpec(String stage, Class<? extends Record> options) {
        this.stage = stage;
        this.options = options;
    }

    public static StageSpec of(String stage, Class<? extends Record> options) {
        return new StageSpec(stage, options);
    }

    /** Components holding input paths (null when not given). */
    public StageSpec inputs(String... components) {
        inputs.addAll(check(components));
        return this;
    }

    /** Components holding output paths; the first is --out, the others are parameters too. */
    public StageSpec outputs(String... components) {
        outputs.addAll(check(components));
        return this;
    }

    /** Components that cannot change the output (memory and cache bounds). */
    public StageSpec ignore(String... components) {
        ignored.addAll(check(components));
        return this;
    }

    /** Nested records whose components become top-level parameters (e.g. the trainer's options). */
    public StageSpec spread(String... components) {
        spread.addAll(check(components));
        return this;
    }

    /** A parameter whose CLI option is not the component's kebab-case name. */
    public StageSpec rename(String name, String option) {
        renamed.put(name, option);
        return this;
    }

    public String stage() {
        return stage;
    }

    /** The record of a run with these options; input paths are qualified and stamped now, before reading. */
    public StageRecord record(Record o, Configuration conf) {
        if (!options.isInstance(o)) {
            throw new IllegalArgumentException(o.getClass() + " is not " + options);
        }
        StageRecord r = new StageRecord();
        r.stage = stage;
        Map<String, Object> params = new TreeMap<>();
        boolean first = true;
        for (String out : outputs) {
            Object v = value(o, out);
            if (v != null) {
                r.outputs.add(qualified(v.toString(), conf));
                if (!first) {
                    params.put(option(out), qualified(v.toString(), conf));
                }
            } else if (!first) {
                params.put(option(out), null);
            }
            first = false;
        }
        for (String in : inputs) {
            Object v = value(o, in);
            if (v != null) {
                Path p = new Path(v.toString());
                r.inputs.put(option(in), new StageRecord.Input(qualified(v.toString(), conf), InputStamp.of(p, conf)));
            }
        }
        for (RecordComponent c : options.getRecordComponents()) {
            String name = c.getName();
            if (inputs.contains(name) || outputs.contains(name) || ignored.contains(name)) {
                continue;
            }
            Object v = value(o, name);
            if (spread.contains(name) && v instanceof Record nested) {
                for (RecordComponent n : nested.getClass().getRecordComponents()) {
                    params.put(option(n.getName()), plain(value(nested, n.getName())));
                }
            } else {
                params.put(option(name), plain(v));
            }
        }
        r.parameters = params;
        return r;
    }

    private String option(String component) {
        return renamed.getOrDefault(component, component.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT));
    }

    private List<String> check(String[] components) {
        Set<String> names = new LinkedHashSet<>();
        for (RecordComponent c : options.getRecordComponents()) {
            names.add(c.getName());
        }
        for (String c : components) {
            if (!names.contains(c)) {
                throw new IllegalArgumentException(options.getSimpleName() + " has no component " + c);
            }
        }
        return Arrays.asList(components);
    }

    private static Object value(Record r, String component) {
        try {
            for (RecordComponent c : r.getClass().getRecordComponents()) {
                if (c.getName().equals(component)) {
                    return c.getAccessor().invoke(r);
                }
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalArgumentException(r.getClass().getSimpleName() + " has no component " + component);
    }

    /** Strings, numbers, booleans, lists and maps of those: enums by CLI name, nested records as maps. */
    private static Object plain(Object v) {
        if (v == null || v instanceof String || v instanceof Number || v instanceof Boolean) {
            return v;
        }
        if (v instanceof Enum<?> e) {
            return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
        if (v instanceof Record r) {
            Map<String, Object> m = new TreeMap<>();
            for (RecordComponent c : r.getClass().getRecordComponents()) {
                m.put(c.getName(), plain(value(r, c.getName())));
            }
            return m;
        }
        if (v instanceof Collection<?> c) {
            List<Object> l = new ArrayList<>();
            c.forEach(x -> l.add(plain(x)));
            return l;
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new TreeMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), plain(x)));
            return out;
        }
        return v.toString();
    }

    static String qualified(String path, Configuration conf) {
        try {
            Path p = new Path(path);
            return p.getFileSystem(conf).makeQualified(p).toString();
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
