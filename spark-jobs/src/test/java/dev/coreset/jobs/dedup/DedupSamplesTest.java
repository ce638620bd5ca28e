package dev.coreset.jobs.dedup;

import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.ImageFixtures;
import dev.coreset.jobs.Refusals;
import dev.coreset.jobs.SparkTestSession;
import dev.coreset.schemas.Tables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * dedup --samples: exact copies found on the samples table's encoded image bytes. A folder of 200 digit PNGs gets 12
 * byte-identical copies under new names; the embeddings given to dedup are seeded random vectors, one per row, so no
 * two are equal or near: every exact pair found comes from the bytes.
 */
class DedupSamplesTest {
    static final int COPIES = 12;

    @TempDir
    static Path tmp;
    static Path samples;
    static Path embeddings;
    /** Unordered {copy, original} id pairs. */
    static final Set<Set<Long>> injected = new HashSet<>();

    @BeforeAll
    static void folderWithCopies() throws Exception {
        Path dir = tmp.resolve("digits");
        List<String> files = ImageFixtures.writeTree(dir, ImageFixtures.digits(200), "png");
        Map<String, String> copyOf = new HashMap<>();
        for (int i = 0; i < COPIES; i++) {
            String original = files.get(i * 16 + 3);
            String copy = original.replace("/", "/copy-");
            Files.copy(dir.resolve(original), dir.resolve(copy));
            copyOf.put(copy, original);
        }
        samples = tmp.resolve("samples");
        CliRun ingest = CliRun.of("ingest", "--format", "images", "--input", dir.toString(), "--out", samples.toString(),
                "--no-progress");
        assertEquals(0, ingest.exitCode(), ingest.err());

        Map<String, Long> idOf = new HashMap<>();
        for (Row s : SparkTestSession.get().read().parquet(samples.toString()).select(Tables.SAMPLE_ID, Tables.SOURCE)
                .collectAsList()) {
            idOf.put(s.getString(1), s.getLong(0));
        }
        copyOf.forEach((copy, original) -> injected.add(Set.of(idOf.get(copy), idOf.get(original))));
        embeddings = tmp.resolve("embeddings");
        randomEmbeddings(samples, embeddings, 3);
    }

    /** One seeded random vector (d 16) per row of the samples table, with its id and label: no two equal or near. */
    private static List<Row> randomEmbeddings(Path samplesTable, Path out, long seed) {
        List<Row> rows = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(seed);
        for (Row s : SparkTestSession.get().read().parquet(samplesTable.toString())
                .select(Tables.SAMPLE_ID, Tables.LABEL).orderBy(Tables.SAMPLE_ID).collectAsList()) {
            float[] v = new float[16];
            for (int t = 0; t < v.length; t++) {
                v[t] = (float) r.nextGaussian();
            }
            rows.add(RowFactory.create(s.getLong(0), s.getInt(1), v));
        }
        StructType schema = new StructType().add("sample_id", DataTypes.LongType).add("label", DataTypes.IntegerType)
                .add("embedding", DataTypes.createArrayType(DataTypes.FloatType));
        SparkTestSession.get().createDataFrame(rows, schema).repartition(2).write().parquet(out.toString());
        return rows;
    }

    private static CliRun dedup(String out, String... options) {
        List<String> args = new ArrayList<>(List.of("dedup", "--embeddings", embeddings.toString(), "--epsilon", "0.001",
                "--out", tmp.resolve(out).toString(), "--no-progress"));
        args.addAll(List.of(options));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), String.join(" ", args) + "\n" + run.err());
        return run;
    }

    private static List<Row> exactFlags(String out) {
        return SparkTestSession.get().read().parquet(tmp.resolve(out).toString())
                .filter(org.apache.spark.sql.functions.col(Tables.KIND).equalTo(Tables.KIND_EXACT)).collectAsList();
    }

    @Test
    void byteIdenticalImagesAreExactCopiesWhateverTheirEmbeddings() {
        CliRun run = dedup("on-image", "--samples", samples.toString());
        Set<Set<Long>> found = new HashSet<>();
        for (Row f : exactFlags("on-image")) {
            long id = f.getLong(f.fieldIndex(Tables.SAMPLE_ID));
            long kept = f.getLong(f.fieldIndex(Tables.KEPT_ID));
            assertTrue(kept < id, "keep easy: equal keys before clustering, the smaller id stays: " + f);
            found.add(Set.of(id, kept));
        }
        assertEquals(injected, found, "exactly the injected pairs\n" + run.out());
        assertTrue(run.out().contains(COPIES + " exact (on image)"), run.out());

        // The same run on the embeddings: nothing is equal there.
        dedup("on-embedding");
        assertEquals(List.of(), exactFlags("on-embedding"));
        // --exact-on image names the column the default chose: the same table.
        dedup("named", "--samples", samples.toString(), "--exact-on", "image");
        assertEquals(found.size(), exactFlags("named").size());
    }

    /**
     * A CSV of 300 digits plus 10 repeated lines, ingested as features: the exact pairs are those of equal feature
     * vectors (the injected ones, and any the digits hold themselves), found by comparing every pair here.
     */
    @Test
    void equalFeatureVectorsAreExactCopies() throws Exception {
        List<String> lines = new ArrayList<>();
        try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(new java.util.zip.GZIPInputStream(
                Files.newInputStream(dev.coreset.jobs.Fixtures.digitsCsv(Files.createDirectories(tmp.resolve("csv"))))),
                java.nio.charset.StandardCharsets.UTF_8))) {
            in.lines().limit(300).forEach(lines::add);
        }
        for (int i = 0; i < 10; i++) {
            lines.add(lines.get(i * 29 + 5));
        }
        Path csv = Files.write(tmp.resolve("csv/digits-copies.csv"), lines);
        Path table = tmp.resolve("csv-samples");
        CliRun ingest = CliRun.of("ingest", "--format", "csv", "--input", csv.toString(), "--label-column", "-1",
                "--out", table.toString(), "--no-progress");
        assertEquals(0, ingest.exitCode(), ingest.err());
        Map<Long, List<Float>> features = new HashMap<>();
        for (Row s : SparkTestSession.get().read().parquet(table.toString()).select(Tables.SAMPLE_ID, Tables.FEATURES)
                .collectAsList()) {
            features.put(s.getLong(0), s.getList(1));
        }
        Path vectors = tmp.resolve("csv-embeddings");
        List<Row> rows = randomEmbeddings(table, vectors, 4);
        // Brute force: each row's duplicate is the smallest earlier id with equal features and label.
        Map<Long, Long> expected = new HashMap<>();
        List<Long> ids = features.keySet().stream().sorted().toList();
        Map<Long, Integer> label = new HashMap<>();
        rows.forEach(row -> label.put(row.getLong(0), row.getInt(1)));
        for (int i = 0; i < ids.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (features.get(ids.get(i)).equals(features.get(ids.get(j)))
                        && label.get(ids.get(i)).equals(label.get(ids.get(j)))) {
                    expected.put(ids.get(i), ids.get(j));
                    break;
                }
            }
        }
        assertTrue(expected.size() >= 10, "the 10 repeated lines at least: " + expected);

        CliRun run = CliRun.of("dedup", "--embeddings", vectors.toString(), "--samples", table.toString(),
                "--epsilon", "0.001", "--out", tmp.resolve("on-features").toString(), "--no-progress");
        assertEquals(0, run.exitCode(), run.err());
        Map<Long, Long> found = new HashMap<>();
        for (Row f : exactFlags("on-features")) {
            found.put(f.getLong(f.fieldIndex(Tables.SAMPLE_ID)), f.getLong(f.fieldIndex(Tables.KEPT_ID)));
        }
        assertEquals(expected, found);
        assertTrue(run.out().contains(" exact (on features)"), run.out());
    }

    @Test
    void aMissingColumnOrTableIsRefusedInOneLine() throws Exception {
        Path previous = tmp.resolve("previous");
        dedup("previous");
        List<String> base = List.of("dedup", "--embeddings", embeddings.toString(), "--epsilon", "0.001",
                "--no-progress");
        List<String> features = new ArrayList<>(base);
        features.addAll(List.of("--samples", samples.toString(), "--exact-on", "features", "--out",
                tmp.resolve("r1").toString()));
        Refusals.assertRefused(tmp.resolve("r1"), previous, features, samples.toString(), "no 'features' column",
                "pass --exact-on image");
        List<String> noTable = new ArrayList<>(base);
        noTable.addAll(List.of("--exact-on", "image", "--out", tmp.resolve("r2").toString()));
        Refusals.assertRefused(tmp.resolve("r2"), previous, noTable, "--exact-on image", "--samples");
        // A samples table that lacks some of the embeddings' ids: not the table they came from.
        Path partial = tmp.resolve("partial-samples");
        SparkTestSession.get().read().parquet(samples.toString()).filter("sample_id % 2 = 0").write()
                .parquet(partial.toString());
        Files.copy(samples.resolve("_coreset_table.json"), partial.resolve("_coreset_table.json"));
        List<String> other = new ArrayList<>(base);
        other.addAll(List.of("--samples", partial.toString(), "--out", tmp.resolve("r3").toString()));
        Refusals.assertRefused(tmp.resolve("r3"), previous, other, "no row for sample_id", "--samples");
    }
}
