package dev.coreset.jobs.demo;

import dev.coreset.schemas.CoresetInputException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The selection methods the demo compares, and the `coreset select` method each one runs. */
public enum DemoMethod {
    RANDOM("random", "random", false),
    /** Stratified random among the samples the noise flags leave (the control for filtering alone). */
    RANDOM_FILTERED("random-filtered", "random", true),
    /** EL2N averaged over the first checkpoints, highest first. */
    EL2N("el2n", "el2n", false),
    FACILITY_LOCATION("facility-location", "facility-location", false),
    /** Facility location on embeddings averaged over Gaussian draws of the last layer (posterior sampling). */
    FACILITY_LOCATION_POSTERIOR("facility-location-posterior", "facility-location", false),
    /** Facility location on the samples the noise flags leave. */
    FACILITY_LOCATION_FILTERED("facility-location-filtered", "facility-location", true),
    KCENTER("kcenter", "kcenter", false),
    CLD("cld", "cld", false),
    /** Coverage-centric selection on AUM, hard cut auto (select --method ccs). */
    CCS("ccs", "ccs", false),
    /** DUAL's score with Beta sampling (select --method dual, the paper's exponent 4). */
    DUAL("dual", "dual", false),
    /**
     * DUAL with the Beta density's exponent 8 and 16: larger exponents lean to harder samples at a given pruning rate.
     * On Fashion-MNIST's validation split (docs/BENCHMARKS.md) 8 was best for clean data at equal steps and 16 under
     * 30% noise at both protocols; the demo keeps the three and lets validation accuracy choose.
     */
    DUAL_E8("dual-e8", "dual", false, "--dual-exponent", "8"),
    DUAL_E16("dual-e16", "dual", false, "--dual-exponent", "16"),
    /** D2-Pruning on the logits-grad embedding with AUM difficulty, hard cut auto (select --method d2). */
    D2("d2", "d2", false),
    /** Stratified random among the samples `coreset dedup` leaves (demo --duplicates only). */
    RANDOM_DEDUP("random-dedup", "random", false),
    /** DUAL (exponent 4) among the samples `coreset dedup` leaves (demo --duplicates only). */
    DUAL_DEDUP("dual-dedup", "dual", false);

    /** The standard plan's methods: the baselines, the methods that lost to random before, and the new ones. */
    private static final List<DemoMethod> STANDARD = List.of(RANDOM, RANDOM_FILTERED, FACILITY_LOCATION,
            FACILITY_LOCATION_FILTERED, CLD, CCS, DUAL, DUAL_E8, DUAL_E16, D2);

    private final String cliName;
    private final String selectMethod;
    private final boolean filtered;
    private final List<String> selectArgs;

    DemoMethod(String cliName, String selectMethod, boolean filtered, String... selectArgs) {
        this.cliName = cliName;
        this.selectMethod = selectMethod;
        this.filtered = filtered;
        this.selectArgs = List.of(selectArgs);
    }

    /** Options this variant adds to `coreset select`. */
    public List<String> selectArgs() {
        return selectArgs;
    }

    /** Selects after dropping the samples `coreset noise` flagged (select --exclude). */
    public boolean filtered() {
        return filtered;
    }

    /** Selects after dropping the duplicates `coreset dedup` flagged (select --exclude). */
    public boolean deduplicated() {
        return this == RANDOM_DEDUP || this == DUAL_DEDUP;
    }

    public String cliName() {
        return cliName;
    }

    /** The --method of `coreset select` (cld runs `coreset cld`). */
    public String selectMethod() {
        return selectMethod;
    }

    /**
     * Methods that draw at random (random, CCS inside its strata, DUAL's sampling) make one coreset per training seed;
     * the others are functions of the scores.
     */
    public boolean seeded() {
        return selectMethod.equals("random") || selectMethod.equals("ccs") || selectMethod.equals("dual");
    }

    /** Methods that read the samples' trajectories (select --window applies). */
    public boolean dynamics() {
        return selectMethod.equals("ccs") || selectMethod.equals("dual") || selectMethod.equals("d2");
    }

    public static List<String> standardNames() {
        return STANDARD.stream().map(DemoMethod::cliName).toList();
    }

    /** Every method that runs on any data (the -dedup ones need demo --duplicates). */
    public static List<String> cliNames() {
        return Arrays.stream(values()).filter(m -> !m.deduplicated()).map(DemoMethod::cliName).toList();
    }

    public static DemoMethod parse(String name) {
        for (DemoMethod m : values()) {
            if (m.cliName.equals(name.toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new CoresetInputException("--methods: unknown method '" + name + "'; use "
                + String.join(", ", Arrays.stream(values()).map(DemoMethod::cliName).toList()) + ".");
    }
}
