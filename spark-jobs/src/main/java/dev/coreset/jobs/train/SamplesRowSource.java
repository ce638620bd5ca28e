package dev.coreset.jobs.train;

import dev.coreset.jobs.image.ImageDecoder;
import dev.coreset.jobs.image.ImageDecoding;
import dev.coreset.jobs.image.UndecodableImageException;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.SamplesReader;
import dev.coreset.scoring.train.CloseableIterator;
import dev.coreset.scoring.train.LabeledRow;
import dev.coreset.scoring.train.RowSource;

/**
 * Feeds the DJL trainer from a samples table, streaming (one Parquet row group in memory); the trainer shuffles.
 * A table of encoded images is decoded here, row by row, as the table's side file says (the same decoding as the
 * score job's), so the trainer sees floats either way.
 */
public final class SamplesRowSource implements RowSource {
    private final SamplesReader reader;
    private final ImageDecoder decoder;
    private final String table;

    /** A table of features. */
    public SamplesRowSource(SamplesReader reader) {
        this(reader, null, null);
    }

    /**
     * @param image how the table's images decode (null for a table of features)
     * @param table the table's path, named in errors
     */
    public SamplesRowSource(SamplesReader reader, ImageDecoding image, String table) {
        this.reader = reader;
        this.decoder = image == null ? null : new ImageDecoder(image);
        this.table = table;
    }

    @Override
    public CloseableIterator<LabeledRow> open(long epochSeed) {
        SamplesReader.Rows rows = reader.open();
        return new CloseableIterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public LabeledRow next() {
                SamplesReader.Sample s = rows.next();
                return new LabeledRow(s.sampleId(), s.label(), s.image() == null ? s.features() : decode(s));
            }

            @Override
            public void close() {
                rows.close();
            }
        };
    }

    private float[] decode(SamplesReader.Sample s) {
        if (decoder == null) {
            throw new CoresetInputException(table + ": holds images but its " + dev.coreset.schemas.TableInfo.FILE_NAME
                    + " has no summary.image saying how to decode them; re-run ingest.");
        }
        try {
            return decoder.decode(s.image());
        } catch (UndecodableImageException e) {
            throw new CoresetInputException(table + ": the image of sample_id " + s.sampleId() + " does not decode ("
                    + e.getMessage() + "); re-ingest the table.", e);
        }
    }
}
