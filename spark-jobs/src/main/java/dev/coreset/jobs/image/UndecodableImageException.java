package dev.coreset.jobs.image;

/** Bytes that javax.imageio cannot read as an image; callers turn it into an input error naming the file or row. */
public final class UndecodableImageException extends Exception {
    public UndecodableImageException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
