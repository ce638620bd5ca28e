package dev.coreset.jobs.cld;

import java.util.List;

/** A Spark array<float> cell (a java.util.List from Row.getList) as a float[]. */
final class FloatArrays {
    private FloatArrays() {
    }

    static float[] of(List<?> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) values.get(i)).floatValue();
        }
        return out;
    }
}
