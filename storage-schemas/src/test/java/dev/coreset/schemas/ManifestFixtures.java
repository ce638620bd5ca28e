package dev.coreset.schemas;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/** Writes small manifests with parquet-hadoop so reader tests do not need Spark. */
final class ManifestFixtures {
    record Row(long id, int label, double weight) {
    }

    static final Configuration CONF = new Configuration();

    static java.nio.file.Path write(java.nio.file.Path dir, List<Row> rows, int formatVersion, boolean success)
            throws IOException {
        Files.createDirectories(dir);
        try (ParquetTableWriter w = new ParquetTableWriter(new Path(dir.resolve("part-00000.parquet").toString()),
                Tables.MANIFEST, List.of(), CONF)) {
            int rank = 0;
            for (Row r : rows) {
                ParquetTableWriter.Row g = w.newRow();
                g.add(Tables.SAMPLE_ID, r.id());
                g.add(Tables.LABEL, r.label());
                g.add(Tables.WEIGHT, r.weight());
                g.add(Tables.SCORE, 0.5);
                g.add(Tables.RANK, rank++);
                w.write(g);
            }
        }
        ManifestMetadata meta = new ManifestMetadata();
        meta.formatVersion = formatVersion;
        meta.method = "random";
        meta.seed = 7;
        meta.budget.total = rows.size();
        for (Row r : rows) {
            meta.budget.perClass.merge(String.valueOf(r.label()), 1L, Long::sum);
        }
        meta.source.path = "/tmp/samples";
        meta.source.rows = 100;
        meta.source.fingerprint = Fingerprint.empty().hashHex();
        Json.write(new Path(dir.resolve(ManifestMetadata.FILE_NAME).toString()), meta, CONF);
        if (success) {
            Files.createFile(dir.resolve(AtomicPublisher.SUCCESS));
        }
        return dir;
    }

    private ManifestFixtures() {
    }
}
