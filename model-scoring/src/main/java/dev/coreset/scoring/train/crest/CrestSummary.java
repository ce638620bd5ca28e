package dev.coreset.scoring.train.crest;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What CREST did in a run (written into training.json).
 *
 * @param selections        selections made (each picks {@code coresets} mini-batch coresets)
 * @param checks            checks of the quadratic model
 * @param samplesDropped    rows that left the candidate pool as learned
 * @param finalPool         rows still in the pool at the end
 * @param trainRows         rows back-propagated in training steps (the run's gradient computations)
 * @param selectionRows     rows forward-passed for selections (loss and gradient embedding of the subsets)
 * @param checkRows         rows forward-passed for checks
 * @param trainSeconds      time in training steps
 * @param selectionSeconds  time in selections (forward passes, facility location, CRAIG weights)
 * @param checkSeconds      time in checks (forward passes, quadratic model)
 * @param evalSeconds       time in val/test evaluation and checkpoints at the epoch-equivalent boundaries
 */
public record CrestSummary(@JsonProperty("options") CrestOptions options,
                           @JsonProperty("coresetSize") int coresetSize,
                           @JsonProperty("stepsPerEpoch") long stepsPerEpoch,
                           @JsonProperty("selections") long selections,
                           @JsonProperty("checks") long checks,
                           @JsonProperty("samplesDropped") long samplesDropped,
                           @JsonProperty("finalPool") long finalPool,
                           @JsonProperty("trainRows") long trainRows,
                           @JsonProperty("selectionRows") long selectionRows,
                           @JsonProperty("checkRows") long checkRows,
                           @JsonProperty("trainSeconds") double trainSeconds,
                           @JsonProperty("selectionSeconds") double selectionSeconds,
                           @JsonProperty("checkSeconds") double checkSeconds,
                           @JsonProperty("evalSeconds") double evalSeconds) {
}
