package dev.coreset.schemas;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pointer-mode publication ({@link PublishMode#POINTER}) on the local disk, forced by its setting: versions never
 * move, the pointer names the current one, the previous one stays for readers that opened it, older and killed
 * runs' versions go once the pointer has moved, and {@link ManifestReader} follows the pointer with no setting.
 */
class PointerPublicationTest {
    @TempDir
    Path tmp;

    private final Configuration conf = pointerConf();
    private final AtomicPublisher publisher = new AtomicPublisher(conf);

    private static Configuration pointerConf() {
        Configuration c = new Configuration();
        c.set(PublishMode.KEY, "pointer");
        return c;
    }

    private org.apache.hadoop.fs.Path out() {
        return new org.apache.hadoop.fs.Path(tmp.resolve("m").toString());
    }

    /** Publishes a manifest of {@code n} rows (ids from {@code first}) to out() the way every writer does. */
    private org.apache.hadoop.fs.Path publish(int first, int n, boolean overwrite) throws IOException {
        org.apache.hadoop.fs.Path version = publisher.createStaging(out());
        writeRows(Path.of(version.toUri().getPath()), first, n);
        publisher.markSuccess(version);
        publisher.publish(version, out(), overwrite);
        return version;
    }

    private static void writeRows(Path dir, int first, int n) throws IOException {
        List<ManifestFixtures.Row> rows = java.util.stream.IntStream.range(first, first + n)
                .mapToObj(i -> new ManifestFixtures.Row(i, i % 2, 1.0)).toList();
        ManifestFixtures.write(dir, rows, Tables.MANIFEST.formatVersion(), false);
    }

    private List<String> versions() throws IOException {
        try (Stream<Path> s = Files.list(tmp.resolve("m").resolve(OutputPointer.VERSIONS))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private OutputPointer pointer() throws IOException {
        return OutputPointer.readFrom(out(), conf).orElseThrow();
    }

    @Test
    void readersFollowThePointerAndThePreviousVersionStaysReadable() throws Exception {
        org.apache.hadoop.fs.Path v1 = publish(0, 10, false);
        ManifestReader first = ManifestReader.open(out(), new Configuration()); // a reader with no setting
        assertEquals(v1.getName(), first.path().getName());
        assertEquals(10, first.validate().rows());
        assertFalse(Files.exists(Path.of(v1.toUri().getPath()).resolve(StagingOwner.FILE_NAME)), "not output");

        org.apache.hadoop.fs.Path v2 = publish(100, 6, true);
        assertEquals(v2.getName(), pointer().version());
        assertEquals(v1.getName(), pointer().previous());
        assertEquals(6, ManifestReader.open(out(), new Configuration()).validate().rows());
        assertEquals(10, first.validate().rows(), "a reader that resolved v1 before the pointer moved can finish");

        org.apache.hadoop.fs.Path v3 = publish(200, 4, true);
        assertEquals(List.of(v2.getName(), v3.getName()).stream().sorted().toList(), versions(),
                "v1 removed once two publishes passed it");
        assertEquals(4, ManifestReader.open(out().toString()).validate().rows());
        assertEquals(v3.getName(), ManifestReader.open(out().toString()).path().getName());
    }

    @Test
    void refusesToReplaceWithoutOverwriteAndKeepsTheCurrentVersion() throws Exception {
        org.apache.hadoop.fs.Path v1 = publish(0, 10, false);
        assertThrows(CoresetInputException.class, () -> publisher.checkTarget(out(), false));
        org.apache.hadoop.fs.Path v2 = publisher.createStaging(out());
        writeRows(Path.of(v2.toUri().getPath()), 50, 3);
        publisher.markSuccess(v2);
        var e = assertThrows(CoresetInputException.class, () -> publisher.publish(v2, out(), false));
        assertTrue(e.getMessage().contains("--overwrite"), e.getMessage());
        assertEquals(v1.getName(), pointer().version());
        publisher.discard(v2);
        assertEquals(List.of(v1.getName()), versions());
    }

    @Test
    void killedRunsVersionsGoOnlyWhenTheirOwnerIsGone() throws Exception {
        org.apache.hadoop.fs.Path v1 = publish(0, 10, false);
        org.apache.hadoop.fs.Path dead = publisher.createStaging(out());
        writeRows(Path.of(dead.toUri().getPath()), 60, 2);
        publisher.markSuccess(dead); // complete, but its run died before the pointer was written
        StagingOwner me = StagingOwner.self();
        new StagingOwner(me.host(), deadPid(), null, me.createdAt()).writeTo(dead, conf);
        org.apache.hadoop.fs.Path live = publisher.createStaging(out()); // a run still writing

        var e = assertThrows(CoresetInputException.class, () -> ManifestReader.open(dead, conf));
        assertTrue(e.getMessage().contains("unpublished version"), e.getMessage());
        assertFalse(PublishedOutput.exists(new org.apache.hadoop.fs.Path(tmp.resolve("fresh").toString()), conf));

        publisher.recover(out());
        assertEquals(List.of(v1.getName(), live.getName()).stream().sorted().toList(), versions());
        assertEquals(10, ManifestReader.open(out(), conf).validate().rows());
        publisher.discard(live);
    }

    @Test
    void aRenameModeOutputIsReplacedByThePointer() throws Exception {
        Path old = tmp.resolve("m");
        writeRows(old, 0, 8);
        Files.createFile(old.resolve(AtomicPublisher.SUCCESS));
        assertEquals(8, ManifestReader.open(out(), conf).validate().rows(), "no pointer: read as it is");

        org.apache.hadoop.fs.Path v = publish(300, 5, true);
        assertEquals(5, ManifestReader.open(out(), conf).validate().rows());
        try (Stream<Path> s = Files.list(old)) {
            assertEquals(List.of(OutputPointer.FILE_NAME, OutputPointer.VERSIONS), s.map(p -> p.getFileName()
                    .toString()).filter(n -> !n.startsWith(".")).sorted().toList(), "the old files are gone");
        }
        assertEquals(List.of(v.getName()), versions());
    }

    @Test
    void aBrokenPointerIsOneLineNamingTheFile() throws Exception {
        publish(0, 4, false);
        Path pointerFile = tmp.resolve("m").resolve(OutputPointer.FILE_NAME);
        String good = Files.readString(pointerFile);
        Files.deleteIfExists(tmp.resolve("m").resolve("." + OutputPointer.FILE_NAME + ".crc")); // edited by hand
        Files.writeString(pointerFile, good.replace(pointer().version(), "19990101T000000Z-gone"));
        var missing = assertThrows(CoresetInputException.class, () -> ManifestReader.open(out(), conf));
        assertTrue(missing.getMessage().contains("19990101T000000Z-gone, which does not exist"), missing.getMessage());
        Files.writeString(pointerFile, "{\"version\": ");
        var torn = assertThrows(CoresetInputException.class, () -> ManifestReader.open(out(), conf));
        assertTrue(torn.getMessage().startsWith(pointerFile + ": unreadable pointer"), torn.getMessage());
        assertFalse(torn.getMessage().contains("\n"), torn.getMessage());
    }

    @Test
    void theModeComesFromTheSchemeUnlessSet() {
        Configuration auto = new Configuration();
        auto.set(PublishMode.EXTRA_SCHEMES, "minio, MyStore");
        assertEquals(PublishMode.POINTER, PublishMode.forTarget(new org.apache.hadoop.fs.Path("s3a://b/m"), auto));
        assertEquals(PublishMode.POINTER, PublishMode.forTarget(new org.apache.hadoop.fs.Path("gs://b/m"), auto));
        assertEquals(PublishMode.POINTER, PublishMode.forTarget(new org.apache.hadoop.fs.Path("abfss://c@a/m"), auto));
        assertEquals(PublishMode.POINTER, PublishMode.forTarget(new org.apache.hadoop.fs.Path("mystore:///m"), auto));
        assertEquals(PublishMode.RENAME, PublishMode.forTarget(new org.apache.hadoop.fs.Path("hdfs://nn/m"), auto));
        assertEquals(PublishMode.RENAME, PublishMode.forTarget(new org.apache.hadoop.fs.Path("/data/m"), auto));
        auto.set(PublishMode.KEY, "rename");
        assertEquals(PublishMode.RENAME, PublishMode.forTarget(new org.apache.hadoop.fs.Path("s3a://b/m"), auto));
        auto.set(PublishMode.KEY, "atomic");
        var e = assertThrows(CoresetInputException.class,
                () -> PublishMode.forTarget(new org.apache.hadoop.fs.Path("/m"), auto));
        assertTrue(e.getMessage().startsWith("coreset.publish=atomic is unknown"), e.getMessage());
    }

    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }
}
