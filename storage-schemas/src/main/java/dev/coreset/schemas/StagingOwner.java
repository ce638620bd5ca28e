package dev.coreset.schemas;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Who made a staging directory: host, pid and the process's start time, written into the directory
 * ({@value #FILE_NAME}) when it is created. A later run uses it to tell the litter of a killed run from the
 * staging of a run still writing: on this host the owner is gone when no process has that pid and start time
 * (the start time guards against a reused pid); another host's processes cannot be seen from here, so its
 * staging counts as abandoned only after {@link #FOREIGN_MAX_AGE}, far longer than any stage runs.
 */
public record StagingOwner(String host, long pid, String processStart, String createdAt) {
    public static final String FILE_NAME = "_coreset_owner.json";
    public static final Duration FOREIGN_MAX_AGE = Duration.ofDays(7);
    private static final String HOST = localHost();

    /** This JVM, now. */
    public static StagingOwner self() {
        ProcessHandle me = ProcessHandle.current();
        return new StagingOwner(HOST, me.pid(), startOf(me).map(Instant::toString).orElse(null), Instant.now().toString());
    }

    public void writeTo(Path staging, Configuration conf) throws IOException {
        Json.write(new Path(staging, FILE_NAME), this, conf);
    }

    /** The owner recorded in {@code staging}, or empty when it has none (an older coreset, or killed at once). */
    public static Optional<StagingOwner> readFrom(Path staging, Configuration conf) throws IOException {
        Path file = new Path(staging, FILE_NAME);
        if (!file.getFileSystem(conf).exists(file)) {
            return Optional.empty();
        }
        return Optional.of(Json.read(file, StagingOwner.class, conf));
    }

    /** True when the process that wrote this record can no longer be writing (see the class comment). */
    public boolean isGone(Instant now) {
        if (!HOST.equals(host)) {
            return Instant.parse(createdAt).plus(FOREIGN_MAX_AGE).isBefore(now);
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            return true;
        }
        // A live process with this pid is the owner unless it started at another time (the pid was reused).
        Optional<String> start = startOf(process.get()).map(Instant::toString);
        return processStart != null && start.isPresent() && !start.get().equals(processStart);
    }

    private static Optional<Instant> startOf(ProcessHandle process) {
        return process.info().startInstant();
    }

    private static String localHost() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }
}
