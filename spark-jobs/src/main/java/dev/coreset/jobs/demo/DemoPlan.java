package dev.coreset.jobs.demo;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.coreset.schemas.CoresetInputException;
import java.util.List;
import java.util.Locale;

/**
 * Everything the demo does, fixed before it starts and saved as {@code demo-plan.json}.
 *
 * @param dataset        "idx:DIR" (train/t10k IDX files, e.g. Fashion-MNIST) or "csv:FILE" (label in the last column)
 * @param limit          first rows of each input file (0 = all)
 * @param testFraction   test hold-out for inputs without a test file (csv)
 * @param noise          label-noise settings to run ({@link DemoNoise}: "0" clean, "0.3" uniform, "pair:0.3")
 * @param methods        selection methods (see {@link DemoMethod})
 * @param fractions      coreset sizes as a fraction of each class
 * @param seeds          training seeds 1..seeds (random selection uses the same seed)
 * @param proxyEpochs    epochs of the proxy that produces the scores
 * @param trainEpochs    epochs of the full-data runs; every coreset trains for the same number of optimizer steps
 *                       (equal steps), and its accuracy after the same number of epochs is read off that run at
 *                       epoch trainEpochs (equal epochs: with a fixed learning rate, the first epochs of the longer run
 *                       are exactly the shorter run)
 * @param hidden         MLP widths for proxy and final models
 * @param posteriorDraws weight draws of the posterior-sampled embedding
 * @param posteriorSigma std of the Gaussian perturbation of the last layer
 * @param duplicates     share of the train rows copied into the train split before proxy training (0: none; see
 *                       {@link DemoDuplicates}); dedup then runs on the scores and every coreset has the same size
 *                       per class, so that selecting after dedup compares with selecting without it
 * @param dedupOn        what dedup compares: "scores" (the proxy's last-checkpoint logits-grad embeddings) or "pixels"
 *                       (the train rows' features)
 */
public record DemoPlan(@JsonProperty("dataset") String dataset,
                       @JsonProperty("limit") long limit,
                       @JsonProperty("testFraction") double testFraction,
                       @JsonProperty("noise") List<String> noise,
                       @JsonProperty("methods") List<String> methods,
                       @JsonProperty("fractions") List<Double> fractions,
                       @JsonProperty("seeds") int seeds,
                       @JsonProperty("proxyEpochs") int proxyEpochs,
                       @JsonProperty("trainEpochs") int trainEpochs,
                       @JsonProperty("hidden") List<Integer> hidden,
                       @JsonProperty("batchSize") int batchSize,
                       @JsonProperty("learningRate") float learningRate,
                       @JsonProperty("posteriorDraws") int posteriorDraws,
                       @JsonProperty("posteriorSigma") double posteriorSigma,
                       @JsonProperty("duplicates") double duplicates,
                       @JsonProperty("dedupOn") String dedupOn) {

    public DemoPlan {
        dedupOn = dedupOn == null ? DEDUP_ON_SCORES : dedupOn;
        noise = List.copyOf(noise);
        methods = List.copyOf(methods);
        fractions = List.copyOf(fractions);
        hidden = List.copyOf(hidden);
    }

    static final String DEDUP_ON_SCORES = "scores";
    static final String DEDUP_ON_PIXELS = "pixels";

    /** The full comparison: clean, 30% uniform and 30% pair noise, the standard methods, two sizes, three seeds. */
    public static DemoPlan standard(String dataset, double testFraction) {
        return new DemoPlan(dataset, 0, testFraction, List.of("0", "0.3", "pair:0.3"), DemoMethod.standardNames(),
                List.of(0.1, 0.3), 3, 3, 6, List.of(256), 128, 1e-3f, 8, 0.02, 0, DEDUP_ON_SCORES);
    }

    /** A smoke run of every stage and method: a slice of the data, clean and 30% noise, one size, one seed. */
    public static DemoPlan quick(String dataset, double testFraction) {
        return new DemoPlan(dataset, 6_000, testFraction, List.of("0", "0.3"), DemoMethod.cliNames(), List.of(0.1), 1,
                2, 3, List.of(128), 128, 1e-3f, 4, 0.02, 0, DEDUP_ON_SCORES);
    }

    /** The noise settings, parsed. */
    public List<DemoNoise> noiseSettings() {
        return noise.stream().map(DemoNoise::parse).toList();
    }

    /** This plan with the given settings replaced (null: keep). Checks the result. */
    public DemoPlan with(List<String> noise, List<String> methods, List<Double> fractions, Integer seeds, Long limit,
                         Integer proxyEpochs, Integer trainEpochs) {
        return with(noise, methods, fractions, seeds, limit, proxyEpochs, trainEpochs, null, null);
    }

    /** As above, also replacing the injected duplicates' share. */
    public DemoPlan with(List<String> noise, List<String> methods, List<Double> fractions, Integer seeds, Long limit,
                         Integer proxyEpochs, Integer trainEpochs, Double duplicates, String dedupOn) {
        DemoPlan p = new DemoPlan(dataset, limit != null ? limit : this.limit, testFraction,
                noise != null ? noise : this.noise, methods != null ? methods : this.methods,
                fractions != null ? fractions : this.fractions, seeds != null ? seeds : this.seeds,
                proxyEpochs != null ? proxyEpochs : this.proxyEpochs, trainEpochs != null ? trainEpochs : this.trainEpochs,
                hidden, batchSize, learningRate, posteriorDraws, posteriorSigma,
                duplicates != null ? duplicates : this.duplicates, dedupOn != null ? dedupOn : this.dedupOn);
        p.check();
        return p;
    }

    void check() {
        DemoDataset.parse(dataset);
        for (double f : fractions) {
            if (!(f > 0 && f < 1)) {
                throw new CoresetInputException("--fractions " + f + " is outside (0, 1); pass e.g. 0.05,0.1,0.3.");
            }
        }
        List<DemoNoise> settings = noiseSettings();
        if (settings.stream().map(DemoNoise::tag).distinct().count() != settings.size()) {
            throw new CoresetInputException("--noise " + noise + " names one setting twice; list each once.");
        }
        if (fractions.isEmpty() || noise.isEmpty() || methods.isEmpty()) {
            throw new CoresetInputException("--fractions, --noise and --methods need at least one value each.");
        }
        methods.forEach(DemoMethod::parse);
        if (seeds < 1 || proxyEpochs < 1 || trainEpochs < 1 || limit < 0) {
            throw new CoresetInputException("--seeds, --proxy-epochs and --train-epochs must be at least 1 and --limit"
                    + " at least 0 (got " + seeds + ", " + proxyEpochs + ", " + trainEpochs + ", " + limit + ").");
        }
        if (methods.contains(DemoMethod.DUAL.cliName()) && proxyEpochs < 2) {
            throw new CoresetInputException("--methods dual needs --proxy-epochs 2 or more (DUAL's window spans 2+"
                    + " trained checkpoints); got " + proxyEpochs + ".");
        }
        if (!(duplicates >= 0 && duplicates < 1)) {
            throw new CoresetInputException("--duplicates " + duplicates + " is outside [0, 1); pass e.g. 0.2.");
        }
        if (duplicates == 0 && methods.stream().map(DemoMethod::parse).anyMatch(DemoMethod::deduplicated)) {
            throw new CoresetInputException("--methods " + methods + ": the -dedup methods need --duplicates F (e.g."
                    + " 0.2), the share of injected copies that dedup removes.");
        }
        if (!dedupOn.equals(DEDUP_ON_SCORES) && !dedupOn.equals(DEDUP_ON_PIXELS)) {
            throw new CoresetInputException("--dedup-on " + dedupOn + ": use scores or pixels.");
        }
        if (!methods.contains(DemoMethod.RANDOM.cliName())) {
            throw new CoresetInputException("--methods must include random: every method is compared with it.");
        }
    }

    /** One line saying what will run. */
    public String describe() {
        return String.format(Locale.ROOT, "%s%s%s, noise %s, methods %s, sizes %s, %d seed(s), proxy %d epochs,"
                + " full data %d epochs, coresets the same steps (MLP %s)", dataset, limit > 0 ? " (first " + limit + " rows per file)" : "",
                duplicates > 0 ? ", " + Math.round(duplicates * 100) + "% of train injected as copies" : "", noise, methods, fractions, seeds, proxyEpochs, trainEpochs, hidden);
    }

    /** Folder-name tag of a fraction: 5pct, 10pct, 2_5pct. */
    public static String fractionTag(double f) {
        double pct = Math.round(f * 1e6) / 1e4;
        return (pct == Math.rint(pct) ? String.valueOf((long) pct) : String.valueOf(pct).replace('.', '_')) + "pct";
    }
}
