package dev.coreset.scoring.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One entry of {@code metrics.json}. trainLoss is the weighted mean training loss over the epoch's steps
 * (sum over batches of sum_i w_i l_i, divided by sum of w_i; null for epoch 0). Accuracies are null when
 * no val/test source was given. seconds = wall time of the epoch's training + evaluation.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record EpochMetrics(
        @JsonProperty("epoch") int epoch,
        @JsonProperty("trainLoss") Double trainLoss,
        @JsonProperty("trainRows") long trainRows,
        @JsonProperty("valAccuracy") Double valAccuracy,
        @JsonProperty("testAccuracy") Double testAccuracy,
        @JsonProperty("seconds") double seconds,
        @JsonProperty("checkpoint") String checkpoint) {
}
