package dev.coreset.scoring.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Contents of {@code checkpoint.json} in an {@code epoch-NNN/} folder. {@code epoch} 0 is the
 * initialisation (before any update); epoch e >= 1 is the state after e full passes over the data.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CheckpointInfo(
        @JsonProperty("format") String format,
        @JsonProperty("formatVersion") int formatVersion,
        @JsonProperty("spec") ModelSpec spec,
        @JsonProperty("epoch") int epoch,
        @JsonProperty("numClasses") int numClasses,
        @JsonProperty("inputShape") List<Integer> inputShape,
        @JsonProperty("paramsPrefix") String paramsPrefix,
        @JsonProperty("seed") long seed) {

    public static final String FORMAT = "coreset-checkpoint";
    public static final int FORMAT_VERSION = 1;
    public static final String FILE_NAME = "checkpoint.json";
    public static final String PARAMS_PREFIX = "model";

    public static CheckpointInfo of(ModelSpec spec, int epoch, long seed) {
        return new CheckpointInfo(FORMAT, FORMAT_VERSION, spec, epoch, spec.numClasses(), spec.inputShape(),
                PARAMS_PREFIX, seed);
    }
}
