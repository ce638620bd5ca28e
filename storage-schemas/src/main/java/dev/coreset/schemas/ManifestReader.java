package dev.coreset.schemas;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;

/**
 * Reads a coreset manifest without Spark (parquet-hadoop and hadoop-client only), for downstream
 * trainers: {@link #open} refuses anything incomplete or of an unknown format, {@link #validate}
 * checks every row, {@link #forEach} streams (sample_id, label, weight).
 *
 * <pre>{@code
 * ManifestReader manifest = ManifestReader.open("/data/coreset-10pct");
 * manifest.validate();
 * manifest.forEach((id, label, weight) -> trainer.add(id, label, weight));
 * }</pre>
 */
public final class ManifestReader {
    /** Receives one manifest row. */
    @FunctionalInterface
    public interface RowConsumer {
        void accept(long sampleId, int label, double weight);
    }

    /** What a full validation pass found. */
    public record Summary(long rows, int classes, double weightSum) {
    }

    private final Path dir;
    private final Configuration conf;
    private final ManifestMetadata metadata;
    private final List<Path> files;

    private ManifestReader(Path dir, Configuration conf, ManifestMetadata metadata, List<Path> files) {
        this.dir = dir;
        this.conf = conf;
        this.metadata = metadata;
        this.files = files;
    }

    public static ManifestReader open(String path) {
        return open(new Path(path), new Configuration());
    }

    /**
     * Opens a manifest directory, checking it is complete, of a known format version, and of the right schema. A
     * pointer-mode output ({@link PublishMode#POINTER}) is read from its current version; {@link #path} names it.
     */
    public static ManifestReader open(Path out, Configuration conf) {
        Path dir = PublishedOutput.resolve(out, conf);
        try {
            FileSystem fs = dir.getFileSystem(conf);
            if (OutputPointer.isVersion(dir) && fs.exists(new Path(dir, StagingOwner.FILE_NAME))) {
                refuseUnpublished(dir, conf);
            }
            if (AtomicPublisher.isStaging(dir)) {
                throw new CoresetInputException(dir + ": an unpublished staging directory of "
                        + AtomicPublisher.targetOf(dir) + " (its run was killed or is still writing); read "
                        + AtomicPublisher.targetOf(dir).getName() + " instead, or re-run the selection.");
            }
            if (AtomicPublisher.isBackup(dir)) {
                throw new CoresetInputException(dir + ": the previous manifest of " + AtomicPublisher.targetOf(dir)
                        + ", moved aside by a publish that did not finish; run `coreset manifest recover "
                        + AtomicPublisher.targetOf(dir) + "` to put it back.");
            }
            if (!fs.exists(dir)) {
                FileStatus[] backups = new AtomicPublisher(conf).backupsOf(dir);
                if (backups.length > 0) {
                    throw new CoresetInputException(dir + ": manifest does not exist, but " + backups[0].getPath()
                            + " holds the one a killed run moved aside; run `coreset manifest recover " + dir
                            + "` (or re-run the selection) to put it back.");
                }
                throw new CoresetInputException(dir + ": manifest does not exist; check the path or run `coreset select`.");
            }
            if (!fs.getFileStatus(dir).isDirectory()) {
                throw new CoresetInputException(dir + ": a manifest is a directory, this is a file; pass the directory `coreset select --out` wrote.");
            }
            if (!fs.exists(new Path(dir, AtomicPublisher.SUCCESS))) {
                throw new CoresetInputException(dir + ": incomplete manifest (no " + AtomicPublisher.SUCCESS
                        + "): its run was interrupted or is still writing; re-run the selection.");
            }
            Path metaFile = new Path(dir, ManifestMetadata.FILE_NAME);
            if (!fs.exists(metaFile)) {
                throw new CoresetInputException(dir + ": no " + ManifestMetadata.FILE_NAME
                        + ", so this is not a coreset manifest; re-run the selection.");
            }
            ManifestMetadata meta;
            try {
                meta = Json.read(metaFile, ManifestMetadata.class, conf);
            } catch (IOException e) {
                throw new CoresetInputException(metaFile + ": unreadable metadata (" + ParquetRows.oneLine(e)
                        + "); re-run the selection.", e);
            }
            if (meta.formatVersion != Tables.MANIFEST.formatVersion()) {
                throw new CoresetInputException(metaFile + ": manifest format version " + meta.formatVersion
                        + " is unknown to this reader (it reads version " + Tables.MANIFEST.formatVersion()
                        + "); use the coreset release that wrote it or re-run the selection.");
            }
            List<Path> files = ParquetRows.dataFiles(dir, conf);
            for (Path f : files) {
                SchemaCheck.check(Tables.MANIFEST, ParquetRows.columnTypes(ParquetRows.schema(f, conf)), f.toString());
            }
            return new ManifestReader(dir, conf, meta, files);
        } catch (IOException e) {
            throw new CoresetInputException(dir + ": cannot read manifest (" + ParquetRows.oneLine(e) + ")", e);
        }
    }

    /** A version directory still carrying its run's owner record is published only if its output's pointer names it. */
    private static void refuseUnpublished(Path version, Configuration conf) throws IOException {
        Path out = OutputPointer.outputOf(version);
        var pointer = OutputPointer.readFrom(out, conf);
        if (pointer.isEmpty() || !version.getName().equals(pointer.get().version())) {
            throw new CoresetInputException(version + ": an unpublished version of " + out + " (its run was killed or"
                    + " is still writing); read " + out + " instead, or re-run the selection.");
        }
    }

    public ManifestMetadata metadata() {
        return metadata;
    }

    public Path path() {
        return dir;
    }

    /** Streams every row in file order. */
    public void forEach(RowConsumer consumer) {
        for (Path file : files) {
            try (ParquetReader<Group> reader = ParquetRows.open(file, conf)) {
                long row = 0;
                for (Group g = reader.read(); g != null; g = reader.read(), row++) {
                    requirePresent(g, Tables.SAMPLE_ID, file, row);
                    requirePresent(g, Tables.LABEL, file, row);
                    requirePresent(g, Tables.WEIGHT, file, row);
                    consumer.accept(g.getLong(Tables.SAMPLE_ID, 0), g.getInteger(Tables.LABEL, 0),
                            g.getDouble(Tables.WEIGHT, 0));
                }
            } catch (IOException | RuntimeException e) {
                if (e instanceof CoresetInputException c) {
                    throw c;
                }
                throw new CoresetInputException(file + ": cannot read manifest rows (" + ParquetRows.oneLine(e)
                        + "); the file may be truncated: re-run the selection.", e);
            }
        }
    }

    /**
     * Checks every row: weights positive and finite, labels non-negative, ids unique, and the row count and
     * per-class counts equal to the budget in the metadata.
     */
    public Summary validate() {
        long[] ids = new long[(int) Math.min(Math.max(metadata.budget.total, 16), Integer.MAX_VALUE - 8)];
        long[] count = {0};
        double[] weightSum = {0};
        java.util.Map<Integer, Long> perClass = new java.util.TreeMap<>();
        forEach((id, label, weight) -> {
            long row = count[0];
            if (!(weight > 0) || Double.isInfinite(weight)) {
                throw new CoresetInputException(dir + ": column 'weight' of sample_id " + id + " is " + weight
                        + "; weights must be positive and finite: re-run the selection.");
            }
            if (label < 0) {
                throw new CoresetInputException(dir + ": column 'label' of sample_id " + id + " is " + label
                        + "; labels must be 0..C-1: re-run the selection.");
            }
            if (row == ids.length) {
                throw new CoresetInputException(dir + ": more rows than the budget total " + metadata.budget.total
                        + " in " + ManifestMetadata.FILE_NAME + "; the manifest was altered: re-run the selection.");
            }
            ids[(int) row] = id;
            count[0]++;
            weightSum[0] += weight;
            perClass.merge(label, 1L, Long::sum);
        });
        long rows = count[0];
        if (rows != metadata.budget.total) {
            throw new CoresetInputException(dir + ": " + rows + " rows but " + ManifestMetadata.FILE_NAME
                    + " says " + metadata.budget.total + "; the manifest was altered or truncated: re-run the selection.");
        }
        long[] sorted = Arrays.copyOf(ids, (int) rows);
        Arrays.sort(sorted);
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] == sorted[i - 1]) {
                throw new CoresetInputException(dir + ": column 'sample_id' holds " + sorted[i]
                        + " twice; ids must be unique: re-run the selection.");
            }
        }
        for (var e : perClass.entrySet()) {
            Long expected = metadata.budget.perClass.get(String.valueOf(e.getKey()));
            if (expected != null && expected.longValue() != e.getValue()) {
                throw new CoresetInputException(dir + ": class " + e.getKey() + " has " + e.getValue()
                        + " rows but the budget says " + expected + "; re-run the selection.");
            }
        }
        return new Summary(rows, perClass.size(), weightSum[0]);
    }

    private static void requirePresent(Group g, String field, Path file, long row) {
        if (g.getFieldRepetitionCount(field) == 0) {
            throw new CoresetInputException(file + ": column '" + field + "' is null in row " + row
                    + "; manifests have no nulls there: re-run the selection.");
        }
    }
}
