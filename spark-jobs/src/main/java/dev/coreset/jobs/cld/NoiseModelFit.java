package dev.coreset.jobs.cld;

import static org.apache.spark.sql.functions.*;

import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.Tables;
import dev.coreset.selection.noise.LabelNoiseModel;
import java.util.List;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

/**
 * Fits {@link LabelNoiseModel} on Spark: two aggregates over the dynamics' mean probabilities bring C thresholds and
 * the C x C confident joint to the driver, where the plain-Java model is built. Never per-sample data on the driver.
 */
final class NoiseModelFit {
    private NoiseModelFit() {
    }

    /** The model and the share of labels its calibrated joint puts off the diagonal (the estimated noise rate). */
    record Fitted(LabelNoiseModel model, double estimatedNoiseRate) {
    }

    /** @param signal sample_id, label, x, probs (array of C floats) */
    static Fitted fit(Dataset<Row> signal, List<NoiseJob.ClassFit> fits, String path) {
        Row shape = signal.agg(min(size(col(Tables.PROBS))), max(size(col(Tables.PROBS))), max(col(Tables.LABEL)),
                sum(when(col(Tables.PROBS).isNull(), 1).otherwise(0))).first();
        int c = shape.getInt(1);
        if (shape.getInt(0) != c || shape.getLong(3) > 0 || c <= shape.getInt(2)) {
            throw new CoresetInputException(path + ": column 'probs' must hold one probability per class for every"
                    + " sample (sizes " + shape.getInt(0) + ".." + c + ", " + shape.getLong(3) + " missing, labels up to "
                    + shape.getInt(2) + "); re-run coreset cld --dynamics-out on scores with logits-grad embeddings.");
        }
        // t_k: the mean probability of class k over the samples labelled k.
        double[] thresholds = new double[c];
        for (Row r : signal.groupBy(Tables.LABEL).agg(avg(expr(Tables.PROBS + "[" + Tables.LABEL + "]")))
                .collectAsList()) {
            thresholds[r.getInt(0)] = r.getDouble(1);
        }
        long[][] joint = new long[c][c];
        MapFunction<Row, Integer> confident = r -> LabelNoiseModel.confidentClass(FloatArrays.of(r.getList(3)), thresholds);
        Dataset<Row> pairs = signal.map((MapFunction<Row, Row>) r -> org.apache.spark.sql.RowFactory.create(r.getInt(1),
                confident.call(r)), Encoders.row(new org.apache.spark.sql.types.StructType()
                .add("label", org.apache.spark.sql.types.DataTypes.IntegerType)
                .add("j", org.apache.spark.sql.types.DataTypes.IntegerType)));
        for (Row r : pairs.filter(col("j").geq(0)).groupBy("label", "j").count().collectAsList()) {
            joint[r.getInt(0)][r.getInt(1)] = r.getLong(2);
        }
        long[] counts = new long[c];
        for (NoiseJob.ClassFit f : fits) {
            counts[f.label()] = f.samples();
        }
        double[][] calibrated = LabelNoiseModel.calibrate(joint, counts);
        double total = 0;
        double diagonal = 0;
        for (int k = 0; k < c; k++) {
            for (int j = 0; j < c; j++) {
                total += calibrated[k][j];
            }
            diagonal += calibrated[k][k];
        }
        return new Fitted(LabelNoiseModel.fromJoint(calibrated), total > 0 ? 1 - diagonal / total : Double.NaN);
    }
}
