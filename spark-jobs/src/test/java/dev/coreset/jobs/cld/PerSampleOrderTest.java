package dev.coreset.jobs.cld;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/**
 * The partitions DynamicsBuilder streams are sorted by sample_id only (issue 21), so a sample's rows come in any
 * checkpoint order: PerSample must give the row it gives for checkpoint order, and still refuse a sample whose
 * rows repeat one checkpoint and miss another (as many rows as checkpoints). No Spark: rows in, rows out.
 */
class PerSampleOrderTest {
    private static final int[] CHECKPOINTS = {0, 2, 5, 9};
    private static final boolean[] WINDOW = {false, true, true, true};

    /** sample_id, label, checkpoint, loss, correct, el2n, margin, embedding (3 classes; a Seq, as Spark's rows hold). */
    private static Row row(long id, int label, int checkpoint, Random rnd) {
        float loss = 0.1f + rnd.nextFloat();
        return RowFactory.create(id, label, checkpoint, loss, rnd.nextBoolean(), rnd.nextFloat(), 0.5f - loss,
                scala.jdk.javaapi.CollectionConverters.asScala(
                        List.of(rnd.nextFloat() - 0.5f, rnd.nextFloat() - 0.5f, rnd.nextFloat() - 0.5f)));
    }

    private static List<Row> run(List<Row> rows) {
        DynamicsBuilder.PerSample f = new DynamicsBuilder.PerSample(Map.of(1, new double[] {2.0, 1.5, 0.9, 0.4}),
                CHECKPOINTS, WINDOW, 2, 2, true);
        List<Row> out = new ArrayList<>();
        for (Iterator<Row> it = f.call(rows.iterator()); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }

    private static String show(Row r) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < r.length(); i++) {
            Object v = r.get(i);
            b.append(v instanceof float[] a ? java.util.Arrays.toString(a) : String.valueOf(v)).append(' ');
        }
        return b.toString();
    }

    @Test
    void anyCheckpointOrderGivesTheSortedResult() {
        Random rnd = new Random(7);
        List<Row> sorted = new ArrayList<>();
        for (long id = 10; id < 14; id++) {
            for (int c : CHECKPOINTS) {
                sorted.add(row(id, 1, c, rnd));
            }
        }
        List<String> expected = run(sorted).stream().map(PerSampleOrderTest::show).toList();
        assertEquals(4, expected.size());
        for (int seed = 0; seed < 5; seed++) {
            List<Row> shuffled = new ArrayList<>();
            for (int s = 0; s < 4; s++) {
                List<Row> one = new ArrayList<>(sorted.subList(s * 4, s * 4 + 4));
                Collections.shuffle(one, new Random(seed));
                shuffled.addAll(one);
            }
            assertEquals(expected, run(shuffled).stream().map(PerSampleOrderTest::show).toList(), "seed " + seed);
        }
        for (Row r : run(sorted)) {
            assertEquals(DynamicsBuilder.OK, r.getInt(r.length() - 1));
        }
    }

    @Test
    void aRepeatedCheckpointInPlaceOfAMissingOneIsWrongRows() {
        Random rnd = new Random(3);
        List<Row> rows = List.of(row(4, 1, 5, rnd), row(4, 1, 0, rnd), row(4, 1, 5, rnd), row(4, 1, 9, rnd));
        Row r = run(rows).get(0);
        assertEquals(DynamicsBuilder.WRONG_ROWS, r.getInt(r.length() - 1));
        assertEquals(4, r.getInt(r.length() - 2), "rows seen");
    }
}
