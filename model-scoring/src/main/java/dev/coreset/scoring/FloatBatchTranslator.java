package dev.coreset.scoring;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import java.util.ArrayList;
import java.util.List;

/** float batch in, every floating-point output copied to the JVM heap out. */
final class FloatBatchTranslator implements NoBatchifyTranslator<FloatBatchTranslator.Input, List<FloatBatchTranslator.Tensor>> {

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
        return new NDList(ctx.getNDManager().create(input.data(), input.shape()));
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
