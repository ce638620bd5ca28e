package dev.coreset.jobs.ml;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The README's pipeline example, compiled and run by {@link PipelineApiTest} (which checks the README shows it). */
final class ReadmeExample {
    private ReadmeExample() {
    }

    /** @return the fitted pipeline; {@code coreset} in the body is lazy (the test transforms again). */
    static PipelineModel run(SparkSession spark, String samplesDir, String runDir, String manifestDir, String modelDir)
            throws java.io.IOException {
        Dataset<Row> samples = spark.read().parquet(samplesDir);         // the --out of `coreset ingest`
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
                new LossScorer().setCheckpoints(runDir).setEmbedding("logits-grad"),   // the --out of `coreset train`
                new CoresetSelector().setMethod("facility-location").setFraction(0.1).setSeed(5)});
        PipelineModel model = pipeline.fit(samples);
        Dataset<Row> coreset = model.transform(samples);   // selected train rows + weight, score, rank
        ((CoresetModel) model.stages()[1]).writeManifest(manifestDir, false);   // what `coreset select` writes
        model.write().overwrite().save(modelDir);          // PipelineModel.load(modelDir) reads it back
        return model;
    }
}
