package dev.coreset.scoring.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;
import java.util.SplittableRandom;

/**
 * Glorot-uniform weights drawn from a Java {@link SplittableRandom} (not the engine's global RNG), so
 * initialisation depends only on the seed and the block's fixed parameter order, never on other threads
 * using the engine. Bound = sqrt(6 / (fanIn + fanOut)), fanIn = prod(shape[1:]), fanOut = shape[0] *
 * prod(shape[2:]).
 */
public final class SeededInitializer implements Initializer {
    private final SplittableRandom random;

    public SeededInitializer(long seed) {
        this.random = new SplittableRandom(seed);
    }

    @Override
    public synchronized NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
        long size = shape.size();
        long receptive = 1;
        for (int i = 2; i < shape.dimension(); i++) {
            receptive *= shape.get(i);
        }
        long fanIn = shape.dimension() > 1 ? shape.get(1) * receptive : shape.get(0);
        long fanOut = shape.get(0) * receptive;
        double bound = Math.sqrt(6.0 / (fanIn + fanOut));
        float[] values = new float[Math.toIntExact(size)];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
        }
        return manager.create(values, shape).toType(dataType, false);
    }
}
