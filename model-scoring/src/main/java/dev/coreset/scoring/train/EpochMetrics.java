package dev.coreset.scoring.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One entry of {@code metrics.json}, written after each epoch (and for the initialisation, epoch 0). steps is the
 * cumulative number of Adam steps at that point, so the entries form an accuracy-against-steps curve; under a step
 * budget the last epoch may end mid-pass, after the budget's last step. trainLoss is the weighted mean training
 * loss over the epoch's steps (sum over batches of sum_i w_i l_i, divided by sum of w_i; null for epoch 0).
 * trainRows counts the rows back-propagated in the epoch (a batch whose weights are all 0 takes no step and is not
 * counted). Accuracies are null when no val/test source was given. seconds = wall time of the epoch's training +
 * evaluation. checkpoint is the epoch's folder, or null when the run keeps only its last checkpoint.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record EpochMetrics(
        @JsonProperty("epoch") int epoch,
        @JsonProperty("steps") long steps,
        @JsonProperty("trainLoss") Double trainLoss,
        @JsonProperty("trainRows") long trainRows,
        @JsonProperty("valAccuracy") Double valAccuracy,
        @JsonProperty("testAccuracy") Double testAccuracy,
        @JsonProperty("seconds") double seconds,
        @JsonProperty("checkpoint") String checkpoint) {
}
