package dev.coreset.scoring.train.crest;

import dev.coreset.schemas.CoresetInputException;
import dev.coreset.scoring.model.ModelSpec;
import dev.coreset.scoring.train.CloseableIterator;
import dev.coreset.scoring.train.LabeledRow;
import dev.coreset.scoring.train.ProxyTrainer;
import dev.coreset.scoring.train.RowSource;
import java.util.ArrayList;
import java.util.List;

/**
 * CREST draws random subsets from the whole training set at every selection, so it needs random access: the
 * train rows are held in memory (features x 4 bytes + ~48 bytes a row), up to a bound; a larger split is refused
 * with the option to raise. The rows are the source's objects (a cached source is not copied again).
 */
final class InMemoryRows {
    private InMemoryRows() {
    }

    static List<LabeledRow> load(RowSource source, ModelSpec spec, long maxBytes) {
        List<LabeledRow> rows = new ArrayList<>();
        long bytes = 0;
        try (CloseableIterator<LabeledRow> it = source.open(0)) {
            while (it.hasNext()) {
                LabeledRow row = it.next();
                ProxyTrainer.checkRow(row, spec, "training");
                bytes += 4L * row.features().length + 48;
                if (bytes > maxBytes) {
                    throw new CoresetInputException("--crest holds the train split in memory, but it is larger than"
                            + " the bound of " + (maxBytes >> 20) + " MB; raise --cache-mb (and the heap, JAVA_OPTS=-Xmx...).");
                }
                rows.add(row);
            }
        }
        if (rows.isEmpty()) {
            throw new CoresetInputException("the training split has no rows; nothing to train CREST on.");
        }
        return rows;
    }
}
