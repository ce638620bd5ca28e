package dev.coreset.jobs.dedup;

import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.SparkTestSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --target-fraction when many embeddings point the same way: 1,000 random directions (d 16, 2 classes) plus 500
 * copies scaled by a power of two (not equal bits, so not exact copies; normalized, bit for bit the same direction,
 * so every pair of them ties at one similarity). The any-earlier rule at the highest cut would take all 500; the cut's
 * tie hash lets only the wanted number go.
 */
class DedupTargetFractionTest {
    static final int BASE = 1000;
    static final int SCALED = 500;

    @TempDir
    static Path tmp;
    static Path table;

    @BeforeAll
    static void scaledCopies() {
        SplittableRandom r = new SplittableRandom(11);
        List<float[]> base = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < BASE; i++) {
            float[] v = new float[16];
            for (int t = 0; t < v.length; t++) {
                v[t] = (float) r.nextGaussian();
            }
            base.add(v);
            rows.add(RowFactory.create((long) i, i % 2, v));
        }
        for (int i = 0; i < SCALED; i++) {
            int src = r.nextInt(BASE);
            float scale = (float) Math.scalb(1.0, 1 + r.nextInt(3));
            float[] v = base.get(src).clone();
            for (int t = 0; t < v.length; t++) {
                v[t] *= scale;
            }
            rows.add(RowFactory.create((long) (BASE + i), src % 2, v));
        }
        table = tmp.resolve("scaled");
        StructType schema = new StructType().add("sample_id", DataTypes.LongType).add("label", DataTypes.IntegerType)
                .add("embedding", DataTypes.createArrayType(DataTypes.FloatType));
        SparkTestSession.get().createDataFrame(rows, schema).repartition(3).write().parquet(table.toString());
    }

    private static CliRun dedup(String out, double fraction, String... more) {
        List<String> args = new ArrayList<>(List.of("dedup", "--embeddings", table.toString(), "--target-fraction",
                String.valueOf(fraction), "--partition-size", "300", "--out", tmp.resolve(out).toString(),
                "--no-progress"));
        args.addAll(List.of(more));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.err());
        return run;
    }

    @Test
    void identicalDirectionsStopAtTheWantedShare() {
        double fraction = 0.1;
        CliRun run = dedup("tenth", fraction);
        long wanted = (long) Math.ceil(fraction * (BASE + SCALED));
        List<Row> flags = SparkTestSession.get().read().parquet(tmp.resolve("tenth").toString()).collectAsList();
        assertEquals(wanted, flags.size(), "the wanted share, not every scaled copy\n" + run.out());
        for (Row f : flags) {
            assertTrue(f.getLong(f.fieldIndex("sample_id")) >= BASE || f.getLong(f.fieldIndex("kept_id")) >= BASE,
                    "only pairs of a scaled copy: " + f);
        }
        assertTrue(run.out().contains("(10.00%, target 10.00%)"), run.out());
        // Same seed: the same rows go; another seed draws other tied rows, as many.
        dedup("tenth-again", fraction, "--conf", "spark.sql.shuffle.partitions=5");
        assertEquals(ids("tenth"), ids("tenth-again"));
        dedup("tenth-seed", fraction, "--seed", "7");
        assertEquals(wanted, ids("tenth-seed").size());
        assertNotEquals(ids("tenth"), ids("tenth-seed"));
    }

    private static List<Long> ids(String out) {
        return SparkTestSession.get().read().parquet(tmp.resolve(out).toString()).select("sample_id").orderBy("sample_id")
                .as(org.apache.spark.sql.Encoders.LONG()).collectAsList();
    }
}
