package dev.coreset.schemas;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The staging directories this JVM has created and not yet published or discarded, so a stop by signal can
 * remove them ({@link #removeAll}) instead of leaving them beside the outputs. Publication and removal hold the
 * same lock: a staging directory is either renamed into place whole or deleted, never renamed half-deleted.
 */
public final class LiveStaging {
    private static final Map<Path, Configuration> LIVE = new LinkedHashMap<>();
    private static boolean closed;

    private LiveStaging() {
    }

    /** Registers a directory this run is writing; also used for work directories outside the output's staging. */
    public static synchronized void add(Path staging, Configuration conf) throws IOException {
        if (closed) {
            throw new IOException("this process is stopping; not starting " + staging);
        }
        LIVE.put(staging, conf);
    }

    /** Published or discarded; once stopping, kept so {@link #removeAll} still reports what this run left. */
    public static synchronized void forget(Path staging) {
        if (!closed) {
            LIVE.remove(staging);
        }
    }

    /** A signal came: no staging directory is created or published from now on. */
    public static synchronized void stop() {
        closed = true;
    }

    /** Runs a publication step while no {@link #removeAll} can run; refuses once the process is stopping. */
    static synchronized void whileOpen(Path staging, IoAction action) throws IOException {
        if (closed) {
            throw new IOException("this process is stopping; not publishing " + staging);
        }
        action.run();
    }

    /**
     * Deletes every staging directory this run has not published, refusing new ones and publications from now on
     * (the JVM is stopping). Returns those that are gone now, whoever deleted them (the failing job may have).
     */
    public static synchronized List<Path> removeAll() {
        closed = true;
        List<Path> removed = new ArrayList<>();
        for (var e : LIVE.entrySet()) {
            try {
                FileSystem fs = e.getKey().getFileSystem(e.getValue());
                fs.delete(e.getKey(), true);
                if (!fs.exists(e.getKey())) {
                    removed.add(e.getKey());
                }
            } catch (IOException ignored) {
                // the next run removes it: its owner will be gone
            }
        }
        LIVE.clear();
        return removed;
    }

    @FunctionalInterface
    interface IoAction {
        void run() throws IOException;
    }
}
