package dev.coreset.jobs.score;

import java.io.Serializable;

/**
 * A row's label and features as a bean, so Spark decodes the features straight into a float array (a copy of the
 * column's bytes) instead of a list of boxed floats: the boxing was half of a scoring task's Java time with a small
 * MLP (docs/BENCHMARKS.md, scoring). The label is boxed so a null label can be reported as an input error.
 */
public final class LabeledFeatures implements Serializable {
    private Integer label;
    private float[] features;

    public LabeledFeatures() {
    }

    public Integer getLabel() {
        return label;
    }

    public void setLabel(Integer label) {
        this.label = label;
    }

    public float[] getFeatures() {
        return features;
    }

    public void setFeatures(float[] features) {
        this.features = features;
    }
}
