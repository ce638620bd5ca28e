package dev.coreset.jobs.ingest;

import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import dev.coreset.schemas.CoresetInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Streams a numeric CSV file (optionally gzipped): one column is the integer label, every other column
 * a feature. Parsed with univocity, the CSV parser Spark itself ships. Read on the driver through Hadoop's file
 * systems, so the file may be local or on HDFS / S3.
 */
public final class CsvSource implements RawSource {
    private final String file;
    private final CsvParser parser;
    private final int labelIndex;
    private long row;
    private long line;
    private int width = -1;

    public CsvSource(String file, Configuration conf, String labelColumn, boolean header) throws IOException {
        this.file = file;
        Path path = new Path(file);
        FileSystem fs = path.getFileSystem(conf);
        if (!fs.isFile(path)) {
            throw new CoresetInputException(file + ": no such file; check --input.");
        }
        CsvParserSettings settings = new CsvParserSettings();
        settings.setHeaderExtractionEnabled(false);
        settings.setMaxColumns(100_000);
        settings.setMaxCharsPerColumn(1 << 16);
        settings.setIgnoreLeadingWhitespaces(true);
        settings.setIgnoreTrailingWhitespaces(true);
        settings.setSkipEmptyLines(true);
        parser = new CsvParser(settings);
        InputStream in = fs.open(path, 1 << 16);
        if (path.getName().endsWith(".gz")) {
            in = new GZIPInputStream(in, 1 << 16);
        }
        parser.beginParsing(new InputStreamReader(in, StandardCharsets.UTF_8));
        String[] first = header ? parser.parseNext() : null;
        if (header) {
            line++;
        }
        labelIndex = resolveLabel(labelColumn, first);
    }

    private int resolveLabel(String labelColumn, String[] headerRow) {
        if (labelColumn.matches("-?\\d+")) {
            return Integer.parseInt(labelColumn);
        }
        if (headerRow == null) {
            throw new CoresetInputException(file + ": --label-column '" + labelColumn
                    + "' is a name but the file has no header; pass --header or a 0-based column index.");
        }
        int i = Arrays.asList(headerRow).indexOf(labelColumn);
        if (i < 0) {
            throw new CoresetInputException(file + ": no column named '" + labelColumn + "' in the header "
                    + Arrays.toString(headerRow) + "; pass one of those names or a 0-based index to --label-column.");
        }
        return i;
    }

    @Override
    public RawRow next() {
        String[] fields = parser.parseNext();
        if (fields == null) {
            return null;
        }
        line++;
        int label = labelIndex < 0 ? fields.length + labelIndex : labelIndex;
        if (label < 0 || label >= fields.length) {
            throw new CoresetInputException(file + ": line " + line + " has " + fields.length
                    + " columns, no label column " + labelIndex + "; check --label-column.");
        }
        if (width >= 0 && fields.length != width) {
            throw new CoresetInputException(file + ": line " + line + " has " + fields.length + " columns but earlier lines have "
                    + width + "; every row needs the same number of features: fix the file.");
        }
        width = fields.length;
        float[] features = new float[fields.length - 1];
        int j = 0;
        for (int i = 0; i < fields.length; i++) {
            if (i != label) {
                features[j++] = parseFloat(fields[i], i);
            }
        }
        return new RawRow(row++, parseLabel(fields[label], label), features);
    }

    private float parseFloat(String s, int column) {
        try {
            return Float.parseFloat(s);
        } catch (NumberFormatException | NullPointerException e) {
            throw new CoresetInputException(file + ": line " + line + ", column " + column + ": '" + s
                    + "' is not a number; features must be numeric: clean the file or drop the column.");
        }
    }

    private int parseLabel(String s, int column) {
        try {
            double v = Double.parseDouble(s);
            if (v != Math.rint(v) || v < 0 || v > Integer.MAX_VALUE) {
                throw new NumberFormatException();
            }
            return (int) v;
        } catch (NumberFormatException | NullPointerException e) {
            throw new CoresetInputException(file + ": line " + line + ", label column " + column + ": '" + s
                    + "' is not a class index 0..C-1; map class names to integers first.");
        }
    }

    @Override
    public String name() {
        return new Path(file).getName();
    }

    @Override
    public void close() {
        parser.stopParsing();
    }
}
