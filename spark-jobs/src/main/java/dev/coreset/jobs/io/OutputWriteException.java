package dev.coreset.jobs.io;

/**
 * An output could not be written for a reason outside coreset (a full disk, a directory that refuses writes).
 * Its message is the one line users see: the output's path, what happened and the fix. The CLI exits 1.
 */
public final class OutputWriteException extends RuntimeException {
    public OutputWriteException(String message, Throwable cause) {
        super(message, cause);
    }
}
