/**
 * Proxy models for data pruning, without Spark: train (driver), load and score (executors).
 *
 * <h2>Training (driver)</h2>
 * {@link dev.coreset.scoring.train.ProxyTrainer#train} streams rows from a
 * {@link dev.coreset.scoring.train.RowSource}, shuffles them in a bounded seeded buffer, trains with Adam and
 * writes {@code epoch-000/} (initialisation), {@code epoch-001/} .. {@code epoch-E/} and {@code metrics.json}.
 *
 * <h2>Scoring (inside mapPartitions)</h2>
 * <pre>{@code
 * Device device = DeviceSelector.select(gpuAddressesOfThisTask);      // TaskContext resources, or List.of()
 * ScoringModel model = ModelCache.get(modelRef, device);               // loaded once per executor JVM
 * try (BatchScorer scorer = new BatchScorer(model, options)) {         // one per task: owns a Predictor
 *     for each chunk of rows: ScoreBatch b = scorer.score(flatFeatures, labels);
 * }
 * }</pre>
 * Call {@link dev.coreset.scoring.Engines#setIntraOpThreads}(task cores, 1 by default) on each task's thread when
 * several tasks run at once (PyTorch otherwise uses all cores in every task); the count is per thread (OpenMP).
 *
 * <h2>Offline engine settings</h2>
 * {@code -Dai.djl.offline=true}, env {@code PYTORCH_FLAVOR=cpu}, pytorch-jni + pytorch-native-cpu on the
 * classpath. GPU clusters need a CUDA build of pytorch-native instead of the CPU one.
 */
package dev.coreset.scoring;
