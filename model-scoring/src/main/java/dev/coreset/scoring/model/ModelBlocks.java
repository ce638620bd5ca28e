package dev.coreset.scoring.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;

/** Builds the DJL block of a {@link ModelSpec}. */
public final class ModelBlocks {
    private ModelBlocks() {
    }

    public static BodyHeadBlock build(ModelSpec spec) {
        SequentialBlock body = new SequentialBlock();
        if (ModelSpec.CNN.equals(spec.architecture())) {
            for (int channels : spec.convChannels()) {
                body.add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1))
                        .setFilters(channels).build());
                body.add(Activation.reluBlock());
                body.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
            }
        }
        body.add(Blocks.batchFlattenBlock());
        for (int width : spec.hidden()) {
            body.add(Linear.builder().setUnits(width).build());
            body.add(Activation.reluBlock());
        }
        Linear head = Linear.builder().setUnits(spec.numClasses()).build();
        return new BodyHeadBlock(body, head);
    }
}
