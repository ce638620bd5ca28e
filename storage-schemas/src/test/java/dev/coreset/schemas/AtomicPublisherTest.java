package dev.coreset.schemas;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicPublisherTest {
    @TempDir
    Path tmp;

    private final AtomicPublisher publisher = new AtomicPublisher(new Configuration());

    private org.apache.hadoop.fs.Path staged(String content, org.apache.hadoop.fs.Path target) throws IOException {
        org.apache.hadoop.fs.Path staging = publisher.stagingFor(target);
        Path local = Path.of(staging.toUri().getPath());
        Files.createDirectories(local);
        Files.writeString(local.resolve("data"), content);
        return staging;
    }

    @Test
    void publishesAndReplacesOnlyWithOverwrite() throws IOException {
        var target = new org.apache.hadoop.fs.Path(tmp.resolve("out").toString());
        var s1 = staged("one", target);
        publisher.markSuccess(s1);
        publisher.publish(s1, target, false);
        assertEquals("one", Files.readString(tmp.resolve("out/data")));

        var s2 = staged("two", target);
        publisher.markSuccess(s2);
        assertThrows(CoresetInputException.class, () -> publisher.publish(s2, target, false));
        assertEquals("one", Files.readString(tmp.resolve("out/data")));
        publisher.publish(s2, target, true);
        assertEquals("two", Files.readString(tmp.resolve("out/data")));
        try (var listing = Files.list(tmp)) {
            assertEquals(1, listing.count(), "no staging or backup directory is left behind");
        }
    }

    @Test
    void refusesToPublishWithoutSuccessMarker() throws IOException {
        var target = new org.apache.hadoop.fs.Path(tmp.resolve("out").toString());
        var s = staged("partial", target);
        assertThrows(IllegalStateException.class, () -> publisher.publish(s, target, true));
        assertFalse(Files.exists(tmp.resolve("out")));
    }

    @Test
    void recoverRestoresBackupLeftByKilledRun() throws IOException {
        Path backup = tmp.resolve(".out.previous-1234");
        Files.createDirectories(backup);
        Files.writeString(backup.resolve("data"), "old");
        var target = new org.apache.hadoop.fs.Path(tmp.resolve("out").toString());
        publisher.recover(target);
        assertEquals("old", Files.readString(tmp.resolve("out/data")));
        assertFalse(Files.exists(backup));
    }
}
