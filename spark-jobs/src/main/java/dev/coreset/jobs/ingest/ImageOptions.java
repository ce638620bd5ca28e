package dev.coreset.jobs.ingest;

import java.util.List;

/**
 * Ingest's image options: the Parquet column holding encoded images (--image-column), how they will be decoded
 * (--image-size H,W, --channels gray|rgb, --mean, --std; unset = taken from the first image, values in [0, 1]),
 * and whether undecodable images are dropped and counted (--skip-bad-images) rather than refused.
 */
public record ImageOptions(String imageColumn, List<Integer> imageSize, String channels, List<Double> mean,
                           List<Double> std, boolean skipBadImages) {

    /** Whether any image option was given (they need --format images or --image-column). */
    public boolean anyGiven() {
        return imageColumn != null || imageSize != null || channels != null || mean != null || std != null
                || skipBadImages;
    }
}
