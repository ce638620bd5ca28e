package dev.coreset.scoring.train.crest;

import ai.djl.Model;
import ai.djl.training.Trainer;
import dev.coreset.scoring.Engines;
import dev.coreset.scoring.LinearHead;
import dev.coreset.scoring.Seeds;
import dev.coreset.scoring.model.Checkpoints;
import dev.coreset.scoring.model.ModelSpec;
import dev.coreset.scoring.train.EpochMetrics;
import dev.coreset.scoring.train.EvaluationSet;
import dev.coreset.scoring.train.LabeledRow;
import dev.coreset.scoring.train.ProxyTrainer;
import dev.coreset.scoring.train.RowSource;
import dev.coreset.scoring.train.TrainOptions;
import dev.coreset.scoring.train.TrainingResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CREST (coresets for stochastic gradient descent, seed paper 002): trains the same models, optimizer and loss
 * as {@link ProxyTrainer}, but every step's mini-batch is a weighted coreset. The loop:
 * <ol>
 *   <li><b>Select</b>: draw P random subsets R_1..R_P of r rows each from the candidate pool (uniformly, without
 *   replacement inside a subset); one forward pass gives every row's loss and per-sample gradient (last-layer
 *   or logits gradient, {@link dev.coreset.scoring.BatchScorer}); from each R_p facility location (lazy greedy)
 *   picks b rows, weighted by CRAIG cluster sizes ({@link CoresetSelector}); the quadratic model
 *   {@link LastLayerQuadratic} is formed on R = union of the R_p at the current weights.</li>
 *   <li><b>Train</b>: one Adam step per mini-batch coreset with the weighted loss sum w l / sum w, cycling
 *   through the P coresets.</li>
 *   <li><b>Check</b> every {@code checkEvery} steps: the current model's mean loss on R against the quadratic
 *   model; if the relative error reaches tau, select again before the next step.</li>
 *   <li><b>Drop learned rows</b>: every measured loss (selections and checks) feeds {@link CandidatePool}; rows
 *   below the threshold at h consecutive measurements (counted once per epoch-equivalent) leave the pool, so
 *   later subsets come from the rest.</li>
 * </ol>
 * The run lasts {@code epochs} epoch-equivalents of ceil(n / b) steps each (the gradient computations of one
 * pass over the n train rows); after each, val/test accuracy, a checkpoint (unless
 * {@link dev.coreset.scoring.train.CheckpointPolicy#LAST} keeps only the last) and metrics.json are written as in
 * plain training ({@code epoch-000} too with {@link TrainOptions#saveInitial()}).
 * <p>Determinism: initialisation, engine seed, subset draws, stochastic greedy and the projection all come from
 * the run seed; same seed, data order and thread count give identical parameters.
 */
public final class CrestTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(CrestTrainer.class);

    private CrestTrainer() {
    }

    /** The random subsets of one selection, their mini-batch coresets and the quadratic model formed on them. */
    private record Region(int[] rows, List<MiniBatchCoreset> coresets, LastLayerQuadratic quadratic) {
    }

    /** Running totals of the run. */
    private static final class Counts {
        long selections;
        long checks;
        long trainRows;
        long selectionRows;
        long checkRows;
        long trainNanos;
        long selectionNanos;
        long checkNanos;
        long evalNanos;
    }

    /**
     * @param train      the training rows (held in memory, up to {@code maxBytes})
     * @param val        validation rows for accuracy per epoch-equivalent, or null
     * @param test       test rows, or null
     * @param options    model recipe: epochs (= epoch-equivalents; a step budget is refused), learning rate, seed,
     *                   checkpoint policy; its batch size is b unless {@link CrestOptions#coresetSize()} is set
     */
    public static CrestResult train(ModelSpec spec, RowSource train, RowSource val, RowSource test,
                                    TrainOptions options, CrestOptions crest, long maxBytes, Path runDir,
                                    CrestObserver observer) {
        if (options.hasStepBudget()) {
            throw new IllegalArgumentException("CREST counts epoch-equivalents; a step budget (" + options.steps()
                    + " steps) does not apply");
        }
        List<LabeledRow> data = InMemoryRows.load(train, spec, maxBytes);
        int n = data.size();
        int b = crest.coresetSize(options.batchSize());
        TrainOptions recipe = options.withBatchSize(b);
        long stepsPerEpoch = (n + b - 1) / b;
        Engines.pytorch().setRandomSeed((int) options.seed());
        CandidatePool pool = new CandidatePool(n, crest.learnedThreshold(), crest.learnedChecks(),
                Math.min(n, crest.subsetSize()));
        SplittableRandom random = new SplittableRandom(Seeds.mix(options.seed(), 0x43524553L));
        CoresetSelector selector = new CoresetSelector(crest.optimizer(), crest.epsilon());
        Counts counts = new Counts();
        List<Path> checkpoints = new ArrayList<>();
        List<EpochMetrics> metrics = new ArrayList<>();
        try (Model model = Checkpoints.newInitializedModel(spec, options.device(), options.seed());
             Trainer trainer = model.newTrainer(ProxyTrainer.config(recipe));
             EvaluationSet valSet = EvaluationSet.of(trainer, spec, val);
             EvaluationSet testSet = EvaluationSet.of(trainer, spec, test)) {
            trainer.initialize(Checkpoints.batchShape(spec, 1));
            SubsetScorer scorer = new SubsetScorer(model, spec, data, crest, Seeds.mix(options.seed(), 7));
            if (options.saveInitial()) {
                long t0 = System.nanoTime();
                Path dir = Checkpoints.save(model, spec, runDir, 0, options.seed());
                checkpoints.add(dir);
                metrics.add(new EpochMetrics(0, 0, null, 0, accuracy(valSet, trainer), accuracy(testSet, trainer),
                        (System.nanoTime() - t0) / 1e9, dir.getFileName().toString()));
                ProxyTrainer.writeMetrics(runDir, spec, recipe, metrics);
            }
            int inputLength = spec.inputLength();
            float[] x = new float[b * inputLength];
            int[] y = new int[b];
            float[] w = new float[b];
            Region region = null;
            long sinceCheck = 0;
            long cursor = 0; // which coreset of the region trains next
            long step = 0;
            for (int epoch = 1; epoch <= options.epochs(); epoch++) {
                long epochStart = System.nanoTime();
                double sumLoss = 0;
                double sumWeights = 0;
                long rows = 0;
                for (long s = 0; s < stepsPerEpoch; s++, step++) {
                    boolean select = region == null;
                    if (!select && sinceCheck >= crest.checkEvery()) {
                        select = check(region, scorer, pool, crest, data, step, epoch, counts, observer);
                        sinceCheck = 0;
                    }
                    if (select) {
                        region = select(scorer, selector, pool, crest, b, random, data, step, epoch, counts,
                                observer, options.seed());
                        sinceCheck = 0;
                        cursor = 0;
                    }
                    MiniBatchCoreset batch = region.coresets().get((int) (cursor++ % region.coresets().size()));
                    long t0 = System.nanoTime();
                    int m = batch.size();
                    for (int j = 0; j < m; j++) {
                        LabeledRow row = data.get(batch.rows()[j]);
                        System.arraycopy(row.features(), 0, x, j * inputLength, inputLength);
                        y[j] = row.label();
                        w[j] = batch.weights()[j];
                    }
                    double[] lw = ProxyTrainer.step(trainer, spec, x, y, w, m);
                    ProxyTrainer.requireFiniteLoss(lw, epoch, step + 1, options);
                    counts.trainNanos += System.nanoTime() - t0;
                    sumLoss += lw[0];
                    sumWeights += lw[1];
                    rows += m;
                    sinceCheck++;
                }
                counts.trainRows += rows;
                long t0 = System.nanoTime();
                Path dir = null;
                if (options.checkpoints().saves(epoch == options.epochs())) {
                    dir = Checkpoints.save(model, spec, runDir, epoch, options.seed());
                    checkpoints.add(dir);
                }
                Double valAcc = accuracy(valSet, trainer);
                Double testAcc = accuracy(testSet, trainer);
                counts.evalNanos += System.nanoTime() - t0;
                EpochMetrics em = new EpochMetrics(epoch, step, sumWeights > 0 ? sumLoss / sumWeights : Double.NaN,
                        rows, valAcc, testAcc, (System.nanoTime() - epochStart) / 1e9,
                        dir == null ? null : dir.getFileName().toString());
                metrics.add(em);
                ProxyTrainer.writeMetrics(runDir, spec, recipe, metrics);
                LOG.info("CREST epoch-equivalent {}/{}: train loss {} over {} rows, val acc {}, test acc {}, {} s,"
                                + " {} selections, pool {} of {}", epoch, options.epochs(),
                        String.format("%.4f", em.trainLoss()), rows, valAcc, testAcc,
                        String.format("%.1f", em.seconds()), counts.selections, pool.size(), n);
            }
        }
        CrestSummary summary = new CrestSummary(crest, b, stepsPerEpoch, counts.selections, counts.checks,
                pool.dropped(), pool.size(), counts.trainRows, counts.selectionRows, counts.checkRows,
                counts.trainNanos / 1e9, counts.selectionNanos / 1e9, counts.checkNanos / 1e9, counts.evalNanos / 1e9);
        return new CrestResult(new TrainingResult(runDir, List.copyOf(checkpoints), List.copyOf(metrics)), summary);
    }

    private static Double accuracy(EvaluationSet set, Trainer trainer) {
        return set == null ? null : set.accuracy(trainer);
    }

    private static Region select(SubsetScorer scorer, CoresetSelector selector, CandidatePool pool, CrestOptions crest,
                                 int b, SplittableRandom random, List<LabeledRow> data, long step, int epoch,
                                 Counts counts, CrestObserver observer, long seed) {
        long t0 = System.nanoTime();
        int p = crest.coresets();
        int[][] subsets = new int[p][];
        int total = 0;
        for (int i = 0; i < p; i++) {
            subsets[i] = pool.draw(crest.subsetSize(), random);
            total += subsets[i].length;
        }
        int[] all = new int[total];
        for (int i = 0, o = 0; i < p; o += subsets[i].length, i++) {
            System.arraycopy(subsets[i], 0, all, o, subsets[i].length);
        }
        SubsetScorer.Result scored = scorer.withGradients(all);
        int dim = scored.scores().embeddingDim();
        float[] gradients = scored.scores().embedding();
        List<MiniBatchCoreset> coresets = new ArrayList<>(p);
        for (int i = 0, o = 0; i < p; o += subsets[i].length, i++) {
            float[] g = java.util.Arrays.copyOfRange(gradients, o * dim, (o + subsets[i].length) * dim);
            coresets.add(selector.select(subsets[i], g, dim, b, Seeds.mix(seed, counts.selections * p + i)));
        }
        LastLayerQuadratic quadratic = LastLayerQuadratic.at(scored.forward(), scored.labels(), scored.head());
        int[] dropped = pool.observe(all, scored.scores().loss(), epoch);
        counts.selections++;
        counts.selectionRows += total;
        counts.selectionNanos += System.nanoTime() - t0;
        if (observer != CrestObserver.NONE) {
            List<long[]> subsetIds = new ArrayList<>(p);
            List<CrestObserver.Coreset> byId = new ArrayList<>(p);
            for (int i = 0; i < p; i++) {
                subsetIds.add(ids(subsets[i], data));
                byId.add(new CrestObserver.Coreset(ids(coresets.get(i).rows(), data), coresets.get(i).weights().clone()));
            }
            observer.selected(step, subsetIds, scored.scores().loss().clone(), byId, ids(dropped, data),
                    scorer.model());
        }
        LOG.debug("step {}: selection {} from {} rows, L0 {}, {} dropped", step, counts.selections, total,
                quadratic.loss0(), dropped.length);
        return new Region(all, coresets, quadratic);
    }

    /** Returns true when the quadratic model's relative error on R reached tau. */
    private static boolean check(Region region, SubsetScorer scorer, CandidatePool pool, CrestOptions crest,
                                 List<LabeledRow> data, long step, int epoch, Counts counts,
                                 CrestObserver observer) {
        long t0 = System.nanoTime();
        SubsetScorer.Result now = scorer.lossOnly(region.rows());
        double trueLoss = now.meanLoss();
        LinearHead head = now.head();
        double predicted = region.quadratic().predict(head);
        double error = region.quadratic().relativeError(trueLoss, head);
        boolean reselect = error >= crest.tau();
        int[] dropped = pool.observe(region.rows(), now.scores().loss(), epoch);
        counts.checks++;
        counts.checkRows += region.rows().length;
        counts.checkNanos += System.nanoTime() - t0;
        if (observer != CrestObserver.NONE) {
            observer.checked(step, ids(region.rows(), data), now.scores().loss().clone(), trueLoss, predicted, error,
                    reselect, ids(dropped, data));
        }
        return reselect;
    }

    private static long[] ids(int[] rows, List<LabeledRow> data) {
        long[] out = new long[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = data.get(rows[i]).id();
        }
        return out;
    }
}
