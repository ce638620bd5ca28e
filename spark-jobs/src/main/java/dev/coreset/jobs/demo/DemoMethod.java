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
    CLD("cld", "cld", false);

    private final String cliName;
    private final String selectMethod;
    private final boolean filtered;

    DemoMethod(String cliName, String selectMethod, boolean filtered) {
        this.cliName = cliName;
        this.selectMethod = selectMethod;
        this.filtered = filtered;
    }

    /** Selects after dropping the samples `coreset noise` flagged (select --exclude). */
    public boolean filtered() {
        return filtered;
    }

    public String cliName() {
        return cliName;
    }

    /** The --method of `coreset select` (cld runs `coreset cld`). */
    public String selectMethod() {
        return selectMethod;
    }

    /** Random picks depend on the seed (one coreset per training seed); the others are functions of the scores. */
    public boolean seeded() {
        return selectMethod.equals("random");
    }

    public static List<String> cliNames() {
        return Arrays.stream(values()).map(DemoMethod::cliName).toList();
    }

    public static DemoMethod parse(String name) {
        for (DemoMethod m : values()) {
            if (m.cliName.equals(name.toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new CoresetInputException("--methods: unknown method '" + name + "'; use "
                + String.join(", ", cliNames()) + ".");
    }
}
