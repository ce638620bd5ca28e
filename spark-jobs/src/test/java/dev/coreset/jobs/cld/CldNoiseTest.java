package dev.coreset.jobs.cld;

import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.SparkTestSession;
import dev.coreset.schemas.SparkSchemas;
import dev.coreset.schemas.Tables;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Noise flags on synthetic dynamics where mislabeled samples keep a high, flat loss. */
class CldNoiseTest {
    @TempDir
    Path tmp;

    private final SparkSession spark = SparkTestSession.get();
    private static final int CLASSES = 4;
    private static final int PER_CLASS = 80;
    private static final int T = 8;

    /**
     * Clean samples: loss a*exp(-r t) with per-sample a, r and 10% multiplicative jitter (one population of log
     * last losses); noisy: high and flat, above chance level ln 4.
     */
    private Path scores(ScoresBuilder b, Set<Long> noisy, double noiseRate, long seed) {
        Random rnd = new Random(seed);
        long id = 0;
        for (int c = 0; c < CLASSES; c++) {
            for (int i = 0; i < PER_CLASS; i++) {
                boolean flipped = rnd.nextDouble() < noiseRate;
                float[] l = new float[T];
                double a = 1.5 + rnd.nextDouble();
                double r = 0.3 + 0.2 * rnd.nextDouble();
                double level = 2.0 + rnd.nextDouble();
                for (int t = 0; t < T; t++) {
                    double jitter = (flipped ? 0.08 : 0.1) * rnd.nextGaussian();
                    l[t] = (float) (flipped ? Math.max(0.01, level + jitter) : a * Math.exp(-r * t + jitter));
                }
                if (flipped) {
                    noisy.add(id);
                }
                b.train(id++, c, l);
            }
            for (int i = 0; i < 10; i++) {
                float[] l = new float[T];
                double a = 1.5 + rnd.nextDouble();
                double r = 0.15 + 0.6 * rnd.nextDouble();
                for (int t = 0; t < T; t++) {
                    l[t] = (float) Math.max(0.01, a * Math.exp(-r * t) + 0.08 * rnd.nextGaussian());
                }
                b.val(10_000 + id++, c, l);
            }
        }
        return b.write(tmp, "scores");
    }

    private Path samples(ScoresBuilder b, Set<Long> noisy) {
        List<Row> rows = new ArrayList<>();
        for (var s : b.samples) {
            int clean = noisy.contains(s.id()) ? (s.label() + 1) % CLASSES : s.label();
            rows.add(RowFactory.create(s.id(), s.label(), s.split(), new float[] {0f}, clean));
        }
        Path p = tmp.resolve("samples");
        spark.createDataFrame(rows, SparkSchemas.structType(Tables.SAMPLES, List.of(Tables.FEATURES, Tables.CLEAN_LABEL)))
                .write().parquet(p.toString());
        return p;
    }

    @Test
    void flagsMislabeledSamplesWithPrecisionWellAboveTheNoiseRate() {
        ScoresBuilder b = new ScoresBuilder();
        Set<Long> noisy = new HashSet<>();
        Path scores = scores(b, noisy, 0.2, 5);
        Path samples = samples(b, noisy);
        Path d = tmp.resolve("dyn");
        assertEquals(0, CliRun.of("cld", "--scores", scores.toString(), "--fraction", "0.2", "--out",
                tmp.resolve("m").toString(), "--dynamics-out", d.toString(), "--no-progress").exitCode());
        Path flags = tmp.resolve("flags");
        CliRun run = CliRun.of("noise", "--dynamics", d.toString(), "--samples", samples.toString(), "--out",
                flags.toString(), "--no-progress");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("precision"), run.out());
        assertTrue(run.out().contains("two populations"), run.out());

        List<Long> flagged = spark.read().parquet(flags.toString()).select(Tables.SAMPLE_ID).as(Encoders.LONG())
                .collectAsList();
        assertEquals(List.of("sample_id", "label", "noise_score", "rule", "suggested_label"),
                List.of(spark.read().parquet(flags.toString()).schema().fieldNames()));
        long tp = flagged.stream().filter(noisy::contains).count();
        double rate = noisy.size() / (double) (CLASSES * PER_CLASS);
        double precision = tp / (double) flagged.size();
        double recall = tp / (double) noisy.size();
        assertTrue(precision >= 2 * rate, "precision " + precision + " vs noise rate " + rate);
        assertTrue(recall >= 0.8, "recall " + recall);
        assertTrue(run.out().contains(String.format(java.util.Locale.ROOT, "noise rate %.2f%%", 100 * rate)), run.out());

        // --exclude drops every flagged sample before selecting.
        Path m2 = tmp.resolve("m2");
        CliRun excl = CliRun.of("cld", "--scores", scores.toString(), "--per-class", "1000", "--exclude",
                flags.toString(), "--out", m2.toString(), "--no-progress");
        assertEquals(0, excl.exitCode(), excl.err());
        List<Long> kept = spark.read().parquet(m2.toString()).select(Tables.SAMPLE_ID).as(Encoders.LONG())
                .collectAsList();
        assertEquals(CLASSES * PER_CLASS - flagged.size(), kept.size());
        assertTrue(kept.stream().noneMatch(new HashSet<>(flagged)::contains));
    }

    @Test
    void cleanDataGetsFewOrNoFlags() {
        ScoresBuilder b = new ScoresBuilder();
        Path scores = scores(b, new HashSet<>(), 0.0, 9);
        Path d = tmp.resolve("dyn");
        assertEquals(0, CliRun.of("cld", "--scores", scores.toString(), "--per-class", "1", "--out",
                tmp.resolve("m").toString(), "--dynamics-out", d.toString(), "--no-progress").exitCode());
        Path flags = tmp.resolve("flags");
        CliRun run = CliRun.of("noise", "--dynamics", d.toString(), "--out", flags.toString(), "--no-progress");
        assertEquals(0, run.exitCode(), run.err());
        long flagged = spark.read().parquet(flags.toString()).count();
        assertTrue(flagged <= 0.05 * CLASSES * PER_CLASS, "no ratio is forced on clean data: " + flagged + "\n" + run.out());
    }
}
