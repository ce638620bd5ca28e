package dev.coreset.jobs.bench;

import static org.apache.spark.sql.functions.col;

import ai.djl.Device;
import ai.djl.Model;
import dev.coreset.jobs.image.ImageDecoder;
import dev.coreset.jobs.image.ImageDecoding;
import dev.coreset.jobs.image.UndecodableImageException;
import dev.coreset.jobs.ingest.IdxSource;
import dev.coreset.jobs.ingest.ImageOptions;
import dev.coreset.jobs.ingest.IngestJob;
import dev.coreset.jobs.ingest.RawRow;
import dev.coreset.jobs.score.ScoreJob;
import dev.coreset.jobs.train.SamplesTableInfo;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.SamplesReader;
import dev.coreset.schemas.Tables;
import dev.coreset.scoring.Engines;
import dev.coreset.scoring.ScoreOptions;
import dev.coreset.scoring.bench.ScoringBench;
import dev.coreset.scoring.model.Checkpoints;
import dev.coreset.scoring.model.ModelSpec;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * {@code coreset bench images}: the first n Fashion-MNIST training images written as PNG class folders, ingested
 * as an image table (kept encoded) and, from the IDX files, as a float table. Measures what keeping images encoded
 * costs and saves: images decoded per second per core (a plain loop on one thread, and inside Spark tasks per task
 * second) against the CNN's forward rate on one thread; the score job's rate on both tables with the same CNN
 * checkpoint; and both tables' size on disk against the PNG files'.
 */
public final class ImageBench {
    private ImageBench() {
    }

    public record Options(Path idxDir, int rows, int batch, int rounds, long seed, Path work, boolean keep) {
    }

    /**
     * Rates are rows per second; {@code *PerCore}: per thread or per task second; {@code score*}: the score job,
     * best of the rounds, on this session's cores.
     */
    public record Result(int rows, int cores, long pngBytes, long imageTableBytes, long floatTableBytes,
                         double ingestImagesSeconds, double ingestFloatsSeconds, double decodePerCore,
                         double sparkDecodePerCore, double cnnForwardPerCore, double scoreImages, double scoreFloats) {
    }

    public static Result run(SparkSession spark, Options o) throws IOException {
        Path images = o.idxDir().resolve("train-images-idx3-ubyte.gz");
        Path labels = o.idxDir().resolve("train-labels-idx1-ubyte.gz");
        if (!Files.exists(images) || !Files.exists(labels)) {
            throw new CoresetInputException(o.idxDir() + ": no train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz;"
                    + " install Fashion-MNIST (Debian dataset-fashion-mnist) or pass --idx-dir.");
        }
        Path work = o.work() != null ? Files.createDirectories(o.work()) : Files.createTempDirectory("coreset-bench-images");
        try {
            Path png = work.resolve("png");
            long pngBytes = writePngs(images, labels, o.rows(), png);
            String imageTable = work.resolve("image-table").toString();
            String floatTable = work.resolve("float-table").toString();
            long t0 = System.nanoTime();
            new IngestJob(spark).run(new IngestJob.Options(IngestJob.Format.IMAGES, null, null, null, null,
                    png.toString(), null, false, null, null, 0.1, 0, o.seed(), 0, imageTable, true, 0, 0, null,
                    new ImageOptions(null, null, null, null, null, false)));
            double ingestImages = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            new IngestJob(spark).run(new IngestJob.Options(IngestJob.Format.IDX, images.toString(), labels.toString(), null, null, null,
                    null, false, null, null, 0.1, 0, o.seed(), 0, floatTable, true, 0, o.rows(), null, null));
            double ingestFloats = (System.nanoTime() - t0) / 1e9;

            Configuration conf = new Configuration();
            ImageDecoding decoding = SamplesTableInfo.read(imageTable, conf).image();
            List<byte[]> encoded = new ArrayList<>();
            List<Integer> classes = new ArrayList<>();
            try (SamplesReader.Rows rows = new SamplesReader(imageTable, Set.of(), conf).open()) {
                rows.forEachRemaining(s -> {
                    encoded.add(s.image());
                    classes.add(s.label());
                });
            }
            int n = encoded.size();
            int dim = decoding.featureDim();
            float[] features = new float[n * dim];
            decodeAll(decoding, encoded, features); // warm-up
            t0 = System.nanoTime();
            decodeAll(decoding, encoded, features);
            double decodePerCore = n / ((System.nanoTime() - t0) / 1e9);
            double sparkDecodePerCore = sparkDecodeRate(spark, imageTable, decoding);

            ModelSpec spec = ModelSpec.cnn(decoding.channels(), decoding.height(), decoding.width(), 10);
            int[] y = classes.stream().mapToInt(Integer::intValue).toArray();
            ScoreOptions scoring = ScoreOptions.defaults().withMaxBatchRows(o.batch());
            double cnnPerCore = ScoringBench.time(spec, features, y, scoring, 1, o.seed()).samplesPerSecond();

            Path run = work.resolve("cnn-run");
            Engines.pytorch();
            try (Model m = Checkpoints.newInitializedModel(spec, Device.cpu(), o.seed())) {
                Checkpoints.save(m, spec, run, 0, o.seed());
            }
            double scoreImages = 0;
            double scoreFloats = 0;
            for (int r = 0; r < o.rounds(); r++) {
                scoreImages = Math.max(scoreImages, scoreRate(spark, imageTable, run, work.resolve("scores-images"), o));
                scoreFloats = Math.max(scoreFloats, scoreRate(spark, floatTable, run, work.resolve("scores-floats"), o));
            }
            int cores = spark.sparkContext().defaultParallelism();
            return new Result(n, cores, pngBytes, tableBytes(Path.of(imageTable)), tableBytes(Path.of(floatTable)),
                    ingestImages, ingestFloats, decodePerCore, sparkDecodePerCore, cnnPerCore, scoreImages, scoreFloats);
        } finally {
            if (!o.keep()) {
                SelectJobBench.deleteTree(work);
            }
        }
    }

    /** Fashion-MNIST's first {@code rows} training images as 8-bit gray PNGs in DIR/&lt;label&gt;/NNNNN.png. */
    private static long writePngs(Path images, Path labels, int rows, Path dir) throws IOException {
        long bytes = 0;
        try (IdxSource idx = new IdxSource(images.toString(), labels.toString(), new Configuration())) {
            RawRow row;
            for (int i = 0; i < rows && (row = idx.next()) != null; i++) {
                int side = (int) Math.round(Math.sqrt(row.features().length));
                BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
                int[] samples = new int[row.features().length];
                for (int p = 0; p < samples.length; p++) {
                    samples[p] = Math.round(row.features()[p] * 255); // IDX ingest's v / 255, back to bytes
                }
                image.getRaster().setSamples(0, 0, side, side, 0, samples);
                Path file = dir.resolve(String.valueOf(row.label())).resolve(String.format("%05d.png", i));
                Files.createDirectories(file.getParent());
                ImageIO.write(image, "png", file.toFile());
                bytes += Files.size(file);
            }
        }
        return bytes;
    }

    private static void decodeAll(ImageDecoding decoding, List<byte[]> encoded, float[] out) {
        ImageDecoder decoder = new ImageDecoder(decoding);
        try {
            for (int i = 0; i < encoded.size(); i++) {
                decoder.decode(encoded.get(i), out, i * decoding.featureDim());
            }
        } catch (UndecodableImageException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Images decoded per task second by Spark tasks over the image table (read and decode, no model). */
    private static double sparkDecodeRate(SparkSession spark, String table, ImageDecoding decoding) {
        MapPartitionsFunction<byte[], Tuple2<Long, Long>> decode = it -> {
            long start = System.nanoTime();
            ImageDecoder decoder = new ImageDecoder(decoding);
            float[] buffer = new float[decoding.featureDim()];
            long count = 0;
            while (it.hasNext()) {
                decoder.decode(it.next(), buffer, 0);
                count++;
            }
            return List.of(new Tuple2<>(count, System.nanoTime() - start)).iterator();
        };
        long rows = 0;
        long nanos = 0;
        for (int pass = 0; pass < 2; pass++) { // the first warms the executors' JIT
            rows = 0;
            nanos = 0;
            Iterator<Tuple2<Long, Long>> parts = spark.read().parquet(table).select(col(Tables.IMAGE))
                    .as(Encoders.BINARY()).mapPartitions(decode, Encoders.tuple(Encoders.LONG(), Encoders.LONG()))
                    .collectAsList().iterator();
            while (parts.hasNext()) {
                Tuple2<Long, Long> p = parts.next();
                rows += p._1();
                nanos += p._2();
            }
        }
        return rows / (nanos / 1e9);
    }

    private static double scoreRate(SparkSession spark, String samples, Path run, Path out, Options o) {
        ScoreJob.Summary s = new ScoreJob(spark).run(new ScoreJob.Options(samples, run.toString(), "all", List.of(),
                "none", 0, 1, 0, o.seed(), o.batch(), out.toString(), true));
        return s.rows() / s.seconds();
    }

    /** Bytes of a table's data files (Parquet parts; side files and checksums left out). */
    static long tableBytes(Path table) throws IOException {
        try (Stream<Path> files = Files.list(table)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".parquet")).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        }
    }
}
