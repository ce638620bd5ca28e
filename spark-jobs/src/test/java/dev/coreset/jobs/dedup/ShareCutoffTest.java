package dev.coreset.jobs.dedup;

import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.SparkTestSession;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

/** The distributed cut equals the wanted-th item of a full sort (similarity descending, tie hash ascending). */
class ShareCutoffTest {
    @Test
    void keysOrderSimilaritiesDescending() {
        float[] s = {1.0f, 0.99999994f, 0.5f, 0f, -0f, -0.25f, -1f};
        for (int i = 0; i + 1 < s.length; i++) {
            assertTrue(Long.compareUnsigned(ShareCutoff.key(s[i], -1), ShareCutoff.key(s[i + 1], 0)) < 0
                    || s[i] == s[i + 1], s[i] + " before " + s[i + 1]);
        }
    }

    @Test
    void cutMatchesASortWithManyTies() {
        SplittableRandom r = new SplittableRandom(2);
        List<Tuple2<Long, Float>> items = new ArrayList<>();
        for (long id = 0; id < 5000; id++) {
            // A third tie at 1.0, the rest spread, some with no earlier item.
            float s = id % 3 == 0 ? 1.0f : id % 17 == 0 ? Float.NEGATIVE_INFINITY : (float) (r.nextDouble() * 2 - 1);
            items.add(new Tuple2<>(id, s));
        }
        var rdd = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext()).parallelize(items, 4);
        List<Tuple2<Long, Float>> sorted = items.stream().filter(t -> t._2() > Float.NEGATIVE_INFINITY)
                .sorted(Comparator.<Tuple2<Long, Float>, Float>comparing(t -> -t._2())
                        .thenComparing(t -> Integer.toUnsignedLong(ShareCutoff.tieHash(t._1(), 9))))
                .toList();
        for (long wanted : new long[] {1, 700, 1667, 1668, 4000, sorted.size()}) {
            ShareCutoff.Cut cut = ShareCutoff.find(rdd, wanted, 9);
            Tuple2<Long, Float> last = sorted.get((int) wanted - 1);
            assertEquals(last._2(), cut.similarity(), "wanted " + wanted);
            long admitted = items.stream().filter(t -> t._2() > Float.NEGATIVE_INFINITY
                    && cut.admits(t._1(), t._2(), 9)).count();
            assertEquals(wanted, admitted, "wanted " + wanted);
        }
        assertNull(ShareCutoff.find(rdd, sorted.size() + 1, 9));
    }
}
