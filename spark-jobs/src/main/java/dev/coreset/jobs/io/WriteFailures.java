package dev.coreset.jobs.io;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.AccessControlException;

/**
 * Tells a failure to write an output (full disk, refused write) from everything else, wherever it surfaced: in a
 * Spark task (wrapped as TASK_WRITE_FAILED, the disk error several causes down) or on the driver (side files,
 * renames). Such a failure becomes an {@link OutputWriteException} naming the output and the fix; anything else,
 * a read failure of an input included, is passed on unchanged.
 */
public final class WriteFailures {
    private static final List<String> FULL = List.of("no space left on device", "disk quota exceeded");
    private static final List<String> REFUSED = List.of("permission denied", "read-only file system",
            "mkdirs failed to create", "could not create");

    private WriteFailures() {
    }

    /** {@code t} as the exception to throw: an {@link OutputWriteException} when it is a write failure of {@code target}. */
    public static RuntimeException rethrow(Throwable t, Path target) {
        OutputWriteException w = of(t, target);
        if (w != null) {
            return w;
        }
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof IOException io) {
            return new UncheckedIOException(io);
        }
        return new IllegalStateException(t);
    }

    /** The write failure in {@code t}'s chain, or null when it is none (or names neither the output nor its staging). */
    public static OutputWriteException of(Throwable t, Path target) {
        if (ReadFailures.of(t) != null) {
            return null;
        }
        List<Throwable> chain = chain(t);
        if (chain.stream().noneMatch(e -> namesOutput(e, target))) {
            return null;
        }
        for (Throwable e : chain) {
            String m = lower(e);
            if (FULL.stream().anyMatch(m::contains)) {
                return new OutputWriteException("cannot write " + target + ": no space left on its file system ("
                        + firstLine(e) + "); free space there or write to another directory. The previous output,"
                        + " if any, is unchanged.", t);
            }
        }
        for (Throwable e : chain) {
            String m = lower(e);
            if (e instanceof AccessDeniedException || e instanceof AccessControlException
                    || REFUSED.stream().anyMatch(m::contains)) {
                return new OutputWriteException("cannot write " + target + ": its directory refuses writes ("
                        + firstLine(e) + "); make " + target.getParent() + " writable for this user or write to"
                        + " another directory. The previous output, if any, is unchanged.", t);
            }
        }
        return null;
    }

    /** True when {@code e}'s message names the output or a sibling named after it (staging, backup, temporary). */
    private static boolean namesOutput(Throwable e, Path target) {
        String m = e.getMessage();
        if (m == null) {
            return false;
        }
        String typed = target.toUri().getPath();
        // Relative paths are local ones (elsewhere Hadoop resolves them against a home directory messages show).
        String absolute = target.isAbsolute() || target.toUri().getScheme() != null ? typed
                : new File(typed).getAbsolutePath();
        List<String> names = new ArrayList<>(List.of(absolute, hiddenBeside(absolute, target.getName())));
        if (typed.contains("/")) { // a bare relative name such as "m" would match too much as typed
            names.addAll(List.of(typed, hiddenBeside(typed, target.getName())));
        }
        return names.stream().anyMatch(m::contains);
    }

    private static String hiddenBeside(String path, String name) {
        return path.substring(0, path.lastIndexOf('/') + 1) + "." + name;
    }

    /** {@code t}, its causes and their suppressed exceptions, each once. */
    private static List<Throwable> chain(Throwable t) {
        List<Throwable> out = new ArrayList<>();
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        Deque<Throwable> todo = new ArrayDeque<>(List.of(t));
        while (!todo.isEmpty() && out.size() < 64) {
            Throwable e = todo.pop();
            if (seen.put(e, true) != null) {
                continue;
            }
            out.add(e);
            if (e.getCause() != null) {
                todo.add(e.getCause());
            }
            todo.addAll(List.of(e.getSuppressed()));
        }
        return out;
    }

    private static String lower(Throwable e) {
        return e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return (nl < 0 ? m : m.substring(0, nl)).trim();
    }
}
