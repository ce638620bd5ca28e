package dev.coreset.jobs.ingest;

import static org.apache.spark.sql.functions.*;

import dev.coreset.jobs.image.ImageCheck;
import dev.coreset.jobs.image.ImageDecoding;
import dev.coreset.jobs.image.ImageFolder;
import dev.coreset.jobs.io.AtomicTableWriter;
import dev.coreset.jobs.io.ReadFailures;
import dev.coreset.jobs.io.StageRecord;
import dev.coreset.jobs.io.StageSpec;
import dev.coreset.jobs.progress.ProgressListener;
import dev.coreset.jobs.validate.SamplesValidator;
import dev.coreset.schemas.AtomicPublisher;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.SparkSchemas;
import dev.coreset.schemas.TableInfo;
import dev.coreset.schemas.Tables;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns IDX, CSV, Parquet files or a class-folder tree of images into a samples table with stable ids, a val split
 * and optional label noise. Images stay encoded in the table (column image); how they decode is recorded with it.
 */
public final class IngestJob {
    private static final Logger LOG = LoggerFactory.getLogger(IngestJob.class);

    public enum Format { IDX, CSV, PARQUET, IMAGES }

    /** Every ingest parameter; recorded in the table's side file. */
    public record Options(Format format, String trainImages, String trainLabels, String testImages, String testLabels,
                          String input, String labelColumn, boolean header, String featuresColumn, String idColumn,
                          double valFraction, double labelNoise, long seed, int numClasses, String out,
                          boolean overwrite, double testFraction, long limit, NoiseKind noiseKind,
                          ImageOptions images, TokenOptions tokens) {
        public Options {
            noiseKind = noiseKind == null ? NoiseKind.UNIFORM : noiseKind;
        }

        /** Without token options. */
        public Options(Format format, String trainImages, String trainLabels, String testImages, String testLabels,
                       String input, String labelColumn, boolean header, String featuresColumn, String idColumn,
                       double valFraction, double labelNoise, long seed, int numClasses, String out,
                       boolean overwrite, double testFraction, long limit, NoiseKind noiseKind, ImageOptions images) {
            this(format, trainImages, trainLabels, testImages, testLabels, input, labelColumn, header, featuresColumn,
                    idColumn, valFraction, labelNoise, seed, numClasses, out, overwrite, testFraction, limit, noiseKind,
                    images, null);
        }

        /** Whether the rows are token ids: a Parquet input with --tokens-column. */
        public boolean tokenInput() {
            return tokens != null && tokens.tokensColumn() != null;
        }

        /** Without image options. */
        public Options(Format format, String trainImages, String trainLabels, String testImages, String testLabels,
                       String input, String labelColumn, boolean header, String featuresColumn, String idColumn,
                       double valFraction, double labelNoise, long seed, int numClasses, String out,
                       boolean overwrite, double testFraction, long limit, NoiseKind noiseKind) {
            this(format, trainImages, trainLabels, testImages, testLabels, input, labelColumn, header, featuresColumn,
                    idColumn, valFraction, labelNoise, seed, numClasses, out, overwrite, testFraction, limit, noiseKind,
                    (ImageOptions) null);
        }

        /** Whether the rows are encoded images: an image folder, or a Parquet input with --image-column. */
        public boolean imageInput() {
            return format == Format.IMAGES || (images != null && images.imageColumn() != null);
        }

        /** The image options, empty when none were given. */
        public ImageOptions imageOptions() {
            return images != null ? images : new ImageOptions(null, null, null, null, null, false);
        }

        /** Uniform noise (the kind before --noise-kind existed). */
        public Options(Format format, String trainImages, String trainLabels, String testImages, String testLabels,
                       String input, String labelColumn, boolean header, String featuresColumn, String idColumn,
                       double valFraction, double labelNoise, long seed, int numClasses, String out,
                       boolean overwrite, double testFraction, long limit) {
            this(format, trainImages, trainLabels, testImages, testLabels, input, labelColumn, header, featuresColumn,
                    idColumn, valFraction, labelNoise, seed, numClasses, out, overwrite, testFraction, limit,
                    (NoiseKind) null);
        }

        /** Without a test fraction (inputs with their own test file, or none). */
        public Options(Format format, String trainImages, String trainLabels, String testImages, String testLabels,
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

    /** What was written, for the summary table; {@code skippedImages}: undecodable images left out. */
    public record Summary(long rows, int classes, int featureDim, Map<String, Long> splits, long noisy,
                          double seconds, long skippedImages) {
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
        // The raw rows before validation live in a staging directory of the output: owned, removed on a signal,
        // and by a later run if this one is killed outright.
        AtomicPublisher publisher = new AtomicPublisher(conf);
        org.apache.hadoop.fs.Path rawDir = publisher.createStaging(target);
        try {
            String inputName;
            Dataset<Row> raw;
            ImageFolder folder = null;
            if (o.format() == Format.PARQUET) {
                inputName = o.input();
                raw = readParquet(o);
            } else if (o.format() == Format.IMAGES) {
                inputName = o.input();
                folder = ImageFolder.list(o.input(), conf);
                if (o.testFraction() > 0 && !folder.test().isEmpty()) {
                    throw new CoresetInputException("--test-fraction and " + o.input() + "/test both define the test"
                            + " split; pass one.");
                }
                ImageIngest.stageFolder(folder, new RawStager(conf, rawDir), conf, o.limit());
                raw = spark.read().parquet(rawDir.toString());
            } else {
                inputName = o.format() == Format.IDX ? o.trainImages() : o.input();
                stageDriverSources(o, new RawStager(conf, rawDir), inputName);
                raw = spark.read().parquet(rawDir.toString());
            }
            ImageDecoding decoding = null;
            long skippedImages = 0;
            if (o.imageInput()) {
                ProgressListener.stage(spark, "ingest: decode every image once");
                ImageCheck.Result checked = ImageCheck.run(raw, badImageName(o), o.imageOptions().skipBadImages());
                raw = checked.rows();
                skippedImages = checked.skipped();
            }
            ProgressListener.stage(spark, "ingest: validate");
            int numClasses = o.numClasses() == 0 && folder != null ? folder.classes().size() : o.numClasses();
            SamplesValidator.Facts facts = SamplesValidator.check(raw, inputName, numClasses);
            if (o.imageInput()) {
                decoding = ImageIngest.decoding(raw, o.imageOptions(), inputName);
                facts = new SamplesValidator.Facts(facts.rows(), facts.classes(), decoding.featureDim());
            }
            ProgressListener.stage(spark, "ingest: split and write");
            Dataset<Row> samples = SplitAndNoise.assignValidation(
                    SplitAndNoise.assignTest(raw, o.testFraction(), o.seed()), o.valFraction(), o.seed());
            List<String> optional = new ArrayList<>(List.of(o.imageInput() ? Tables.IMAGE
                    : o.tokenInput() ? Tables.TOKENS : Tables.FEATURES, Tables.SOURCE));
            if (o.labelNoise() > 0) {
                samples = SplitAndNoise.injectNoise(samples, o.labelNoise(), facts.classes(), o.seed(), o.noiseKind());
                optional.add(Tables.CLEAN_LABEL);
            }
            StructType schema = SparkSchemas.structType(Tables.SAMPLES, optional);
            samples = dev.coreset.jobs.io.ContractRows.under(samples, schema);

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
            if (decoding != null) {
                info.summary.put(ImageDecoding.SUMMARY_KEY, decoding.toSummary());
                info.summary.put("skippedImages", skippedImages);
            }
            if (folder != null) {
                info.summary.put("classNames", folder.classes());
            }
            if (o.tokenInput()) {
                info.summary.put(TokenOptions.SUMMARY_KEY, Map.of("length", facts.featureDim(), "padId",
                        o.tokens().padId()));
            }
            writer.write(samples, o.out(), o.overwrite(), Map.of(TableInfo.FILE_NAME, info, StageRecord.FILE_NAME, stage));
            return new Summary(facts.rows(), facts.classes(), facts.featureDim(), splits, noisy,
                    (System.nanoTime() - start) / 1e9, skippedImages);
        } finally {
            publisher.discard(rawDir);
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
            throw new CoresetInputException("--limit applies to idx, csv and images inputs; filter Parquet inputs before ingest.");
        }
        if (o.imageOptions().anyGiven() && !o.imageInput()) {
            throw new CoresetInputException("--image-size, --channels, --mean, --std and --skip-bad-images apply to"
                    + " images: use --format images, or --format parquet with --image-column.");
        }
        if (o.imageOptions().imageColumn() != null && o.format() != Format.PARQUET) {
            throw new CoresetInputException("--image-column names a column of a Parquet input; use --format parquet,"
                    + " or --format images for a folder of image files.");
        }
        if (o.tokens() != null) {
            o.tokens().check(o.format() == Format.PARQUET, o.imageInput());
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
                int inputs = (o.featuresColumn() != null ? 1 : 0) + (o.imageOptions().imageColumn() != null ? 1 : 0)
                        + (o.tokenInput() ? 1 : 0);
                if (o.input() == null || o.labelColumn() == null || inputs != 1) {
                    throw new CoresetInputException("--format parquet needs --input, --label-column and one of"
                            + " --features-column, --image-column or --tokens-column.");
                }
            }
            case IMAGES -> {
                if (o.input() == null) {
                    throw new CoresetInputException("--format images needs --input DIR: one folder per class"
                            + " (DIR/<class>/*.png|jpg), or DIR/train/<class>/ and DIR/test/<class>/.");
                }
                if (o.labelColumn() != null || o.featuresColumn() != null || o.idColumn() != null) {
                    throw new CoresetInputException("--format images takes its labels from the class folders and its"
                            + " ids from the files' order; drop --label-column, --features-column and --id-column.");
                }
            }
        }
    }

    private void stageDriverSources(Options o, RawStager stager, String inputName) throws IOException {
        long rows = 0;
        if (o.format() == Format.IDX) {
            try (IdxSource train = new IdxSource(o.trainImages(), o.trainLabels(), AtomicTableWriter.hadoopConf(spark))) {
                LOG.info("reading {} training images of {} pixels from {}", train.count(), train.featureCount(),
                        o.trainImages());
                rows += stager.stage(limited(train, o), 0, Tables.SPLIT_TRAIN, expected(train.count(), o));
            }
            if (o.testImages() != null) {
                try (IdxSource test = new IdxSource(o.testImages(), o.testLabels(), AtomicTableWriter.hadoopConf(spark))) {
                    rows += stager.stage(limited(test, o), 1, Tables.SPLIT_TEST, expected(test.count(), o));
                }
            }
        } else {
            try (CsvSource csv = new CsvSource(o.input(), AtomicTableWriter.hadoopConf(spark), o.labelColumn(),
                    o.header())) {
                rows += stager.stage(limited(csv, o), 0, Tables.SPLIT_TRAIN, o.limit() > 0 ? o.limit() : -1);
            }
        }
        if (rows == 0) {
            throw new CoresetInputException(inputName + ": no rows; point to a non-empty input.");
        }
    }

    /** With --limit: only the first rows of each input file (trial runs on a slice of a large dataset). */
    private static RawSource limited(RawSource source, Options o) {
        return LimitedSource.of(source, o.limit());
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
        Column fileName = element_at(split(col("_metadata.file_path"), "/"), -1);
        Column features;
        Column source = fileName;
        String inputColumn = Tables.FEATURES;
        String imageColumn = o.imageOptions().imageColumn();
        String tokensColumn = o.tokenInput() ? o.tokens().tokensColumn() : null;
        DataType featType = imageColumn != null ? fieldType(schema, imageColumn, o.input(), "--image-column")
                : tokensColumn != null ? fieldType(schema, tokensColumn, o.input(), "--tokens-column")
                : fieldType(schema, o.featuresColumn(), o.input(), "--features-column");
        if (tokensColumn != null) {
            inputColumn = Tables.TOKENS;
            features = TokenIngest.tokens(schema, o.tokens(), featType, o.input());
        } else if (imageColumn != null) {
            inputColumn = Tables.IMAGE;
            if (featType.equals(DataTypes.BinaryType)) {
                features = col(imageColumn);
            } else if (featType instanceof StructType st && hasField(st, "bytes", DataTypes.BinaryType)) {
                // The Hugging Face Image layout: struct<bytes: binary, path: string>; the path names the image.
                features = col(imageColumn + ".bytes");
                if (hasField(st, "path", DataTypes.StringType)) {
                    source = coalesce(col(imageColumn + ".path"), fileName);
                }
            } else {
                throw new CoresetInputException(o.input() + ": image column '" + imageColumn + "' has type "
                        + featType.simpleString() + "; --image-column takes binary (encoded PNG/JPEG bytes) or a"
                        + " struct with a binary 'bytes' field (the Hugging Face Image layout).");
            }
        } else if (featType instanceof ArrayType at && at.elementType() instanceof NumericType) {
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
                features.as(inputColumn), source.as(Tables.SOURCE));
    }

    private static boolean hasField(StructType struct, String name, DataType type) {
        for (StructField f : struct.fields()) {
            if (f.name().equals(name) && f.dataType().equals(type)) {
                return true;
            }
        }
        return false;
    }

    /** Names an undecodable image in the error: the file of an image folder, or the row of a Parquet input. */
    private static java.util.function.Function<Row, String> badImageName(Options o) {
        String input = o.input();
        if (o.format() == Format.IMAGES) {
            return r -> input + "/" + r.getString(1);
        }
        String column = o.imageOptions().imageColumn();
        return r -> input + ": sample_id " + r.getLong(0) + " (file " + r.getString(1) + "), column '" + column + "'";
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
        if (o.tokenInput()) {
            p.put("tokensColumn", o.tokens().tokensColumn());
            if (o.tokens().lengthColumn() != null) {
                p.put("lengthColumn", o.tokens().lengthColumn());
            }
            p.put("padId", o.tokens().padId());
        }
        p.put("labelNoise", o.labelNoise());
        if (o.labelNoise() > 0) {
            p.put("noiseKind", o.noiseKind().cliName());
        }
        p.put("seed", o.seed());
        if (o.trainImages() != null) {
            p.put("trainImages", o.trainImages());
            p.put("trainLabels", o.trainLabels());
        }
        if (o.testImages() != null) {
            p.put("testImages", o.testImages());
            p.put("testLabels", o.testLabels());
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
        ImageOptions images = o.imageOptions();
        if (images.imageColumn() != null) {
            p.put("imageColumn", images.imageColumn());
        }
        if (o.imageInput()) {
            p.put("imageSize", images.imageSize());
            p.put("channels", images.channels());
            p.put("mean", images.mean());
            p.put("std", images.std());
            p.put("skipBadImages", images.skipBadImages());
        }
        return p;
    }

    private static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
