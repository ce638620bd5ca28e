package dev.coreset.schemas;

/**
 * Bad input or bad usage that the user can fix: the message is one line naming the file, column or
 * value at fault and what to do. The CLI maps it to exit code 2.
 */
public class CoresetInputException extends RuntimeException {
    public CoresetInputException(String message) {
        super(message);
    }

    public CoresetInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
