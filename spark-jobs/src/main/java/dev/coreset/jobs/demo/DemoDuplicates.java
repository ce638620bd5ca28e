package dev.coreset.jobs.demo;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.xxhash64;

import dev.coreset.jobs.io.AtomicTableWriter;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.Json;
import dev.coreset.schemas.TableInfo;
import dev.coreset.schemas.Tables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Adds copies of train samples to a samples table, so the demo can show what deduplication does to a coreset.
 * A share of the train rows (chosen by a seeded hash of their id) gets one copy each: every third an exact copy, the
 * others a near copy (the image moved by one pixel and a little Gaussian noise on every pixel). Copies get new ids
 * above every existing id (no collision with any split) and their {@code source} names the kind and the original:
 * {@code duplicate-exact:ID} or {@code duplicate-near:ID}. Val and test rows are never touched.
 */
final class DemoDuplicates {
    static final String EXACT = "duplicate-exact:";
    static final String NEAR = "duplicate-near:";
    /** SQL pattern of the source of an injected copy; group 1 is the kind, group 2 the original's id. */
    static final String SOURCE_PATTERN = "^duplicate-(exact|near):([0-9]+)$";
    /** Noise std as a share of the row's largest absolute pixel value: small next to the one-pixel shift. */
    static final double NOISE_STD = 0.02;

    private DemoDuplicates() {
    }

    /** How many copies {@code share} of {@code trainRows} makes. */
    static long copies(long trainRows, double share) {
        return Math.round(share * trainRows);
    }

    /** Samples per class for a coreset of {@code fraction} of the train split (its mean class size). */
    static long perClass(SparkSession spark, String samples, double fraction) {
        Dataset<Row> train = spark.read().parquet(samples).filter(col(Tables.SPLIT).equalTo(Tables.SPLIT_TRAIN));
        long rows = train.count();
        long classes = train.select(Tables.LABEL).distinct().count();
        return Math.max(1, Math.round(fraction * rows / classes));
    }

    /** Writes {@code in} plus the copies to {@code out} (atomically, with the updated side file); returns the copies. */
    static long inject(SparkSession spark, String in, String out, double share, long seed) {
        Dataset<Row> all = spark.read().parquet(in);
        if (!Arrays.asList(all.columns()).contains(Tables.FEATURES)) {
            throw new CoresetInputException(in + ": no " + Tables.FEATURES + " column; --duplicates copies feature"
                    + " rows (idx or csv datasets), not encoded images or tokens.");
        }
        Dataset<Row> train = all.filter(col(Tables.SPLIT).equalTo(Tables.SPLIT_TRAIN));
        long trainRows = train.count();
        long n = copies(trainRows, share);
        long nextId = all.agg(max(col(Tables.SAMPLE_ID))).first().getLong(0) + 1;
        // The originals: the n train rows first in a seeded hash order (ties by id), so the pick is deterministic.
        List<Row> originals = train.withColumn("_h", xxhash64(col(Tables.SAMPLE_ID), lit(seed)))
                .orderBy(col("_h"), col(Tables.SAMPLE_ID)).limit((int) n).drop("_h").collectAsList();
        StructType schema = all.schema();
        int idIdx = schema.fieldIndex(Tables.SAMPLE_ID);
        int featIdx = schema.fieldIndex(Tables.FEATURES);
        int srcIdx = Arrays.asList(schema.fieldNames()).indexOf(Tables.SOURCE);
        if (srcIdx < 0) {
            throw new CoresetInputException(in + ": no " + Tables.SOURCE + " column to mark the copies; re-ingest it.");
        }
        List<Row> copies = new ArrayList<>(originals.size());
        long exact = 0;
        for (int i = 0; i < originals.size(); i++) {
            Row r = originals.get(i);
            long id = r.getLong(idIdx);
            Object[] values = new Object[schema.size()];
            for (int c = 0; c < values.length; c++) {
                values[c] = r.get(c);
            }
            boolean isExact = i % 3 == 0;
            float[] features = toFloats(r.getList(featIdx));
            values[idIdx] = nextId + i;
            values[featIdx] = boxed(isExact ? features : nearCopy(features, new SplittableRandom(seed * 1_000_003L + id)));
            values[srcIdx] = (isExact ? EXACT : NEAR) + id;
            exact += isExact ? 1 : 0;
            copies.add(RowFactory.create(values));
        }
        Dataset<Row> result = all.unionByName(spark.createDataFrame(copies, schema));
        new AtomicTableWriter(spark).write(result, out, true, Map.of(TableInfo.FILE_NAME,
                sideFile(spark, in, n, exact, share, seed)));
        return n;
    }

    /** The input's side file with the new row counts and what was injected. */
    private static TableInfo sideFile(SparkSession spark, String in, long n, long exact, double share, long seed) {
        Configuration conf = AtomicTableWriter.hadoopConf(spark);
        try {
            TableInfo info = Json.read(new org.apache.hadoop.fs.Path(in, TableInfo.FILE_NAME), TableInfo.class, conf);
            info.rows += n;
            @SuppressWarnings("unchecked")
            Map<String, Object> splits = new TreeMap<>((Map<String, Object>) info.summary.get("splits"));
            splits.put(Tables.SPLIT_TRAIN, ((Number) splits.get(Tables.SPLIT_TRAIN)).longValue() + n);
            info.summary.put("splits", splits);
            info.summary.put("injectedDuplicates", Map.of("share", share, "seed", seed, "copies", n, "exact", exact,
                    "near", n - exact));
            return info;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + in + "/" + TableInfo.FILE_NAME + ": " + e.getMessage(), e);
        }
    }

    /**
     * One pixel of shift (right, left, down or up, drawn; the vacated edge is 0) on a square image (a row that is not
     * a square is shifted by one position), then Gaussian noise of {@link #NOISE_STD} times the row's largest value.
     */
    static float[] nearCopy(float[] x, SplittableRandom random) {
        int d = x.length;
        int w = (int) Math.round(Math.sqrt(d));
        int step = w * w == d ? w : 1;
        int dir = random.nextInt(4);
        float[] y = new float[d];
        for (int i = 0; i < d; i++) {
            int src;
            if (step == 1 || dir < 2) {
                // horizontal: stay inside the image row
                int col = step == 1 ? i : i % w;
                int from = dir % 2 == 0 ? col - 1 : col + 1;
                int width = step == 1 ? d : w;
                src = from < 0 || from >= width ? -1 : i - col + from;
            } else {
                src = dir == 2 ? i - w : i + w;
                src = src < 0 || src >= d ? -1 : src;
            }
            y[i] = src < 0 ? 0f : x[src];
        }
        float scale = 0;
        for (float v : x) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < d; i++) {
            y[i] += (float) (random.nextGaussian() * NOISE_STD * scale);
        }
        return y;
    }

    private static float[] toFloats(List<Object> list) {
        float[] f = new float[list.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = ((Number) list.get(i)).floatValue();
        }
        return f;
    }

    private static Object boxed(float[] f) {
        Float[] b = new Float[f.length];
        for (int i = 0; i < f.length; i++) {
            b[i] = f[i];
        }
        return b;
    }
}
