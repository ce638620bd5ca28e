package dev.coreset.jobs.io;

import dev.coreset.schemas.Fingerprint;
import dev.coreset.schemas.Tables;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Computes a table's {@link Fingerprint} in one distributed pass: partial sums per partition, merged on the driver. */
public final class Fingerprints {
    private Fingerprints() {
    }

    public static Fingerprint of(Dataset<Row> table) {
        List<Fingerprint> parts = table.select(Tables.SAMPLE_ID, Tables.LABEL).javaRDD()
                .mapPartitions(rows -> {
                    Fingerprint f = Fingerprint.empty();
                    while (rows.hasNext()) {
                        Row r = rows.next();
                        f = f.add(r.getLong(0), r.getInt(1));
                    }
                    return List.of(f).iterator();
                }).collect();
        return parts.stream().reduce(Fingerprint.empty(), Fingerprint::merge);
    }
}
