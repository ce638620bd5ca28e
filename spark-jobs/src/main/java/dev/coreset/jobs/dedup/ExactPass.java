package dev.coreset.jobs.dedup;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.xxhash64;

import dev.coreset.schemas.Tables;
import dev.coreset.selection.dedup.ExactDuplicates;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Exact copies, before any clustering: a 64-bit hash of (group, content: the embedding, or the samples' features or
 * image bytes, see {@link ExactContent}) in Spark finds the few buckets holding
 * more than one point; only those points travel, one bucket at a time, to selection's {@link ExactDuplicates}, which
 * checks equality (a collision never joins two different vectors) and keeps the first in keep order.
 */
final class ExactPass {
    static final String HASH = "_hash";
    /** The compared column: array<float> (embedding, features) or binary (encoded image). */
    static final String CONTENT = "_content";

    private ExactPass() {
    }

    /** Flag rows (sample_id, label, kept_id, similarity 1, cluster null, kind exact) of the duplicate-flags table. */
    static JavaRDD<Row> flags(Dataset<Row> points) {
        Dataset<Row> hashed = points.withColumn(HASH, xxhash64(col("group"), col(CONTENT)));
        Dataset<Row> shared = hashed.groupBy("group", HASH).count().filter(col("count").gt(1)).drop("count");
        // The shared buckets are few (12 bytes each): broadcast them, so the rows and their content are not shuffled.
        Dataset<Row> suspects = hashed.join(broadcast(shared), scala.jdk.javaapi.CollectionConverters
                .asScala(List.of("group", HASH)).toSeq());
        JavaRDD<Row> keyed = suspects.select(col(HASH), col("id"), col("label"), col("group"), col("key"),
                col(CONTENT)).javaRDD();
        return keyed.groupBy(r -> new scala.Tuple2<>(r.getInt(3), r.getLong(0))).flatMap(bucket -> {
            List<DedupPoint> pts = new ArrayList<>();
            Map<Long, byte[]> bytes = new HashMap<>();
            for (Row r : bucket._2()) {
                DedupPoint p = new DedupPoint();
                p.setId(r.getLong(1));
                p.setLabel(r.getInt(2));
                p.setGroup(r.getInt(3));
                p.setKey(r.getDouble(4));
                if (r.get(5) instanceof byte[] b) {
                    bytes.put(p.getId(), b);
                } else {
                    List<Object> v = r.getList(5);
                    float[] e = new float[v.size()];
                    for (int t = 0; t < e.length; t++) {
                        e[t] = ((Number) v.get(t)).floatValue();
                    }
                    p.setEmbedding(e);
                }
                pts.add(p);
            }
            pts.sort(DedupPoint::keepOrder);
            int[] kept;
            if (bytes.isEmpty()) {
                List<float[]> vectors = new ArrayList<>(pts.size());
                pts.forEach(p -> vectors.add(p.getEmbedding()));
                kept = ExactDuplicates.ofVectors(vectors);
            } else {
                List<byte[]> encoded = new ArrayList<>(pts.size());
                pts.forEach(p -> encoded.add(bytes.get(p.getId())));
                kept = ExactDuplicates.ofBytes(encoded);
            }
            List<Row> out = new ArrayList<>();
            for (int i = 0; i < kept.length; i++) {
                if (kept[i] >= 0) {
                    out.add(RowFactory.create(pts.get(i).getId(), pts.get(i).getLabel(), pts.get(kept[i]).getId(), 1.0,
                            null, Tables.KIND_EXACT));
                }
            }
            return out.iterator();
        });
    }
}
