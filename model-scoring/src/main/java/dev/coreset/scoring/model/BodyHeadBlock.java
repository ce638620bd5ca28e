package dev.coreset.scoring.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * body (input to penultimate activation h) followed by head (one Linear to C logits). forward returns
 * {@code NDList(logits, h)} so both the logits and the embedding come out of one pass.
 */
public final class BodyHeadBlock extends AbstractBlock {
    private static final byte VERSION = 1;

    private final Block body;
    private final Linear head;

    public BodyHeadBlock(Block body, Linear head) {
        super(VERSION);
        this.body = addChildBlock("body", body);
        this.head = addChildBlock("head", head);
    }

    public Block body() {
        return body;
    }

    public Linear head() {
        return head;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList h = body.forward(ps, inputs, training, params);
        NDList logits = head.forward(ps, h, training, params);
        return new NDList(logits.singletonOrThrow(), h.singletonOrThrow());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] h = body.getOutputShapes(inputShapes);
        Shape[] z = head.getOutputShapes(h);
        return new Shape[] {z[0], h[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        body.initialize(manager, dataType, inputShapes);
        head.initialize(manager, dataType, body.getOutputShapes(inputShapes));
    }
}
