package io.ciorelay.client;

/**
 * No HTTP answer was obtained: connection refused or reset, DNS failure, connect or request
 * timeout, or the calling thread was interrupted while waiting.
 *
 * <p>Always retryable ({@link Retryability#isRetryable(Throwable)} returns true). Note that after a
 * request timeout Customer.io may still have processed the request, so resend with the same event
 * {@code id}. Immutable.
 */
public final class CioTransportException extends CioException {
    private static final long serialVersionUID = 1L;

    private final boolean timeout;

    /** Creates a transport failure; {@code timeout} tells whether a connect or request timeout caused it. */
    public CioTransportException(String message, Throwable cause, boolean timeout) {
        super(message, cause);
        this.timeout = timeout;
    }

    /** Returns true if a connect or request timeout caused the failure. */
    public boolean timeout() {
        return timeout;
    }

    /** Returns true: transport failures are always worth retrying. */
    public boolean retryable() {
        return true;
    }
}
