package io.ciorelay.client;

/**
 * Base of every exception this client throws; unchecked.
 *
 * <p>Messages never contain credentials. Instances are immutable once thrown.
 */
public class CioException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception with a message. */
    public CioException(String message) {
        super(message);
    }

    /** Creates an exception with a message and a cause. */
    public CioException(String message, Throwable cause) {
        super(message, cause);
    }
}
