package dev.coreset.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coreset.schemas.Json;
import dev.coreset.schemas.ManifestMetadata;
import dev.coreset.schemas.ParquetRows;
import dev.coreset.schemas.TableInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What "the same output" means in determinism and retry tests. A manifest: every row in file order, every
 * column at full precision, plus its {@code _coreset.json} without the creation time. A table (scores,
 * samples): its rows sorted by key, plus its {@code _coreset_table.json} without the creation time. Part-file
 * names (Spark puts a UUID in them) and compression bytes are not part of it.
 */
public record TableDigest(List<String> rows, JsonNode metadata) {
    private static final Configuration CONF = new Configuration();

    public static TableDigest manifest(Path dir) {
        List<String> rows = new ArrayList<>();
        try {
            for (org.apache.hadoop.fs.Path f : ParquetRows.dataFiles(new org.apache.hadoop.fs.Path(dir.toString()), CONF)) {
                try (ParquetReader<Group> r = ParquetRows.open(f, CONF)) {
                    for (Group g = r.read(); g != null; g = r.read()) {
                        rows.add(g.toString().replace('\n', ' ').trim());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TableDigest(rows, sideFile(dir, ManifestMetadata.FILE_NAME));
    }

    /** Rows of a Parquet table sorted by the key columns, each printed with Spark's exact value strings. */
    public static TableDigest table(SparkSession spark, Path dir, String... key) {
        List<String> rows = spark.read().parquet(dir.toString()).orderBy(key[0],
                java.util.Arrays.copyOfRange(key, 1, key.length)).collectAsList().stream().map(Row::toString).toList();
        return new TableDigest(rows, sideFile(dir, TableInfo.FILE_NAME));
    }

    private static JsonNode sideFile(Path dir, String name) {
        try {
            JsonNode tree = Json.MAPPER.readTree(dir.resolve(name).toFile());
            ((ObjectNode) tree).remove("createdAt");
            return tree;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
