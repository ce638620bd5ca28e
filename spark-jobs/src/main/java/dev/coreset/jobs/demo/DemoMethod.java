package dev.coreset.jobs.demo;

import dev.coreset.schemas.CoresetInputException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The selection methods the demo compares, and the `coreset select` method each one runs. */
public enum DemoMethod {
    RANDOM("random", "random"),
    EL2N("el2n", "el2n"),
    FACILITY_LOCATION("facility-location", "facility-location"),
    /** Facility location on embeddings averaged over Gaussian draws of the last layer (posterior sampling). */
    FACILITY_LOCATION_POSTERIOR("facility-location-posterior", "facility-location"),
    KCENTER("kcenter", "kcenter"),
    CLD("cld", "cld");

    private final String cliName;
    private final String selectMethod;

    DemoMethod(String cliName, String selectMethod) {
        this.cliName = cliName;
        this.selectMethod = selectMethod;
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
        return this == RANDOM;
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
