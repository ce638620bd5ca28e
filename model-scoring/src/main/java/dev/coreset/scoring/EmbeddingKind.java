package dev.coreset.scoring;

/**
 * Per-sample embedding produced by {@link BatchScorer}. With e = softmax(z) - onehot(y) (the gradient of the
 * cross-entropy w.r.t. the logits z):
 * <ul>
 *   <li>{@code NONE}: no embedding;</li>
 *   <li>{@code LOGITS_GRAD}: e (C values);</li>
 *   <li>{@code LAST_LAYER_GRAD}: the gradient w.r.t. the head weight W (C x H), e outer h, row-major
 *       {@code g[c * H + j] = e_c h_j} (C*H values), followed by the bias gradient e (C more values) when
 *       {@link ScoreOptions#includeBiasGrad()} is set. Needs the penultimate activation h: always there for
 *       coreset checkpoints; TorchScript models must return (logits, h).</li>
 * </ul>
 */
public enum EmbeddingKind {
    NONE, LOGITS_GRAD, LAST_LAYER_GRAD;

    public static EmbeddingKind parse(String s) {
        String k = s.trim().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        switch (k) {
            case "none":
                return NONE;
            case "logits-grad":
                return LOGITS_GRAD;
            case "last-layer-grad":
                return LAST_LAYER_GRAD;
            default:
                throw new dev.coreset.schemas.CoresetInputException("unknown embedding '" + s
                        + "'; use none, logits-grad or last-layer-grad");
        }
    }
}
