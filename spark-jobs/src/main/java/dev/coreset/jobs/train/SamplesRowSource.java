package dev.coreset.jobs.train;

import dev.coreset.schemas.SamplesReader;
import dev.coreset.scoring.train.CloseableIterator;
import dev.coreset.scoring.train.LabeledRow;
import dev.coreset.scoring.train.RowSource;

/** Feeds the DJL trainer from a samples table, streaming (one Parquet row group in memory); the trainer shuffles. */
public final class SamplesRowSource implements RowSource {
    private final SamplesReader reader;

    public SamplesRowSource(SamplesReader reader) {
        this.reader = reader;
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
                return new LabeledRow(s.sampleId(), s.label(), s.features());
            }

            @Override
            public void close() {
                rows.close();
            }
        };
    }
}
