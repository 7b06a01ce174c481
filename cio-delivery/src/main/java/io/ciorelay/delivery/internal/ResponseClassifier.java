package io.ciorelay.delivery.internal;

import io.ciorelay.client.ApiResponse;
import io.ciorelay.client.BatchError;
import io.ciorelay.client.BatchResult;
import io.ciorelay.client.CioApiException;
import io.ciorelay.client.CioTransportException;
import io.ciorelay.client.Retryability;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;

/**
 * Decides what a delivery result means: one pure function of the response (or error), so the
 * whole retry policy is visible in one table-tested place. Thread-safe.
 */
public final class ResponseClassifier {
  private ResponseClassifier() {}

  /** Classifies an HTTP answer to a v2 batch or a v1 call. */
  public static Verdict classify(ApiResponse response, Clock clock) {
    int status = response.status();
    if (status >= 200 && status < 300) {
      if (status == 204 || response.body() == null || response.body().length == 0) {
        return new Verdict(Verdict.Kind.DELIVERED, status, null, List.of(), Optional.empty());
      }
      BatchResult result;
      try {
        result = BatchResult.parse(response);
      } catch (RuntimeException e) {
        // A 2xx whose body is not the expected JSON still means "accepted".
        return new Verdict(Verdict.Kind.DELIVERED, status, null, List.of(), Optional.empty());
      }
      if (result.errors().isEmpty()) {
        return new Verdict(Verdict.Kind.DELIVERED, status, null, List.of(), Optional.empty());
      }
      return new Verdict(Verdict.Kind.PARTIAL, status, null, result.errors(), Optional.empty());
    }
    CioApiException error = CioApiException.from(response, clock);
    String message = error.getMessage();
    if (status == 401 || status == 403) {
      return new Verdict(Verdict.Kind.AUTH, status, message, List.of(), Optional.empty());
    }
    if (status == 429) {
      return new Verdict(Verdict.Kind.RATE_LIMITED, status, message, List.of(), error.retryAfter());
    }
    if (Retryability.isRetryableStatus(status)) {
      return new Verdict(Verdict.Kind.RETRY, status, message, List.of(), error.retryAfter());
    }
    List<BatchError> errors = error.batchErrors();
    return new Verdict(Verdict.Kind.REJECTED, status, message, errors == null ? List.of() : errors,
        Optional.empty());
  }

  /** Classifies a request that got no HTTP answer. */
  public static Verdict classify(Throwable failure) {
    Throwable t = failure;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    String message;
    if (t instanceof CioTransportException te) {
      message = te.getMessage();
    } else {
      message = t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
    return new Verdict(Verdict.Kind.RETRY, 0, message, List.of(), Optional.empty());
  }
}
