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

    /**
     * The exception for a request that got no (complete) answer: names the method, path and
     * what happened ("timed out", "could not connect", "failed"); {@link #timeout()} is true for
     * an {@link java.net.http.HttpTimeoutException}. A CioTransportException is returned as is;
     * {@link java.util.concurrent.CompletionException}s are unwrapped first.
     */
    public static CioTransportException of(ApiRequest request, Throwable error) {
        Throwable e = error;
        while (e instanceof java.util.concurrent.CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof CioTransportException te) {
            return te;
        }
        boolean timeout = e instanceof java.net.http.HttpTimeoutException;
        String what = timeout ? "timed out" : e instanceof java.net.ConnectException ? "could not connect" : "failed";
        String detail = e.getMessage() == null ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
        if (!(e instanceof java.io.IOException)) {
            detail = "unexpected " + detail;
        }
        return new CioTransportException(request.method() + " " + request.path() + " " + what + " (" + detail + ")",
                e, timeout);
    }
}
