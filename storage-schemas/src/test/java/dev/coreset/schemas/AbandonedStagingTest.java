package dev.coreset.schemas;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run removes the staging directories killed runs left beside its output, judged by the owner each records
 * when it is created: a process gone from this host, or another host's after {@link StagingOwner#FOREIGN_MAX_AGE};
 * a live run's staging is never touched.
 */
class AbandonedStagingTest {
    @TempDir
    Path tmp;

    private final Configuration conf = new Configuration();
    private final AtomicPublisher publisher = new AtomicPublisher(conf);

    private org.apache.hadoop.fs.Path target() {
        return new org.apache.hadoop.fs.Path(tmp.resolve("out").toString());
    }

    /** A staging directory of {@code target()} whose owner record says {@code owner}. */
    private Path leftover(String name, StagingOwner owner) throws IOException {
        Path dir = tmp.resolve(".out.staging-" + name);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("part-0.parquet"), "rows");
        owner.writeTo(new org.apache.hadoop.fs.Path(dir.toString()), conf);
        return dir;
    }

    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    @Test
    void removesOnlyStagingWhoseOwnerIsGone() throws Exception {
        StagingOwner me = StagingOwner.self();
        String ago = Instant.now().minus(StagingOwner.FOREIGN_MAX_AGE).minus(Duration.ofHours(1)).toString();
        Path live = leftover("live", me);
        Path dead = leftover("dead", new StagingOwner(me.host(), deadPid(), null, me.createdAt()));
        Path reusedPid = leftover("reused", new StagingOwner(me.host(), me.pid(), "2000-01-01T00:00:00Z", ago));
        Path foreignYoung = leftover("foreign-young", new StagingOwner("other-host", 1, null, me.createdAt()));
        Path foreignOld = leftover("foreign-old", new StagingOwner("other-host", 1, null, ago));
        Path otherOutput = tmp.resolve(".other.staging-dead");
        Files.createDirectories(otherOutput);

        publisher.recover(target());

        assertTrue(Files.exists(live), "a live run's staging stays");
        assertTrue(Files.exists(foreignYoung), "another host's recent staging may be live");
        assertFalse(Files.exists(dead), "its process is gone");
        assertFalse(Files.exists(reusedPid), "the pid belongs to another process now");
        assertFalse(Files.exists(foreignOld), "older than any run");
        assertTrue(Files.exists(otherOutput), "another output's staging is not this run's business");
    }

    @Test
    void stagingCarriesItsOwnerUntilPublished() throws Exception {
        org.apache.hadoop.fs.Path staging = publisher.createStaging(target());
        Path local = Path.of(staging.toUri().getPath());
        StagingOwner owner = StagingOwner.readFrom(staging, conf).orElseThrow();
        assertEquals(ProcessHandle.current().pid(), owner.pid());
        assertFalse(owner.isGone(Instant.now()));

        Files.writeString(local.resolve("data"), "one");
        publisher.markSuccess(staging);
        publisher.publish(staging, target(), false);
        assertFalse(Files.exists(tmp.resolve("out").resolve(StagingOwner.FILE_NAME)), "the record is not output");
        assertEquals("one", Files.readString(tmp.resolve("out/data")));
    }
}
