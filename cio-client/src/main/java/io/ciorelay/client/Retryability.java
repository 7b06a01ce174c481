package io.ciorelay.client;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The one place that decides whether a failed call to Customer.io may be retried.
 *
 * <p>Retry 408, 429 and 5xx except 501 (not implemented), 505 (HTTP version not supported) and
 * 511 (network authentication required), and failures without an HTTP answer; never other 4xx,
 * 1xx, 2xx or 3xx. Pure functions; thread-safe.
 */
public final class Retryability {
    private Retryability() {
    }

    /** Returns true for 408, 429 and 500–599 except 501, 505 and 511. */
    public static boolean isRetryableStatus(int status) {
        if (status == 408 || status == 429) {
            return true;
        }
        return status >= 500 && status <= 599 && status != 501 && status != 505 && status != 511;
    }

    /**
     * Returns whether a failure may be retried: {@link CioTransportException},
     * {@link ConnectException}, {@link HttpTimeoutException} and other {@link IOException}s yes;
     * {@link CioApiException} by its status; {@link ValidationException}, null and anything else
     * no. {@link CompletionException} and {@link ExecutionException} are unwrapped first.
     */
    public static boolean isRetryable(Throwable t) {
        Throwable e = t;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof CioTransportException) {
            return true;
        }
        if (e instanceof CioApiException) {
            return isRetryableStatus(((CioApiException) e).status());
        }
        return e instanceof IOException; // includes ConnectException and HttpTimeoutException
    }
}
