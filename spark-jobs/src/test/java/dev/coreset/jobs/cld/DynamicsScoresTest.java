package dev.coreset.jobs.cld;

import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.CliRun;
import dev.coreset.jobs.SparkTestSession;
import dev.coreset.schemas.Json;
import dev.coreset.schemas.SparkSchemas;
import dev.coreset.schemas.TableInfo;
import dev.coreset.schemas.Tables;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trajectory columns of cld --dynamics-out (aum, mean_py, dual, probs) against a direct double computation on a
 * small scores table with logits-grad embeddings: 2 classes x 6 train samples, 5 checkpoints, softmax outputs drawn
 * per sample and checkpoint, loss = -ln p_y, margin = p_y - max other p, embedding = p - onehot(label).
 */
class DynamicsScoresTest {
    @TempDir
    static Path tmp;
    static Path scores;
    static final int T = 5;
    static final int C = 3;
    static final Map<Long, double[][]> P = new HashMap<>();
    static final Map<Long, Integer> LABEL = new HashMap<>();

    private final SparkSession spark = SparkTestSession.get();

    @BeforeAll
    static void write() throws Exception {
        SparkSession spark = SparkTestSession.get();
        Random rnd = new Random(9);
        List<Row> rows = new ArrayList<>();
        for (long id = 0; id < 14; id++) {
            int label = (int) (id % 2);
            boolean val = id >= 12;
            double[][] p = new double[T][];
            for (int t = 0; t < T; t++) {
                double[] z = new double[C];
                double sum = 0;
                for (int k = 0; k < C; k++) {
                    z[k] = Math.exp(2 * rnd.nextGaussian());
                    sum += z[k];
                }
                float[] emb = new float[C];
                for (int k = 0; k < C; k++) {
                    // round through float: the table stores floats, the reference reads what the table holds
                    z[k] = (float) (z[k] / sum);
                    emb[k] = (float) (z[k] - (k == label ? 1 : 0));
                }
                p[t] = z;
                double other = -1;
                for (int k = 0; k < C; k++) {
                    if (k != label) {
                        other = Math.max(other, z[k]);
                    }
                }
                float loss = (float) -Math.log(z[label]);
                rows.add(RowFactory.create(id, label, val ? "val" : "train", t, loss, z[label] >= other,
                        (float) (z[label] - other), (float) Math.sqrt(1), emb, 1));
            }
            if (!val) {
                P.put(id, p);
                LABEL.put(id, label);
            }
        }
        scores = tmp.resolve("scores");
        spark.createDataFrame(rows, SparkSchemas.structType(Tables.SCORES, List.of(Tables.EMBEDDING))).repartition(2)
                .write().parquet(scores.toString());
        TableInfo info = TableInfo.of(Tables.SCORES);
        info.parameters.put("embedding", "logits-grad");
        info.parameters.put("dim", 0);
        Json.MAPPER.writeValue(scores.resolve(TableInfo.FILE_NAME).toFile(), info);
    }

    private Map<Long, Row> dynamics(String out, String... extra) {
        List<String> args = new ArrayList<>(List.of("cld", "--scores", scores.toString(), "--per-class", "2", "--out",
                tmp.resolve(out + "-m").toString(), "--dynamics-out", tmp.resolve(out).toString(), "--no-progress"));
        args.addAll(List.of(extra));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.err());
        Map<Long, Row> m = new HashMap<>();
        for (Row r : spark.read().parquet(tmp.resolve(out).toString()).collectAsList()) {
            m.put(r.getLong(r.fieldIndex(Tables.SAMPLE_ID)), r);
        }
        return m;
    }

    /** p_y as the dynamics see it: exp(-loss), with the loss stored as a float. */
    private static double py(long id, int t) {
        return Math.exp(-(double) (float) -Math.log(P.get(id)[t][LABEL.get(id)]));
    }

    private static double margin(long id, int t) {
        int y = LABEL.get(id);
        double other = -1;
        for (int k = 0; k < C; k++) {
            if (k != y) {
                other = Math.max(other, P.get(id)[t][k]);
            }
        }
        return (float) (P.get(id)[t][y] - other);
    }

    @Test
    void trajectoryScoresOverTheWindowMatchADirectComputation() {
        Map<Long, Row> dyn = dynamics("from1", "--window", "from:1", "--dual-window", "2");
        assertEquals(12, dyn.size());
        for (long id : P.keySet()) {
            Row r = dyn.get(id);
            double aum = 0;
            double mu = 0;
            for (int t = 1; t < T; t++) {
                aum += margin(id, t);
                mu += py(id, t);
            }
            aum /= T - 1;
            mu /= T - 1;
            double dual = 0;
            for (int from = 1; from + 2 <= T; from++) { // windows of 2 over checkpoints 1..4: three of them
                double a = py(id, from);
                double b = py(id, from + 1);
                double m = (a + b) / 2;
                dual += Math.abs(a - b) / 2 * (1 - m); // population std of two values = |a - b| / 2
            }
            dual /= 3;
            assertEquals(aum, r.getDouble(r.fieldIndex(Tables.AUM)), 1e-6, "aum of " + id);
            assertEquals(mu, r.getDouble(r.fieldIndex(Tables.MEAN_PY)), 1e-6, "mean_py of " + id);
            assertEquals(dual, r.getDouble(r.fieldIndex(Tables.DUAL)), 1e-6, "dual of " + id);
            List<Object> probs = r.getList(r.fieldIndex(Tables.PROBS));
            for (int k = 0; k < C; k++) {
                double mean = 0;
                for (int t = 1; t < T; t++) {
                    mean += P.get(id)[t][k];
                }
                assertEquals(mean / (T - 1), ((Number) probs.get(k)).doubleValue(), 1e-6, "probs[" + k + "] of " + id);
            }
        }
    }

    @Test
    void theDefaultWindowIsEveryCheckpointAndDualIsNaNWhenTheWindowIsShort() {
        Map<Long, Row> all = dynamics("all");
        Map<Long, Row> last2 = dynamics("last2", "--window", "last:2");
        for (long id : P.keySet()) {
            double aum = 0;
            for (int t = 0; t < T; t++) {
                aum += margin(id, t);
            }
            assertEquals(aum / T, all.get(id).getDouble(all.get(id).fieldIndex(Tables.AUM)), 1e-6);
            assertFalse(Double.isNaN(all.get(id).getDouble(all.get(id).fieldIndex(Tables.DUAL))));
            assertTrue(Double.isNaN(last2.get(id).getDouble(last2.get(id).fieldIndex(Tables.DUAL))),
                    "2 checkpoints < DUAL's default window of 3");
        }
    }

    @Test
    void withoutLogitsGradEmbeddingsThereIsNoProbsColumn() throws Exception {
        Path plain = tmp.resolve("plain");
        spark.read().parquet(scores.toString()).write().parquet(plain.toString()); // no side file
        CliRun run = CliRun.of("cld", "--scores", plain.toString(), "--per-class", "2", "--out",
                tmp.resolve("plain-m").toString(), "--dynamics-out", tmp.resolve("plain-d").toString(), "--no-progress");
        assertEquals(0, run.exitCode(), run.err());
        assertFalse(Arrays.asList(spark.read().parquet(tmp.resolve("plain-d").toString()).columns()).contains(Tables.PROBS));
        CliRun noise = CliRun.of("noise", "--dynamics", tmp.resolve("plain-d").toString(), "--rule", "posterior",
                "--out", tmp.resolve("plain-f").toString(), "--no-progress");
        assertEquals(2, noise.exitCode(), noise.err());
        assertTrue(noise.errorLine().contains("no 'probs' column, which --rule posterior needs"), noise.errorLine());
    }
}
