package dev.coreset.scoring;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import java.util.ArrayList;
import java.util.List;

/**
 * float batch in (as float32, or as int64 token ids for text models), every floating-point output copied to the JVM
 * heap out.
 */
final class FloatBatchTranslator implements NoBatchifyTranslator<FloatBatchTranslator.Input, List<FloatBatchTranslator.Tensor>> {
    private final boolean int64;

    FloatBatchTranslator(ModelRef.InputType type) {
        this.int64 = type == ModelRef.InputType.INT64;
    }

    record Input(float[] data, Shape shape) {
    }

    record Tensor(float[] data, long[] shape) {
        int rowWidth() {
            long w = 1;
            for (int i = 1; i < shape.length; i++) {
                w *= shape[i];
            }
            return (int) w;
        }
    }

    @Override
    public NDList processInput(TranslatorContext ctx, Input input) {
        if (!int64) {
            return new NDList(ctx.getNDManager().create(input.data(), input.shape()));
        }
        float[] f = input.data();
        long[] ids = new long[f.length];
        for (int i = 0; i < f.length; i++) {
            ids[i] = (long) f[i];
        }
        return new NDList(ctx.getNDManager().create(ids, input.shape()));
    }

    @Override
    public List<Tensor> processOutput(TranslatorContext ctx, NDList list) {
        List<Tensor> out = new ArrayList<>(list.size());
        for (NDArray a : list) {
            DataType t = a.getDataType();
            if (!t.isFloating()) {
                continue;
            }
            NDArray f = t == DataType.FLOAT32 ? a : a.toType(DataType.FLOAT32, false);
            out.add(new Tensor(f.toFloatArray(), f.getShape().getShape()));
        }
        return out;
    }
}
