package dev.coreset.jobs.cli;

import dev.coreset.jobs.ingest.IngestJob;
import dev.coreset.jobs.io.AtomicTableWriter;
import dev.coreset.jobs.io.ResumeGuard;
import dev.coreset.jobs.ingest.ImageOptions;
import dev.coreset.jobs.ingest.TokenOptions;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {"Read IDX, CSV, Parquet data or a folder of images into a samples table (sample_id, label,"
                + " split, features or image).",
                "Ids are stable: the same files give the same ids. The val split is stratified and seeded.",
                "Images (--format images, or --image-column) stay encoded in the table; train and score decode them"
                        + " as --image-size, --channels, --mean and --std say (recorded with the table)."})
public final class IngestCommand implements Callable<Integer> {
    @Option(names = "--format", required = true, description = "idx | csv | parquet | images")
    String format;

    @Option(names = "--train-images", description = "IDX images of the training set (.gz or plain; a local, hdfs:// or s3a:// path).")
    String trainImages;
    @Option(names = "--train-labels", description = "IDX labels of the training set.")
    String trainLabels;
    @Option(names = "--test-images", description = "IDX images kept as the test split.")
    String testImages;
    @Option(names = "--test-labels", description = "IDX labels of the test split.")
    String testLabels;

    @Option(names = "--input", description = "CSV file (csv), Parquet file/directory (parquet), or a folder of"
            + " class folders DIR/<class>/*.png|jpg|jpeg, or DIR/train/<class>/ plus DIR/test/<class>/ (images).")
    String input;
    @Option(names = "--label-column", description = "Label column: a name, or a 0-based index for CSV (-1 = last).")
    String labelColumn;
    @Option(names = "--header", description = "The CSV file starts with a header line.")
    boolean header;
    @Option(names = "--features-column", description = "Parquet column holding the feature array or ML vector.")
    String featuresColumn;
    @Option(names = "--id-column", description = "Parquet column with unique integer ids (default: file and row position).")
    String idColumn;
    @Option(names = "--image-column", description = "Parquet column of encoded images (PNG/JPEG): binary, or a struct"
            + " with a binary 'bytes' field (and a 'path'), the Hugging Face layout; instead of --features-column.")
    String imageColumn;
    @Option(names = "--image-size", split = ",", description = "Images: H,W every image is resized to when used"
            + " (bilinear; default: the first image's size).")
    List<Integer> imageSize;
    @Option(names = "--channels", description = "Images: gray | rgb (gray from colour is 0.299 R + 0.587 G + 0.114 B;"
            + " default: as the first image).")
    String channels;
    @Option(names = "--mean", split = ",", description = "Images: per-channel mean subtracted from pixels in [0, 1]"
            + " (one value, or one per channel; default 0).")
    List<Double> mean;
    @Option(names = "--std", split = ",", description = "Images: per-channel std that pixels are divided by after the"
            + " mean (default 1).")
    List<Double> std;
    @Option(names = "--skip-bad-images", description = "Images: leave undecodable images out (counted in the summary)"
            + " instead of refusing the input.")
    boolean skipBadImages;
    @Option(names = "--tokens-column", description = "Parquet: a column of token ids (array of integers) per row: text"
            + " samples, scored by a TorchScript/ONNX text model as int64 [N, L] (L = the longest row).")
    String tokensColumn;
    @Option(names = "--length-column", description = "Parquet with --tokens-column: each row's token count; ids past it"
            + " are padding and dropped.")
    String lengthColumn;
    @Option(names = "--pad-id", defaultValue = "0", description = "Token id that pads rows to the longest where they are"
            + " scored (default ${DEFAULT-VALUE}).")
    int padId;

    @Option(names = "--val-fraction", defaultValue = "0.1", description = "Fraction of each class's train rows moved to the val split (default ${DEFAULT-VALUE}).")
    double valFraction;
    @Option(names = "--test-fraction", defaultValue = "0", description = "Fraction of each class's rows moved to the test"
            + " split, for inputs without a separate test file (default ${DEFAULT-VALUE}).")
    double testFraction;
    @Option(names = "--limit", defaultValue = "0", description = "Read only the first N rows of each input file (idx, csv);"
            + " 0 = all (default).")
    long limit;
    @Option(names = "--label-noise", defaultValue = "0", description = "Fraction of train labels flipped to another class (seeded); keeps clean_label.")
    double labelNoise;
    @Option(names = "--noise-kind", defaultValue = "uniform", description = "uniform: a flipped label becomes any other"
            + " class; pair: class c becomes c + 1 mod C (class-conditional noise) (default ${DEFAULT-VALUE}).")
    String noiseKind;
    @Option(names = "--num-classes", defaultValue = "0", description = "Expected class count (default: max label + 1).")
    int numClasses;
    @Option(names = "--seed", defaultValue = "42", description = "Seed for the val split and label noise (default ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--out", required = true, description = "Output samples table directory.")
    String out;
    @Option(names = "--overwrite", description = "Replace an existing output.")
    boolean overwrite;

    @Mixin
    SparkOptions sparkOptions;

    @Override
    public Integer call() throws Exception {
        IngestJob.Format f;
        try {
            f = IngestJob.Format.valueOf(format.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new dev.coreset.schemas.CoresetInputException("--format " + format + " is unknown; use idx, csv, parquet"
                    + " or images.");
        }
        SparkSession spark = sparkOptions.session();
        IngestJob.Options options = new IngestJob.Options(f, trainImages, trainLabels, testImages, testLabels, input,
                labelColumn, header, featuresColumn, idColumn, valFraction, labelNoise, seed, numClasses, out, overwrite,
                testFraction, limit, dev.coreset.jobs.ingest.NoiseKind.parse(noiseKind),
                new ImageOptions(imageColumn, imageSize, channels, mean, std, skipBadImages),
                tokensColumn == null && lengthColumn == null ? null : new TokenOptions(tokensColumn, lengthColumn, padId));
        var conf = AtomicTableWriter.hadoopConf(spark);
        if (ResumeGuard.skipIfCurrent(IngestJob.STAGE.record(options, conf), overwrite, conf)) {
            return 0;
        }
        IngestJob.Summary s = new IngestJob(spark).run(options);
        TextTable table = new TextTable("split", "rows");
        s.splits().forEach(table::row);
        System.out.printf(Locale.ROOT, "ingested %d samples, %d classes, %d features -> %s (%.1f s)%n", s.rows(),
                s.classes(), s.featureDim(), out, s.seconds());
        System.out.print(table);
        if (s.skippedImages() > 0) {
            System.out.printf(Locale.ROOT, "skipped %d undecodable images (--skip-bad-images)%n", s.skippedImages());
        }
        if (labelNoise > 0) {
            long train = s.splits().getOrDefault("train", 0L);
            System.out.printf(Locale.ROOT, "label noise (%s): %d of %d train labels flipped (%.2f%%, asked %.2f%%)%n",
                    noiseKind, s.noisy(), train, 100.0 * s.noisy() / Math.max(1, train), 100 * labelNoise);
        }
        return 0;
    }
}
