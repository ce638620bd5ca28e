package dev.coreset.jobs.cld;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.junit.jupiter.api.Test;

/**
 * The partitions DynamicsBuilder streams are sorted by sample_id only (issue 21), so a sample's rows come in any
 * checkpoint order: PerSample must give the row it gives for checkpoint order, and still refuse a sample whose
 * rows repeat one checkpoint and miss another (as many rows as checkpoints). The rows go through the shuffle's
 * packing first ({@link TrajectoryPieces}), so the tests also check that however a sample's rows are split into
 * pieces (by the open-samples bound or by input tasks) its dynamics are the same. No Spark job: Catalyst rows.
 */
class PerSampleOrderTest {
    private static final int[] CHECKPOINTS = {0, 2, 5, 9};
    private static final boolean[] WINDOW = {false, true, true, true};

    /**
     * sample_id, label, checkpoint, loss, correct, el2n, margin, embedding (3 classes), as the sorted scan gives
     * them: Catalyst rows, the array in Spark's own layout.
     */
    private static InternalRow row(long id, int label, int checkpoint, Random rnd) {
        float loss = 0.1f + rnd.nextFloat();
        float[] embedding = {rnd.nextFloat() - 0.5f, rnd.nextFloat() - 0.5f, rnd.nextFloat() - 0.5f};
        return new GenericInternalRow(new Object[] {id, label, checkpoint, loss, rnd.nextBoolean(), rnd.nextFloat(),
                0.5f - loss, UnsafeArrayData.fromPrimitiveArray(embedding)});
    }

    /** The rows packed as one task would pack them (open samples up to openBytes), then unpacked per sample. */
    private static List<InternalRow> run(List<InternalRow> rows, long openBytes) {
        List<InternalRow> pieces = pieces(rows, openBytes);
        // The shuffle's sort is by sample_id only: pieces of one sample come in any order.
        pieces.sort(java.util.Comparator.comparingLong(r -> r.getLong(0)));
        return perSample(pieces);
    }

    private static List<InternalRow> run(List<InternalRow> rows) {
        return run(rows, TrajectoryPieces.OPEN_BYTES);
    }

    private static List<InternalRow> pieces(List<InternalRow> rows, long openBytes) {
        List<InternalRow> pieces = new ArrayList<>();
        new TrajectoryPieces(CHECKPOINTS.length, new int[] {2, 5, 9}, openBytes).call(rows.iterator())
                .forEachRemaining(pieces::add);
        return pieces;
    }

    private static List<InternalRow> perSample(List<InternalRow> pieces) {
        DynamicsBuilder.PerSample f = new DynamicsBuilder.PerSample(Map.of(1, new double[] {2.0, 1.5, 0.9, 0.4}),
                CHECKPOINTS, WINDOW, 2, 2, true);
        List<InternalRow> out = new ArrayList<>();
        for (Iterator<InternalRow> it = f.call(pieces.iterator()); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }

    private static String show(InternalRow r) {
        StringBuilder b = new StringBuilder();
        for (Object v : ((GenericInternalRow) r).values()) {
            b.append(v instanceof ArrayData a ? Arrays.toString(a.toFloatArray()) : String.valueOf(v)).append(' ');
        }
        return b.toString();
    }

    @Test
    void anyCheckpointOrderGivesTheSortedResult() {
        Random rnd = new Random(7);
        List<InternalRow> sorted = new ArrayList<>();
        for (long id = 10; id < 14; id++) {
            for (int c : CHECKPOINTS) {
                sorted.add(row(id, 1, c, rnd));
            }
        }
        List<String> expected = run(sorted).stream().map(PerSampleOrderTest::show).toList();
        assertEquals(4, expected.size());
        for (int seed = 0; seed < 5; seed++) {
            List<InternalRow> shuffled = new ArrayList<>();
            for (int s = 0; s < 4; s++) {
                List<InternalRow> one = new ArrayList<>(sorted.subList(s * 4, s * 4 + 4));
                Collections.shuffle(one, new Random(seed));
                shuffled.addAll(one);
            }
            assertEquals(expected, run(shuffled).stream().map(PerSampleOrderTest::show).toList(), "seed " + seed);
        }
        for (InternalRow r : run(sorted)) {
            assertEquals(DynamicsBuilder.OK, r.getInt(r.numFields() - 1));
            assertEquals(3, r.getArray(r.numFields() - 3).numElements(), "mean probabilities of 3 classes");
        }
    }

    @Test
    void aRepeatedCheckpointInPlaceOfAMissingOneIsWrongRows() {
        Random rnd = new Random(3);
        List<InternalRow> rows = List.of(row(4, 1, 5, rnd), row(4, 1, 0, rnd), row(4, 1, 5, rnd), row(4, 1, 9, rnd));
        InternalRow r = run(rows).get(0);
        assertEquals(DynamicsBuilder.WRONG_ROWS, r.getInt(r.numFields() - 1));
        assertEquals(4, r.getInt(r.numFields() - 2), "rows seen");
    }

    /** Rows as coreset score writes them: each batch of samples at every checkpoint, then the next batch. */
    private static List<InternalRow> scoreLayout(Random rnd) {
        List<InternalRow> rows = new ArrayList<>();
        for (long batch = 0; batch < 3; batch++) {
            for (int c : CHECKPOINTS) {
                for (long id = batch * 5; id < batch * 5 + 5; id++) {
                    rows.add(row(id, 1, c, rnd));
                }
            }
        }
        return rows;
    }

    @Test
    void aSampleWhoseRowsOneTaskReadsIsOnePiece() {
        List<InternalRow> pieces = pieces(scoreLayout(new Random(11)), TrajectoryPieces.OPEN_BYTES);
        assertEquals(15, pieces.size(), "one piece per sample");
        for (InternalRow p : pieces) {
            assertEquals(CHECKPOINTS.length, p.getInt(1), "rows in the piece of sample " + p.getLong(0));
        }
    }

    @Test
    void piecesSplitByTheOpenBoundOrByTasksGiveTheSameDynamics() {
        List<InternalRow> rows = scoreLayout(new Random(5));
        List<String> whole = run(rows).stream().map(PerSampleOrderTest::show).toList();
        // A bound below one sample's rows: every row leaves as its own piece.
        List<InternalRow> tiny = pieces(rows, 1);
        assertEquals(rows.size(), tiny.size());
        tiny.sort(java.util.Comparator.comparingLong(r -> r.getLong(0)));
        assertEquals(whole, perSample(tiny).stream().map(PerSampleOrderTest::show).toList());
        // Two tasks, each reading half the rows: a sample's rows end up in two pieces.
        List<InternalRow> split = new ArrayList<>(pieces(rows.subList(0, 31), TrajectoryPieces.OPEN_BYTES));
        split.addAll(pieces(rows.subList(31, rows.size()), TrajectoryPieces.OPEN_BYTES));
        assertTrue(split.size() > 15, "some samples are in two pieces");
        Collections.reverse(split);
        split.sort(java.util.Comparator.comparingLong(r -> r.getLong(0)));
        assertEquals(whole, perSample(split).stream().map(PerSampleOrderTest::show).toList());
    }

    @Test
    void aSampleInTwoPiecesWithTooManyRowsIsWrongRows() {
        Random rnd = new Random(9);
        List<InternalRow> rows = new ArrayList<>();
        for (int c : CHECKPOINTS) {
            rows.add(row(8, 1, c, rnd));
        }
        rows.add(row(8, 1, 9, rnd)); // a fifth row: the first four make a complete piece, this one a second
        List<InternalRow> pieces = pieces(rows, TrajectoryPieces.OPEN_BYTES);
        assertEquals(2, pieces.size());
        InternalRow r = perSample(pieces).get(0);
        assertEquals(DynamicsBuilder.WRONG_ROWS, r.getInt(r.numFields() - 1));
        assertEquals(5, r.getInt(r.numFields() - 2), "rows seen");
    }

    @Test
    void aTableWrittenOneCheckpointAtATimeGivesTheSameDynamics() {
        // More samples leave incomplete than the pass-through point, so the task ends up sending rows one by one.
        int samples = TrajectoryPieces.PASS_THROUGH_AFTER + 2_000;
        Random rnd = new Random(21);
        InternalRow[][] byCheckpoint = new InternalRow[CHECKPOINTS.length][samples];
        for (int id = 0; id < samples; id++) {
            for (int c = 0; c < CHECKPOINTS.length; c++) {
                byCheckpoint[c][id] = row(id, 1, CHECKPOINTS[c], rnd);
            }
        }
        List<InternalRow> sampleMajor = new ArrayList<>();
        for (int id = 0; id < samples; id++) {
            for (int c = 0; c < CHECKPOINTS.length; c++) {
                sampleMajor.add(byCheckpoint[c][id]);
            }
        }
        List<InternalRow> checkpointMajor = new ArrayList<>();
        for (InternalRow[] rows : byCheckpoint) {
            checkpointMajor.addAll(Arrays.asList(rows));
        }
        List<InternalRow> pieces = pieces(checkpointMajor, 100_000);
        assertEquals(checkpointMajor.size(), pieces.size(), "one piece per row");
        pieces.sort(java.util.Comparator.comparingLong(r -> r.getLong(0)));
        List<String> expected = run(sampleMajor).stream().map(PerSampleOrderTest::show).toList();
        assertEquals(samples, expected.size());
        assertEquals(expected, perSample(pieces).stream().map(PerSampleOrderTest::show).toList());
    }
}
