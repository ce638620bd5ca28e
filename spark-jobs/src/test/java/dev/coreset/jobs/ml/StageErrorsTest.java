package dev.coreset.jobs.ml;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.SparkTestSession;
import dev.coreset.schemas.CoresetInputException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** The stages' documented errors (CoresetInputException, one line naming the param or column and the fix), and
 * the column params on a hand-checkable input. */
class StageErrorsTest {
    @TempDir
    Path tmp;

    private final SparkSession spark = SparkTestSession.get();

    /** The call throws a one-line CoresetInputException containing {@code expected}. */
    static void fails(String expected, Executable e) {
        CoresetInputException x = assertThrows(CoresetInputException.class, e);
        assertTrue(x.getMessage().contains(expected), x.getMessage());
        assertEquals(1, x.getMessage().lines().count());
    }

    @Test
    void outOfRangeValuesFailWhenSet() {
        fails("fraction 0.0 is outside (0, 1]; set e.g. 0.1.", () -> new CoresetSelector().setFraction(0));
        fails("perClass -3 must be positive.", () -> new CoresetSelector().setPerClass(-3));
        fails("method nope is unknown; use one of facility-location, kcenter, random, loss, el2n, margin, forgetting, ccs,"
                + " dual, d2.",
                () -> new CoresetSelector().setMethod("nope"));
        fails("epsilon 1.0 must be in (0, 1).", () -> new CoresetSelector().setEpsilon(1));
        fails("checkpoint first is not last or a checkpoint number.", () -> new CoresetSelector().setCheckpoint("first"));
        fails("parts grid is unknown; use one of random, kmeans.", () -> new CoresetSelector().setParts("grid"));
        fails("partitionSize 1 must be at least 2.", () -> new CoresetSelector().setPartitionSize(1));
        fails("dim -1 must be >= 0 (0 = no projection).", () -> new LossScorer().setDim(-1));
        fails("epochs last is not all or a list of epoch numbers such as 0,2,4.", () -> new LossScorer().setEpochs("last"));
        fails("embedding grad is unknown; use one of none, logits-grad, last-layer-grad.",
                () -> new LossScorer().setEmbedding("grad"));
        fails("posteriorSigma -0.1 must be finite and >= 0.", () -> new LossScorer().setPosteriorSigma(-0.1));
        // The stage's uid starts each message, so a Pipeline's failing stage is named.
        CoresetSelector s = new CoresetSelector();
        fails(s.uid() + " batchSize", () -> new LossScorer(s.uid()).setBatchSize(0));
    }

    private Dataset<Row> scores(float lossOf3) {
        StructType schema = new StructType().add("sample_id", DataTypes.LongType).add("label", DataTypes.IntegerType)
                .add("split", DataTypes.StringType).add("checkpoint", DataTypes.IntegerType)
                .add("loss", DataTypes.FloatType).add("correct", DataTypes.BooleanType)
                .add("margin", DataTypes.FloatType).add("el2n", DataTypes.FloatType);
        List<Row> rows = new java.util.ArrayList<>();
        for (long id = 0; id < 12; id++) {
            rows.add(RowFactory.create(id, (int) (id % 2), "train", 0, id == 3 ? lossOf3 : id / 10f, true, 0.5f, 0.1f));
        }
        return spark.createDataFrame(rows, schema);
    }

    @Test
    void missingColumnsAndParamCombinationsFailBeforeAnyJob() {
        Dataset<Row> s = scores(0.3f);
        fails("set exactly one of fraction and perClass.", () -> new CoresetSelector().fit(s));
        fails("the input has no column 'embedding' (embeddingCol); score with an embedding",
                () -> new CoresetSelector().setFraction(0.5).fit(s));
        fails("the input has no column 'part' (splitCol); set splitCol to \"\" to use every row.",
                () -> new CoresetSelector().setMethod("loss").setFraction(0.5).setSplitCol("part").fit(s));
        fails("input column 'split' (labelCol) is string; it must be a numeric class index 0..C-1.",
                () -> new CoresetSelector().setMethod("loss").setFraction(0.5).setLabelCol("split").fit(s));
        fails("the input already has a column 'weight', which this stage adds",
                () -> new CoresetSelector().setMethod("loss").setFraction(0.5).fit(s.withColumn("weight", col("loss"))));
        fails("set checkpoints to the --out of `coreset train`.", () -> new LossScorer().transform(s));
        fails("the input already has a column 'checkpoint', which this stage adds",
                () -> new LossScorer().setCheckpoints(tmp.toString()).setFeaturesCol("f")
                        .transform(s.withColumn("f", org.apache.spark.sql.functions.array(col("loss")))));
        Dataset<Row> samples = s.select(col("label"), org.apache.spark.sql.functions.array(col("loss")).as("f"));
        fails("none: no such checkpoint directory or model file; pass the --out of `coreset train`, a TorchScript (.pt) or ONNX (.onnx) file, a folder of them or a glob.", () -> new LossScorer()
                .setCheckpoints(tmp.resolve("none").toString()).setFeaturesCol("f").transform(samples));
        fails("input column 'label' (featuresCol) is int; it must be array<float>, array<double> or an ML Vector.",
                () -> new LossScorer().setCheckpoints(tmp.toString()).setFeaturesCol("label").transform(samples));
    }

    @Test
    void badRowsFailFitWithTheChecksOfCoresetSelect() {
        fails("column 'loss' is NaN, infinite or null at sample_id 3; re-score with a model that does not diverge.",
                () -> new CoresetSelector().setMethod("loss").setPerClass(2).fit(scores(Float.NaN)));
        // The shared check words the option for the CLI; the stage names its param.
        fails("perClass 9 is larger than class 0 (6 samples); lower it or use fraction.",
                () -> new CoresetSelector().setMethod("loss").setPerClass(9).fit(scores(0.3f)));
    }

    @Test
    void columnParamsMapAnyInputOntoTheSelection() {
        // Class 0 on a line at 0, 1, 2 and class 1 at 10, 11, 15: the 1-medoids are 1 and 11 (sums 2 and 5).
        StructType schema = new StructType().add("key", DataTypes.IntegerType).add("y", DataTypes.DoubleType)
                .add("v", new VectorUDT()).add("loss", DataTypes.DoubleType);
        double[][] xs = {{0, 1, 2}, {10, 11, 15}};
        List<Row> rows = new java.util.ArrayList<>();
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < 3; i++) {
                rows.add(RowFactory.create(c * 10 + i, (double) c, Vectors.dense(xs[c][i], 0, 0), 0.0));
            }
        }
        Dataset<Row> df = spark.createDataFrame(rows, schema);
        CoresetModel m = new CoresetSelector().setIdCol("key").setLabelCol("y").setEmbeddingCol("v").setSplitCol("")
                .setCheckpointCol("").setPerClass(1).fit(df);
        Map<Long, Double> weights = new TreeMap<>();
        for (Row r : m.selection().collectAsList()) {
            weights.put(r.getLong(r.fieldIndex("sample_id")), r.getDouble(r.fieldIndex("weight")));
        }
        assertEquals(Map.of(1L, 3.0, 11L, 3.0), weights, "the medoid of each class, weighted by its 3 points");
        assertEquals(2 + 5, m.kMedoidCost(), 1e-6);
        List<Row> kept = m.setIdCol("key").transform(df).orderBy("key").collectAsList();
        assertEquals(List.of(1, 11), kept.stream().map(r -> r.getInt(0)).toList());
        assertEquals(List.of("key", "y", "v", "loss", "weight", "score", "rank"), List.of(kept.get(0).schema().fieldNames()));
    }
}
