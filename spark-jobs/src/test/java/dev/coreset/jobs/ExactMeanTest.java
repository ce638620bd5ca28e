package dev.coreset.jobs;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** ExactMean gives one value whatever the row order and partitioning; a plain double sum does not. */
class ExactMeanTest {
    private final SparkSession spark = SparkTestSession.get();

    private double mean(List<Double> values, int partitions) {
        Dataset<Row> df = spark.createDataset(values, Encoders.DOUBLE()).toDF("x").repartition(partitions);
        return df.agg(ExactMean.of(col("x"))).first().getDouble(0);
    }

    @Test
    void orderAndPartitionsDoNotChangeTheMean() {
        // In double arithmetic (1e16 + 1) - 1e16 + 1 = 1 but (1e16 - 1e16) + 1 + 1 = 2: the order matters.
        assertNotEquals((1e16 + 1.0) - 1e16 + 1.0, (1e16 - 1e16) + 1.0 + 1.0);
        List<Double> a = List.of(1e16, 1.0, -1e16, 1.0);
        List<Double> b = List.of(1.0, 1.0, 1e16, -1e16);
        for (int parts : new int[] {1, 2, 3, 4}) {
            assertEquals(0.5, mean(a, parts), 0.0, parts + " partitions");
            assertEquals(0.5, mean(b, parts), 0.0, parts + " partitions");
        }
    }

    @Test
    void projectedDecimalsGiveTheSameMeans() {
        // Floats as the losses are stored, with the cases that set NaN and null apart.
        java.util.Random rnd = new java.util.Random(21);
        List<Row> rows = new java.util.ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            Float x = i % 97 == 0 ? null : i == 500 ? Float.NaN : (float) (rnd.nextGaussian() * Math.pow(10, i % 7 - 3));
            rows.add(org.apache.spark.sql.RowFactory.create(i % 5, x));
        }
        Dataset<Row> df = spark.createDataFrame(rows, new org.apache.spark.sql.types.StructType()
                .add("g", "int").add("x", "float")).repartition(3);
        List<Row> direct = df.groupBy("g").agg(ExactMean.of(col("x"))).orderBy("g").collectAsList();
        List<Row> projected = df.select(col("g"), col("x"), ExactMean.decimalColumn(col("x")))
                .groupBy("g").agg(ExactMean.ofProjected(col("x"))).orderBy("g").collectAsList();
        assertEquals(direct, projected);
        assertTrue(direct.stream().anyMatch(r -> Double.isNaN(r.getDouble(1))), "one group holds the NaN");
    }

    @Test
    void nonFiniteValuesGiveNaNAsAvgWould() {
        assertTrue(Double.isNaN(mean(List.of(1.0, Double.NaN), 1)));
        assertTrue(Double.isNaN(mean(List.of(1.0, Double.POSITIVE_INFINITY), 2)));
    }
}
