package dev.coreset.jobs.bench;

import static org.apache.spark.sql.functions.col;

import dev.coreset.jobs.ingest.IngestJob;
import dev.coreset.schemas.Tables;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * CSV ingest at scale through the real {@link IngestJob} (the path of {@code coreset ingest --format csv --input F
 * --label-column label --header --val-fraction 0.1}) on a synthetic, seeded CSV of n rows x d features plus a label
 * column, written row by row first (never held in memory). Only the ingest is timed and measured; the split counts
 * are read back from the written table and checked against the generated rows, so a lost row fails the run.
 */
public final class IngestBench {
    static final double VAL_FRACTION = 0.1;

    private IngestBench() {
    }

    public record Options(long rows, int dim, int classes, long seed, double labelNoise, boolean gzip, Path work,
                          boolean keep) {
    }

    /**
     * @param splits rows per split as read back from the written table
     * @param noisy train labels flipped, as the job reported them
     */
    public record Result(long rows, long csvBytes, double generateSeconds, double ingestSeconds, MemoryPeak.Peaks peaks,
                         long maxHeapBytes, Map<String, Long> splits, long noisy) {
        public double rowsPerSecond() {
            return rows / ingestSeconds;
        }
    }

    public static Result run(SparkSession spark, Options o) {
        Path work = o.work();
        try {
            if (work == null) {
                work = Files.createTempDirectory("ingest-bench");
            }
            Files.createDirectories(work);
            Path csv = work.resolve(String.format("rows-n%d-d%d-c%d-s%d.csv%s", o.rows(), o.dim(), o.classes(),
                    o.seed(), o.gzip() ? ".gz" : ""));
            long t0 = System.nanoTime();
            long[] perClass = writeCsv(csv, o.rows(), o.dim(), o.classes(), o.seed(), o.gzip());
            double generate = (System.nanoTime() - t0) / 1e9;

            Path out = work.resolve("samples");
            IngestJob.Options ingest = new IngestJob.Options(IngestJob.Format.CSV, null, null, null, null,
                    csv.toString(), "label", true, null, null, VAL_FRACTION, o.labelNoise(), o.seed(), 0,
                    out.toString(), true);
            System.gc();
            MemoryPeak peak = MemoryPeak.start();
            t0 = System.nanoTime();
            IngestJob.Summary s = new IngestJob(spark).run(ingest);
            double seconds = (System.nanoTime() - t0) / 1e9;
            MemoryPeak.Peaks peaks = peak.stop();

            Map<String, Long> splits = readBackSplits(spark, out);
            checkCounts(splits, s.splits(), perClass);
            return new Result(o.rows(), Files.size(csv), generate, seconds, peaks, Runtime.getRuntime().maxMemory(),
                    splits, s.noisy());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (!o.keep() && work != null) {
                SelectJobBench.deleteTree(work);
            }
        }
    }

    /**
     * Streams the CSV: header f0..f{d-1},label, then per row d features (the class's centre in [-5, 5]^d plus
     * N(0, 1) noise, 4 decimals, as exported data usually looks) and a uniform label. One generator for the whole
     * file, so the same seed gives the same bytes.
     *
     * @return rows per class, for checking what ingest wrote
     */
    public static long[] writeCsv(Path file, long rows, int dim, int classes, long seed, boolean gzip)
            throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] centres = new double[classes][dim];
        for (double[] c : centres) {
            for (int j = 0; j < dim; j++) {
                c[j] = r.nextDouble() * 10 - 5;
            }
        }
        long[] perClass = new long[classes];
        StringBuilder line = new StringBuilder(dim * 9 + 8);
        try (OutputStream raw = Files.newOutputStream(file);
             OutputStream sink = gzip ? new GZIPOutputStream(raw, 1 << 16) : raw;
             Writer w = new BufferedWriter(new OutputStreamWriter(sink, StandardCharsets.US_ASCII), 1 << 16)) {
            for (int j = 0; j < dim; j++) {
                w.write("f" + j + ",");
            }
            w.write("label\n");
            for (long i = 0; i < rows; i++) {
                int label = r.nextInt(classes);
                perClass[label]++;
                line.setLength(0);
                for (int j = 0; j < dim; j++) {
                    appendFixed4(line, centres[label][j] + r.nextGaussian());
                    line.append(',');
                }
                line.append(label).append('\n');
                w.append(line);
            }
        }
        return perClass;
    }

    /** v with 4 decimals, without String.format's cost (it would dominate generation at 10M rows). */
    static void appendFixed4(StringBuilder b, double v) {
        long q = Math.round(v * 10_000);
        if (q < 0) {
            b.append('-');
            q = -q;
        }
        b.append(q / 10_000).append('.');
        long frac = q % 10_000;
        for (long p = 1000; p > 0; p /= 10) {
            b.append((char) ('0' + frac / p % 10));
        }
    }

    /** At most three rows (one per split) come back to the driver. */
    private static Map<String, Long> readBackSplits(SparkSession spark, Path table) {
        Map<String, Long> splits = new TreeMap<>();
        for (Row row : spark.read().parquet(table.toString()).groupBy(col(Tables.SPLIT)).count().collectAsList()) {
            splits.put(row.getString(0), row.getLong(1));
        }
        return splits;
    }

    /**
     * The table holds every generated row, the job's summary agrees with the table, and val holds exactly
     * round(0.1 x n_c) rows of each class c (the split's contract), summed.
     */
    static void checkCounts(Map<String, Long> table, Map<String, Long> reported, long[] perClass) {
        long generated = 0;
        long val = 0;
        for (long n : perClass) {
            generated += n;
            val += Math.round(VAL_FRACTION * n);
        }
        long written = table.values().stream().mapToLong(Long::longValue).sum();
        if (written != generated) {
            throw new IllegalStateException("ingest bench: " + generated + " rows generated but " + written
                    + " in the written table " + table);
        }
        if (!table.equals(reported)) {
            throw new IllegalStateException("ingest bench: the table's splits " + table + " differ from the job's summary "
                    + reported);
        }
        if (table.getOrDefault(Tables.SPLIT_VAL, 0L) != val) {
            throw new IllegalStateException("ingest bench: " + table.getOrDefault(Tables.SPLIT_VAL, 0L)
                    + " val rows, expected " + val + " (round(" + VAL_FRACTION + " x rows of each class))");
        }
    }
}
