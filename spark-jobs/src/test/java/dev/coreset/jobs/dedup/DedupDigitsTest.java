package dev.coreset.jobs.dedup;

import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.Fixtures;
import dev.coreset.jobs.Refusals;
import dev.coreset.jobs.SparkTestSession;
import dev.coreset.jobs.TableDigest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * coreset dedup on the digits fixture (1,797 x 64 pixel vectors) with injected duplicates: 60 exact copies and 120
 * near copies (each pixel + N(0, 0.25^2), on a 0..16 scale: cosine >= 0.998 to the source). Distinct digits reach
 * at most 0.9956, so the documented epsilon is 0.003 (threshold 0.997): between the two.
 */
class DedupDigitsTest {
    static final double EPSILON = 0.003;
    static final int EXACT = 60;
    static final int NEAR = 120;

    @TempDir
    static Path tmp;
    static Path table;
    /** id -> the original it was copied from (itself for an original). */
    static final Map<Long, Long> source = new HashMap<>();
    static final Map<Long, float[]> vectors = new HashMap<>();
    static final Map<Long, Integer> labels = new HashMap<>();
    static final Map<Long, Double> priority = new HashMap<>();
    static Path firstOut;

    @BeforeAll
    static void injectDuplicates() throws Exception {
        Path csv = Fixtures.digitsCsv(tmp);
        List<float[]> originals = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(csv)),
                StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                String[] f = line.split(",");
                float[] v = new float[64];
                for (int t = 0; t < 64; t++) {
                    v[t] = Float.parseFloat(f[t]);
                }
                long id = originals.size();
                originals.add(v);
                add(id, id, v, (int) Float.parseFloat(f[64]));
            }
        }
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < EXACT; i++) {
            long src = r.nextInt(originals.size());
            add(10_000 + i, src, vectors.get(src).clone(), labels.get(src));
        }
        for (int i = 0; i < NEAR; i++) {
            long src = r.nextInt(originals.size());
            float[] v = vectors.get(src).clone();
            for (int t = 0; t < v.length; t++) {
                v[t] += (float) (0.25 * r.nextGaussian());
            }
            add(20_000 + i, src, v, labels.get(src));
        }
        List<Row> rows = new ArrayList<>();
        for (long id : new TreeSet<>(vectors.keySet())) {
            priority.put(id, r.nextDouble());
            rows.add(RowFactory.create(id, labels.get(id), vectors.get(id), priority.get(id)));
        }
        StructType schema = new StructType().add("img", DataTypes.LongType).add("digit", DataTypes.IntegerType)
                .add("pixels", DataTypes.createArrayType(DataTypes.FloatType)).add("priority", DataTypes.DoubleType);
        table = tmp.resolve("digits-dups");
        SparkTestSession.get().createDataFrame(rows, schema).repartition(3).write().parquet(table.toString());
    }

    private static void add(long id, long src, float[] v, int label) {
        source.put(id, src);
        vectors.put(id, v);
        labels.put(id, label);
    }

    static CliRun dedup(String out, String... options) {
        List<String> args = new ArrayList<>(List.of("dedup", "--embeddings", table.toString(), "--id-column", "img",
                "--label-column", "digit", "--embedding-column", "pixels", "--out", tmp.resolve(out).toString(),
                "--no-progress"));
        args.addAll(List.of(options));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), String.join(" ", args) + "\n" + run.err());
        return run;
    }

    record Flag(long id, int label, long kept, double similarity, Integer cluster, String kind) {
    }

    static List<Flag> flags(String out) {
        List<Flag> f = new ArrayList<>();
        for (Row r : SparkTestSession.get().read().parquet(tmp.resolve(out).toString()).collectAsList()) {
            f.add(new Flag(r.getLong(r.fieldIndex("sample_id")), r.getInt(r.fieldIndex("label")),
                    r.getLong(r.fieldIndex("kept_id")), r.getDouble(r.fieldIndex("similarity")),
                    r.isNullAt(r.fieldIndex("cluster")) ? null : r.getInt(r.fieldIndex("cluster")),
                    r.getString(r.fieldIndex("kind"))));
        }
        return f;
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int t = 0; t < a.length; t++) {
            dot += (double) a[t] * b[t];
            na += (double) a[t] * a[t];
            nb += (double) b[t] * b[t];
        }
        return dot / Math.sqrt(na * nb);
    }

    @Test
    void findsTheInjectedDuplicatesAndNamesTheirPairs() {
        CliRun run = dedup("flags", "--epsilon", String.valueOf(EPSILON), "--partition-size", "100");
        List<Flag> flags = flags("flags");
        firstOut = tmp.resolve("flags");
        long correct = flags.stream().filter(f -> source.get(f.id()).equals(source.get(f.kept()))).count();
        double precision = (double) correct / flags.size();
        double recall = (double) correct / (EXACT + NEAR);
        assertTrue(precision >= 0.95 && recall >= 0.95, "precision " + precision + ", recall " + recall + "\n" + run.out());
        long exact = flags.stream().filter(f -> f.kind().equals("exact")).count();
        assertEquals(EXACT, exact, "every exact copy, and nothing else, is exact");
        for (Flag f : flags) {
            assertEquals(labels.get(f.id()), f.label());
            assertEquals(labels.get(f.id()), labels.get(f.kept()), "per class scope");
            if (f.kind().equals("exact")) {
                assertArrayEquals(vectors.get(f.id()), vectors.get(f.kept()));
                assertNull(f.cluster());
                // keep easy: exact copies are equally near their centre, so the smaller id stays.
                assertTrue(f.kept() < f.id());
            } else {
                assertEquals(cosine(vectors.get(f.id()), vectors.get(f.kept())), f.similarity(), 1e-5);
                assertTrue(f.similarity() >= 1 - EPSILON);
            }
        }
        assertTrue(run.out().contains("flagged " + flags.size() + " of " + vectors.size() + " rows"), run.out());
        // Same seed, other partitioning of the work: the same table.
        dedup("flags-again", "--epsilon", String.valueOf(EPSILON), "--partition-size", "100",
                "--conf", "spark.sql.shuffle.partitions=3");
        assertEquals(TableDigest.table(SparkTestSession.get(), tmp.resolve("flags"), "sample_id"),
                TableDigest.table(SparkTestSession.get(), tmp.resolve("flags-again"), "sample_id"));
    }

    /**
     * One cluster per class cut into chunks of 50 (about 4 per class, so 10 chunk pairs each): the flags equal
     * brute force over every pair of the class in keep order (highest priority first), and each kept item has the
     * higher priority.
     */
    @Test
    void aClusterSplitIntoChunksGivesThePairsOfBruteForce() {
        dedup("split", "--epsilon", String.valueOf(EPSILON), "--clusters", "1", "--partition-size", "50",
                "--keep", "score:priority");
        Map<Long, Long> got = new TreeMap<>();
        for (Flag f : flags("split")) {
            got.put(f.id(), f.kept());
            assertTrue(priority.get(f.kept()) >= priority.get(f.id()), "--keep score:priority keeps the higher");
        }
        assertEquals(bruteForce(), got);
    }

    /** Exact copies first (first in keep order stays), then the greedy rule over all pairs of each class. */
    private static Map<Long, Long> bruteForce() {
        Map<Integer, List<Long>> byClass = new TreeMap<>();
        for (long id : new TreeSet<>(vectors.keySet())) {
            byClass.computeIfAbsent(labels.get(id), c -> new ArrayList<>()).add(id);
        }
        Map<Long, Long> dupOf = new TreeMap<>();
        for (List<Long> ids : byClass.values()) {
            ids.sort((a, b) -> {
                int c = Double.compare(priority.get(b), priority.get(a));
                return c != 0 ? c : Long.compare(a, b);
            });
            List<Long> left = new ArrayList<>();
            for (long id : ids) {
                Long copyOf = left.stream().filter(k -> Arrays.equals(vectors.get(k), vectors.get(id))).findFirst()
                        .orElse(null);
                if (copyOf != null) {
                    dupOf.put(id, copyOf);
                } else {
                    left.add(id);
                }
            }
            List<Long> kept = new ArrayList<>();
            for (long id : left) {
                long best = -1;
                double bestSim = -2;
                for (long k : kept) {
                    double s = cosine(vectors.get(id), vectors.get(k));
                    if (s >= 1 - EPSILON && s > bestSim) {
                        best = k;
                        bestSim = s;
                    }
                }
                if (best >= 0) {
                    dupOf.put(id, best);
                } else {
                    kept.add(id);
                }
            }
        }
        return dupOf;
    }

    /** keep easy keeps the item nearer the class's mean direction (the one centre of --clusters 1), hard the farther. */
    @Test
    void keepEasyAndHardFollowTheDistanceToTheCentre() {
        Map<Integer, double[]> mean = new HashMap<>();
        for (long id : vectors.keySet()) {
            if (!source.get(id).equals(id) && id < 20_000) {
                continue; // exact copies were removed before clustering
            }
            float[] v = vectors.get(id);
            double n = Math.sqrt(cosineNorm(v));
            double[] m = mean.computeIfAbsent(labels.get(id), c -> new double[64]);
            for (int t = 0; t < 64; t++) {
                m[t] += v[t] / n;
            }
        }
        for (String keep : List.of("easy", "hard")) {
            dedup("keep-" + keep, "--epsilon", String.valueOf(EPSILON), "--clusters", "1", "--partition-size", "5000",
                    "--keep", keep);
            int checked = 0;
            for (Flag f : flags("keep-" + keep)) {
                if (f.kind().equals("exact")) {
                    continue;
                }
                double[] m = mean.get(f.label());
                double kept = toCentre(vectors.get(f.kept()), m);
                double dup = toCentre(vectors.get(f.id()), m);
                assertTrue(keep.equals("easy") ? kept >= dup - 1e-6 : kept <= dup + 1e-6, keep + ": " + f);
                checked++;
            }
            assertTrue(checked >= 100, "near duplicates checked: " + checked);
        }
    }

    private static double cosineNorm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return s;
    }

    private static double toCentre(float[] v, double[] m) {
        double dot = 0, nm = 0;
        for (int t = 0; t < v.length; t++) {
            dot += v[t] * m[t];
            nm += m[t] * m[t];
        }
        return dot / Math.sqrt(nm * cosineNorm(v));
    }

    @Test
    void aTargetFractionFindsItsEpsilon() {
        CliRun run = dedup("fraction", "--target-fraction", "0.06", "--keep", "random");
        List<Flag> flags = flags("fraction");
        long wanted = (long) Math.ceil(0.06 * vectors.size());
        // Items tied at the cut go by their tie hash, so never more than wanted; the kept-only rule may flag fewer.
        assertTrue(flags.size() <= wanted && flags.size() >= 0.9 * wanted, flags.size() + " of " + wanted
                + "\n" + run.out());
        assertEquals(EXACT, flags.stream().filter(f -> f.kind().equals("exact")).count());
    }

    /** coreset run: a dedup stage, then select --exclude its flags: no flagged row is selected. */
    @Test
    void aPipelineDedupsThenSelectsWithoutTheDuplicates() throws Exception {
        Path flagsOut = tmp.resolve("run-flags");
        Path manifest = tmp.resolve("run-manifest");
        Path config = Files.writeString(tmp.resolve("pipeline.yaml"), String.join("\n",
                "stages:",
                "  - dedup:",
                "      embeddings: " + table,
                "      id-column: img",
                "      label-column: digit",
                "      embedding-column: pixels",
                "      epsilon: " + EPSILON,
                "      out: " + flagsOut,
                "      no-progress: true",
                "  - select:",
                "      embeddings: " + table,
                "      id-column: img",
                "      label-column: digit",
                "      embedding-column: pixels",
                "      method: random",
                "      fraction: 0.5",
                "      exclude: " + flagsOut,
                "      out: " + manifest,
                "      no-progress: true", ""));
        CliRun run = CliRun.of("run", "--config", config.toString());
        assertEquals(0, run.exitCode(), run.err());
        Set<Long> flagged = new HashSet<>();
        flags("run-flags").forEach(f -> flagged.add(f.id()));
        assertTrue(flagged.size() >= 0.95 * (EXACT + NEAR), "flagged " + flagged.size());
        List<Row> chosen = SparkTestSession.get().read().parquet(manifest.toString()).select("sample_id").collectAsList();
        assertTrue(chosen.size() > 500);
        assertTrue(chosen.stream().noneMatch(r -> flagged.contains(r.getLong(0))));
    }

    @Test
    void badInputsAreRefusedInOneLine() {
        Path previous = tmp.resolve("previous");
        dedup("previous", "--epsilon", "0.01");
        String base = table.toString();
        List<String> common = List.of("dedup", "--embeddings", base, "--id-column", "img", "--label-column", "digit",
                "--no-progress");
        Refusals.assertRefused(tmp.resolve("r1"), previous, concat(common, "--embedding-column", "vec", "--out",
                tmp.resolve("r1").toString()), "no column 'vec'", "--embedding-column");
        Refusals.assertRefused(tmp.resolve("r2"), previous, concat(common, "--embedding-column", "pixels",
                "--epsilon", "1.5", "--out", tmp.resolve("r2").toString()), "--epsilon 1.5", "(0, 1)");
        Refusals.assertRefused(tmp.resolve("r3"), previous, concat(common, "--embedding-column", "pixels",
                "--epsilon", "0", "--out", tmp.resolve("r3").toString()), "--epsilon 0.0", "(0, 1)");
        Refusals.assertRefused(tmp.resolve("r4"), previous, concat(common, "--embedding-column", "pixels",
                "--target-fraction", "1", "--out", tmp.resolve("r4").toString()), "--target-fraction 1.0", "(0, 1)");
        Refusals.assertRefused(tmp.resolve("r5"), previous, concat(common, "--embedding-column", "pixels",
                "--keep", "score:nope", "--out", tmp.resolve("r5").toString()), "no column 'nope'", "--keep");
        Refusals.assertRefused(tmp.resolve("r6"), previous, concat(common, "--embedding-column", "pixels",
                "--keep", "newest", "--out", tmp.resolve("r6").toString()), "--keep newest", "score:COLUMN");
    }

    private static List<String> concat(List<String> a, String... b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(List.of(b));
        return out;
    }
}
