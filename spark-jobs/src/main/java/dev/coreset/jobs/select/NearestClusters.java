package dev.coreset.jobs.select;

import dev.coreset.selection.assign.NearestCenterAssigner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;

/**
 * GreeDi's k-means parts, map side: every row of a partition with the index of its class's nearest center appended
 * (0 for a class without centers, i.e. one part). Catalyst rows in and out, the embedding read as a float array, and
 * up to {@value #BATCH} rows of a class assigned in one blocked call: a UDF got each embedding as boxed floats, one
 * row per kernel call. Same centers, same kernel arithmetic row by row, so the same clusters.
 */
final class NearestClusters implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
    /** Rows buffered per partition: their copies, about 300 KB at 64 dimensions. */
    static final int BATCH = 1024;

    private final Broadcast<Map<Integer, GreeDiParts.Centers>> centers;
    private final int labelOrdinal;
    private final int embeddingOrdinal;

    NearestClusters(Broadcast<Map<Integer, GreeDiParts.Centers>> centers, int labelOrdinal, int embeddingOrdinal) {
        this.centers = centers;
        this.labelOrdinal = labelOrdinal;
        this.embeddingOrdinal = embeddingOrdinal;
    }

    @Override
    public Iterator<InternalRow> call(Iterator<InternalRow> rows) {
        Map<Integer, NearestCenterAssigner> assigners = new HashMap<>();
        return new Iterator<>() {
            private final List<InternalRow> batch = new ArrayList<>(BATCH);
            private final int[] cluster = new int[BATCH];
            private int next;

            @Override
            public boolean hasNext() {
                if (next < batch.size()) {
                    return true;
                }
                fill();
                return !batch.isEmpty();
            }

            @Override
            public InternalRow next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                InternalRow out = new JoinedRow(batch.get(next), new GenericInternalRow(new Object[] {cluster[next]}));
                next++;
                return out;
            }

            /** The next rows (copied: the scan reuses its row) and their clusters, class by class. */
            private void fill() {
                batch.clear();
                next = 0;
                while (batch.size() < BATCH && rows.hasNext()) {
                    batch.add(rows.next().copy());
                }
                Map<Integer, List<Integer>> byLabel = new HashMap<>();
                for (int i = 0; i < batch.size(); i++) {
                    byLabel.computeIfAbsent(batch.get(i).getInt(labelOrdinal), x -> new ArrayList<>()).add(i);
                }
                for (var e : byLabel.entrySet()) {
                    GreeDiParts.Centers c = centers.value().get(e.getKey());
                    List<Integer> at = e.getValue();
                    if (c == null) {
                        for (int i : at) {
                            cluster[i] = 0;
                        }
                        continue;
                    }
                    NearestCenterAssigner a = assigners.computeIfAbsent(e.getKey(),
                            x -> new NearestCenterAssigner(c.rows(), c.k(), c.d()));
                    float[] block = new float[at.size() * c.d()];
                    for (int j = 0; j < at.size(); j++) {
                        float[] v = batch.get(at.get(j)).getArray(embeddingOrdinal).toFloatArray();
                        System.arraycopy(v, 0, block, j * c.d(), c.d());
                    }
                    int[] idx = new int[at.size()];
                    a.assign(block, at.size(), idx, new double[at.size()]);
                    for (int j = 0; j < at.size(); j++) {
                        cluster[at.get(j)] = idx[j];
                    }
                }
            }
        };
    }
}
