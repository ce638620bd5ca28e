package dev.coreset.jobs.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.score.ElsewhereFileSystem;
import dev.coreset.schemas.StagingOwner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local folder train writes into when its output is on another file system (HDFS, S3). */
class LocalRunDirTest {
    @TempDir
    Path tmp;

    private final Configuration conf = new Configuration();

    {
        ElsewhereFileSystem.register(conf);
    }

    private org.apache.hadoop.fs.Path remoteStaging(String name) throws Exception {
        Path staging = Files.createDirectories(tmp.resolve("remote").resolve(name));
        return new org.apache.hadoop.fs.Path(ElsewhereFileSystem.SCHEME + "://" + staging);
    }

    private Path scratch() throws Exception {
        return Files.createDirectories(tmp.resolve("scratch"));
    }

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void uploadsTheRunButNotItsOwnerRecordThenRemovesTheFolder() throws Exception {
        org.apache.hadoop.fs.Path staging = remoteStaging("run");
        Path dir;
        try (LocalRunDir local = LocalRunDir.of(staging, conf, scratch())) {
            dir = local.dir();
            assertTrue(dir.startsWith(scratch()), dir.toString());
            assertTrue(Files.exists(dir.resolve(StagingOwner.FILE_NAME)));
            Files.writeString(dir.resolve("epoch-1.params"), "weights");
            Files.writeString(dir.resolve("training.json"), "{}");
            local.upload();
        }
        assertEquals(List.of("epoch-1.params", "training.json"), names(tmp.resolve("remote").resolve("run")));
        assertFalse(Files.exists(dir));
        assertEquals(List.of(), names(scratch()));
    }

    @Test
    void localOutputsAreWrittenInPlace() throws Exception {
        Path staging = Files.createDirectories(tmp.resolve("local-staging"));
        try (LocalRunDir local = LocalRunDir.of(new org.apache.hadoop.fs.Path(staging.toUri()), conf, scratch())) {
            assertEquals(staging, local.dir());
        }
        assertTrue(Files.isDirectory(staging), "the publisher's staging is not the run folder's to delete");
    }

    @Test
    void removesFoldersOfKilledRunsOnlyOnceTheirOwnerIsGone() throws Exception {
        Process finished = new ProcessBuilder("true").start();
        finished.waitFor();
        Path killed = Files.createDirectories(scratch().resolve(LocalRunDir.PREFIX + "killed"));
        Path running = Files.createDirectories(scratch().resolve(LocalRunDir.PREFIX + "running"));
        Path unknown = Files.createDirectories(scratch().resolve(LocalRunDir.PREFIX + "no-owner"));
        Path other = Files.createDirectories(scratch().resolve("someone-else"));
        StagingOwner self = StagingOwner.self();
        new StagingOwner(self.host(), finished.pid(), self.processStart(), Instant.now().toString())
                .writeTo(new org.apache.hadoop.fs.Path(killed.toUri()), conf);
        self.writeTo(new org.apache.hadoop.fs.Path(running.toUri()), conf);
        Files.writeString(killed.resolve("epoch-1.params"), "weights");

        try (LocalRunDir local = LocalRunDir.of(remoteStaging("next"), conf, scratch())) {
            assertFalse(Files.exists(killed), "its owner's pid is gone");
            assertTrue(Files.exists(running), "its owner, this JVM, is alive");
            assertTrue(Files.exists(unknown), "no owner record: not provably abandoned");
            assertTrue(Files.exists(other));
            assertTrue(Files.exists(local.dir()));
        }
    }
}
