package dev.coreset.jobs.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.coreset.schemas.AtomicPublisher;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.Json;
import dev.coreset.schemas.PublishedOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resume for every stage command, one rule: when the outputs already exist, were made by the same command
 * with the same parameters from the same inputs (same paths, same {@link InputStamp}), the stage is skipped
 * (logged, reported in the summary, exit 0) unless --overwrite; when anything differs it refuses without
 * --overwrite (exit 2, naming the first difference); with --overwrite it always recomputes. Outputs of an
 * older coreset (no {@value StageRecord#FILE_NAME}) are never skipped: they need --overwrite.
 */
public final class ResumeGuard {
    private static final Logger LOG = LoggerFactory.getLogger(ResumeGuard.class);

    private ResumeGuard() {
    }

    /**
     * @return true when the stage can be skipped; its summary line has then been printed
     * @throws CoresetInputException when an output exists that this run may not replace
     */
    public static boolean skipIfCurrent(StageRecord now, boolean overwrite, Configuration conf) {
        String reason = upToDate(now, overwrite, conf);
        if (reason == null) {
            return false;
        }
        LOG.info("{}: {}", now.stage, reason);
        System.out.println(now.stage + ": skipped: " + reason);
        return true;
    }

    /** Why the outputs are current (the run can be skipped), or null when it must run. */
    static String upToDate(StageRecord now, boolean overwrite, Configuration conf) {
        try {
            for (StageRecord.Input in : now.inputs.values()) {
                if (InputStamp.MISSING.equals(in.stamp)) {
                    return null; // the stage itself reports the missing input
                }
            }
            List<String> outs = now.outputs;
            int existing = 0;
            for (String out : outs) {
                Path p = new Path(out);
                new AtomicPublisher(conf).recover(p);
                existing += PublishedOutput.exists(p, conf) ? 1 : 0;
            }
            if (existing == 0) {
                return null;
            }
            if (overwrite) {
                LOG.info("{}: --overwrite: recomputing {}", now.stage, outs);
                return null;
            }
            for (String out : outs) {
                Path p = new Path(out);
                FileSystem fs = p.getFileSystem(conf);
                if (!PublishedOutput.exists(p, conf)) {
                    throw new CoresetInputException(out + ": missing while " + outs.get(0) + ", written in the same"
                            + " run, exists; pass --overwrite to recompute both, or choose other outputs.");
                }
                StageRecord then = StageRecord.read(p, conf);
                if (then == null || !fs.exists(new Path(PublishedOutput.resolve(p, conf), AtomicPublisher.SUCCESS))) {
                    throw new CoresetInputException(out + ": output already exists and has no " + StageRecord.FILE_NAME
                            + " (made by hand or by an older coreset), so it cannot be resumed; pass --overwrite to"
                            + " replace it or choose another --out.");
                }
                String diff = difference(then, now);
                if (diff != null) {
                    throw refuse(out, diff);
                }
            }
            return outs.get(0) + " is up to date (same parameters and inputs as its " + StageRecord.FILE_NAME
                    + "); pass --overwrite to recompute.";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static CoresetInputException refuse(String out, String what) {
        return new CoresetInputException(out + ": output already exists but " + what
                + "; pass --overwrite to replace it, or choose another --out.");
    }

    /** The first difference that matters, in words, or null. */
    static String difference(StageRecord then, StageRecord now) {
        if (!Objects.equals(then.stage, now.stage)) {
            return "was written by `coreset " + then.stage + "`, not `coreset " + now.stage + "`";
        }
        TreeSet<String> inputs = new TreeSet<>(then.inputs.keySet());
        inputs.addAll(now.inputs.keySet());
        for (String in : inputs) {
            StageRecord.Input a = then.inputs.get(in);
            StageRecord.Input b = now.inputs.get(in);
            if (a == null || b == null || !Objects.equals(a.path, b.path)) {
                return "was made from --" + in + " " + (a == null ? "(none)" : a.path) + ", this run reads "
                        + (b == null ? "(none)" : b.path);
            }
            if (!Objects.equals(a.stamp, b.stamp)) {
                return "its input --" + in + " " + b.path + " changed since (other files, sizes or modification times)";
            }
        }
        JsonNode a = normalized(then.parameters);
        JsonNode b = normalized(now.parameters);
        TreeSet<String> keys = new TreeSet<>();
        a.fieldNames().forEachRemaining(keys::add);
        b.fieldNames().forEachRemaining(keys::add);
        for (String k : keys) {
            JsonNode x = a.get(k);
            JsonNode y = b.get(k);
            // An option added since the record was written reads as not set there, as it is here when not given.
            if (!Objects.equals(x, y) && !(unset(x) && unset(y))) {
                return "was made with --" + k + " " + shown(x) + ", this run has --" + k + " " + shown(y);
            }
        }
        return null;
    }

    private static boolean unset(JsonNode v) {
        return v == null || v.isNull();
    }

    private static String shown(JsonNode v) {
        return v == null || v.isNull() ? "(not set)" : v.isTextual() ? v.asText() : v.toString();
    }

    /** Through JSON text, so 0.1f and the 0.1 read back from a file compare equal, as do 5 and 5L. */
    private static JsonNode normalized(Object parameters) {
        try {
            return Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(parameters));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
