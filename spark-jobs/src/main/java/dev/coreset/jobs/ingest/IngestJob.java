package dev.coreset.jobs.ingest;

import static org.apache.spark.sql.functions.*;

import dev.coreset.jobs.io.AtomicTableWriter;
import dev.coreset.jobs.io.ReadFailures;
import dev.coreset.jobs.io.StageRecord;
import dev.coreset.jobs.io.StageSpec;
import dev.coreset.jobs.progress.ProgressListener;
import dev.coreset.jobs.validate.SamplesValidator;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.SparkSchemas;
import dev.coreset.schemas.TableInfo;
import dev.coreset.schemas.Tables;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns IDX, CSV or Parquet files into a samples table with stable ids, a val split and optional label noise. */
public final class IngestJob {
    private static final Logger LOG = LoggerFactory.getLogger(IngestJob.class);

    public enum Format { IDX, CSV, PARQUET }

    /** Every ingest parameter; recorded in the table's side file. */
    public record Options(Format format, Path trainImages, Path trainLabels, Path testImages, Path testLabels,
                          String input, String labelColumn, boolean header, String featuresColumn, String idColumn,
                          double valFraction, double labelNoise, long seed, int numClasses, String out,
                          boolean overwrite, double testFraction, long limit, NoiseKind noiseKind) {
        public Options {
            noiseKind = noiseKind == null ? NoiseKind.UNIFORM : noiseKind;
        }

        /** Uniform noise (the kind before --noise-kind existed). */
        public Options(Format format, Path trainImages, Path trainLabels, Path testImages, Path testLabels,
                       String input, String labelColumn, boolean header, String featuresColumn, String idColumn,
                       double valFraction, double labelNoise, long seed, int numClasses, String out,
                       boolean overwrite, double testFraction, long limit) {
            this(format, trainImages, trainLabels, testImages, testLabels, input, labelColumn, header, featuresColumn,
                    idColumn, valFraction, labelNoise, seed, numClasses, out, overwrite, testFraction, limit, null);
        }

        /** Without a test fraction (inputs with their own test file, or none). */
        public Options(Format format, Path trainImages, Path trainLabels, Path testImages, Path testLabels,
                       String input, String labelColumn, boolean header, String featuresColumn, String idColumn,
                       double valFraction, double labelNoise, long seed, int numClasses, String out,
                       boolean overwrite) {
            this(format, trainImages, trainLabels, testImages, testLabels, input, labelColumn, header, featuresColumn,
                    idColumn, valFraction, labelNoise, seed, numClasses, out, overwrite, 0, 0);
        }
    }

    /** What resume compares: the raw input files and every option but --overwrite. */
    public static final StageSpec STAGE = StageSpec.of("ingest", Options.class)
            .inputs("trainImages", "trainLabels", "testImages", "testLabels", "input").outputs("out");

    /** What was written, for the summary table. */
    public record Summary(long rows, int classes, int featureDim, Map<String, Long> splits, long noisy,
                          double seconds) {
    }

    private final SparkSession spark;

    public IngestJob(SparkSession spark) {
        this.spark = spark;
    }

    public Summary run(Options o) throws IOException {
        long start = System.nanoTime();
        checkOptions(o);
        AtomicTableWriter writer = new AtomicTableWriter(spark);
        writer.checkTarget(o.out(), o.overwrite());
        var conf = AtomicTableWriter.hadoopConf(spark);
        StageRecord stage = STAGE.record(o, conf);
        org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(o.out());
        org.apache.hadoop.fs.Path rawDir = new org.apache.hadoop.fs.Path(target.getParent(),
                target.getName() + ".ingest-tmp-" + UUID.randomUUID());
        try {
            String inputName;
            Dataset<Row> raw;
            if (o.format() == Format.PARQUET) {
                inputName = o.input();
                raw = readParquet(o);
            } else {
                inputName = o.format() == Format.IDX ? o.trainImages().toString() : o.input();
                stageDriverSources(o, new RawStager(conf, rawDir), inputName);
                raw = spark.read().parquet(rawDir.toString());
            }
            ProgressListener.stage(spark, "ingest: validate");
            SamplesValidator.Facts facts = SamplesValidator.check(raw, inputName, o.numClasses());
            ProgressListener.stage(spark, "ingest: split and write");
            Dataset<Row> samples = SplitAndNoise.assignValidation(
                    SplitAndNoise.assignTest(raw, o.testFraction(), o.seed()), o.valFraction(), o.seed());
            List<String> optional = new ArrayList<>(List.of(Tables.SOURCE));
            if (o.labelNoise() > 0) {
                samples = SplitAndNoise.injectNoise(samples, o.labelNoise(), facts.classes(), o.seed(), o.noiseKind());
                optional.add(Tables.CLEAN_LABEL);
            }
            StructType schema = SparkSchemas.structType(Tables.SAMPLES, optional);
            samples = samples.select(Arrays.stream(schema.fieldNames()).map(org.apache.spark.sql.functions::col).toArray(Column[]::new));
            samples = spark.createDataFrame(samples.rdd(), schema);

            // Split and noise counts in one narrow aggregate before writing, so the side file is complete when the
            // table is published (no write into the published directory afterwards).
            Column flipped = o.labelNoise() > 0
                    ? when(col(Tables.LABEL).notEqual(col(Tables.CLEAN_LABEL)), 1L).otherwise(0L) : lit(0L);
            Map<String, Long> splits = new TreeMap<>();
            long noisy = 0;
            for (Row r : samples.groupBy(Tables.SPLIT).agg(count(lit(1)), sum(flipped)).collectAsList()) {
                splits.put(r.getString(0), r.getLong(1));
                noisy += r.getLong(2);
            }
            TableInfo info = TableInfo.of(Tables.SAMPLES);
            info.rows = facts.rows();
            info.parameters = parameters(o);
            info.createdAt = Instant.now().toString();
            info.summary.put("classes", facts.classes());
            info.summary.put("featureDim", facts.featureDim());
            info.summary.put("splits", splits);
            info.summary.put("noisyTrainLabels", noisy);
            writer.write(samples, o.out(), o.overwrite(), Map.of(TableInfo.FILE_NAME, info, StageRecord.FILE_NAME, stage));
            return new Summary(facts.rows(), facts.classes(), facts.featureDim(), splits, noisy,
                    (System.nanoTime() - start) / 1e9);
        } finally {
            FileSystem fs = rawDir.getFileSystem(conf);
            fs.delete(rawDir, true);
        }
    }

    private static void checkOptions(Options o) {
        if (o.valFraction() < 0 || o.valFraction() >= 1) {
            throw new CoresetInputException("--val-fraction " + o.valFraction() + " is outside [0, 1); pass e.g. 0.1.");
        }
        if (o.limit() < 0) {
            throw new CoresetInputException("--limit " + o.limit() + " is negative; pass a row count, or 0 for all rows.");
        }
        if (o.limit() > 0 && o.format() == Format.PARQUET) {
            throw new CoresetInputException("--limit applies to idx and csv inputs; filter Parquet inputs before ingest.");
        }
        if (o.testFraction() < 0 || o.testFraction() >= 1) {
            throw new CoresetInputException("--test-fraction " + o.testFraction() + " is outside [0, 1); pass e.g. 0.2.");
        }
        if (o.testFraction() > 0 && o.testImages() != null) {
            throw new CoresetInputException("--test-fraction and --test-images both define the test split; pass one.");
        }
        if (o.labelNoise() < 0 || o.labelNoise() >= 1) {
            throw new CoresetInputException("--label-noise " + o.labelNoise() + " is outside [0, 1); pass e.g. 0.3.");
        }
        switch (o.format()) {
            case IDX -> {
                if (o.trainImages() == null || o.trainLabels() == null) {
                    throw new CoresetInputException("--format idx needs --train-images and --train-labels.");
                }
                if ((o.testImages() == null) != (o.testLabels() == null)) {
                    throw new CoresetInputException("--test-images and --test-labels go together; pass both or neither.");
                }
            }
            case CSV -> {
                if (o.input() == null || o.labelColumn() == null) {
                    throw new CoresetInputException("--format csv needs --input and --label-column.");
                }
            }
            case PARQUET -> {
                if (o.input() == null || o.labelColumn() == null || o.featuresColumn() == null) {
                    throw new CoresetInputException("--format parquet needs --input, --label-column and --features-column.");
                }
            }
        }
    }

    private void stageDriverSources(Options o, RawStager stager, String inputName) throws IOException {
        long rows = 0;
        if (o.format() == Format.IDX) {
            try (IdxSource train = new IdxSource(o.trainImages(), o.trainLabels())) {
                LOG.info("reading {} training images of {} pixels from {}", train.count(), train.featureCount(),
                        o.trainImages());
                rows += stager.stage(limited(train, o), 0, Tables.SPLIT_TRAIN, expected(train.count(), o));
            }
            if (o.testImages() != null) {
                try (IdxSource test = new IdxSource(o.testImages(), o.testLabels())) {
                    rows += stager.stage(limited(test, o), 1, Tables.SPLIT_TEST, expected(test.count(), o));
                }
            }
        } else {
            try (CsvSource csv = new CsvSource(Path.of(o.input()), o.labelColumn(), o.header())) {
                rows += stager.stage(limited(csv, o), 0, Tables.SPLIT_TRAIN, o.limit() > 0 ? o.limit() : -1);
            }
        }
        if (rows == 0) {
            throw new CoresetInputException(inputName + ": no rows; point to a non-empty input.");
        }
    }

    /** With --limit: only the first rows of each input file (trial runs on a slice of a large dataset). */
    private static RawSource limited(RawSource source, Options o) {
        if (o.limit() <= 0) {
            return source;
        }
        return new RawSource() {
            private long read;

            @Override
            public RawRow next() throws IOException {
                return read++ < o.limit() ? source.next() : null;
            }

            @Override
            public String name() {
                return source.name();
            }

            @Override
            public void close() throws IOException {
                source.close();
            }
        };
    }

    private static long expected(long count, Options o) {
        return o.limit() > 0 ? Math.min(count, o.limit()) : count;
    }

    /** Reads a user's Parquet data: label and features columns by name; ids from a column or from file positions. */
    private Dataset<Row> readParquet(Options o) {
        Dataset<Row> in;
        try {
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(o.input());
            if (!p.getFileSystem(AtomicTableWriter.hadoopConf(spark)).exists(p)) {
                throw new CoresetInputException(o.input() + ": no such file or directory; check --input.");
            }
            in = spark.read().parquet(o.input());
        } catch (CoresetInputException e) {
            throw e;
        } catch (Exception e) {
            CoresetInputException unreadable = ReadFailures.of(e, "re-create it or check --input");
            if (unreadable != null) {
                throw unreadable;
            }
            throw new CoresetInputException(o.input() + ": cannot read as Parquet (" + firstLine(e)
                    + "); check --input.", e);
        }
        StructType schema = in.schema();
        DataType labelType = fieldType(schema, o.labelColumn(), o.input(), "--label-column");
        if (!(labelType instanceof NumericType)) {
            throw new CoresetInputException(o.input() + ": label column '" + o.labelColumn() + "' has type "
                    + labelType.simpleString() + "; it must hold integer class indices 0..C-1.");
        }
        DataType featType = fieldType(schema, o.featuresColumn(), o.input(), "--features-column");
        Column features;
        if (featType instanceof ArrayType at && at.elementType() instanceof NumericType) {
            features = col(o.featuresColumn()).cast(DataTypes.createArrayType(DataTypes.FloatType));
        } else if (featType.typeName().equals("vector")) {
            features = org.apache.spark.ml.functions.vector_to_array(col(o.featuresColumn()), "float32");
        } else {
            throw new CoresetInputException(o.input() + ": features column '" + o.featuresColumn() + "' has type "
                    + featType.simpleString() + "; it must be an array of numbers or an ML vector.");
        }
        Column id;
        if (o.idColumn() != null) {
            DataType idType = fieldType(schema, o.idColumn(), o.input(), "--id-column");
            if (!(idType instanceof NumericType)) {
                throw new CoresetInputException(o.input() + ": id column '" + o.idColumn() + "' has type "
                        + idType.simpleString() + "; it must be an integer id.");
            }
            id = col(o.idColumn()).cast("long");
        } else {
            // Stable ids without an id column: the file's rank in name order, then the row's position in the file.
            List<String> files = in.select(col("_metadata.file_path")).distinct().orderBy("file_path")
                    .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
            Column ordinal = lit(-1L);
            for (int i = 0; i < files.size(); i++) {
                ordinal = when(col("_metadata.file_path").equalTo(files.get(i)), lit((long) i)).otherwise(ordinal);
            }
            id = shiftleft(ordinal, RawStager.ID_SHIFT).bitwiseOR(col("_metadata.row_index"));
        }
        Column label = col(o.labelColumn());
        Column labelInt = when(label.isNull(), lit(null))
                .when(label.cast("double").notEqual(floor(label.cast("double"))), lit(-1))
                .otherwise(label.cast("int"));
        return in.select(id.as(Tables.SAMPLE_ID), labelInt.as(Tables.LABEL), lit(Tables.SPLIT_TRAIN).as(Tables.SPLIT),
                features.as(Tables.FEATURES), element_at(split(col("_metadata.file_path"), "/"), -1).as(Tables.SOURCE));
    }

    private static DataType fieldType(StructType schema, String name, String path, String option) {
        if (!Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new CoresetInputException(path + ": no column '" + name + "' (columns: "
                    + String.join(", ", schema.fieldNames()) + "); fix " + option + ".");
        }
        return schema.apply(name).dataType();
    }

    private static Map<String, Object> parameters(Options o) {
        Map<String, Object> p = new TreeMap<>();
        p.put("format", o.format().name().toLowerCase());
        p.put("valFraction", o.valFraction());
        if (o.testFraction() > 0) {
            p.put("testFraction", o.testFraction());
        }
        if (o.limit() > 0) {
            p.put("limit", o.limit());
        }
        p.put("labelNoise", o.labelNoise());
        if (o.labelNoise() > 0) {
            p.put("noiseKind", o.noiseKind().cliName());
        }
        p.put("seed", o.seed());
        if (o.trainImages() != null) {
            p.put("trainImages", o.trainImages().toString());
            p.put("trainLabels", o.trainLabels().toString());
        }
        if (o.testImages() != null) {
            p.put("testImages", o.testImages().toString());
            p.put("testLabels", o.testLabels().toString());
        }
        if (o.input() != null) {
            p.put("input", o.input());
        }
        if (o.labelColumn() != null) {
            p.put("labelColumn", o.labelColumn());
        }
        if (o.featuresColumn() != null) {
            p.put("featuresColumn", o.featuresColumn());
        }
        if (o.idColumn() != null) {
            p.put("idColumn", o.idColumn());
        }
        return p;
    }

    private static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
