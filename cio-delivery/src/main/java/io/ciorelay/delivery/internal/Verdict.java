package io.ciorelay.delivery.internal;

import io.ciorelay.client.BatchError;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The classification of one delivery request's result, made by {@link ResponseClassifier}.
 *
 * @param kind        what to do next
 * @param status      HTTP status, or 0 for a transport failure
 * @param message     Customer.io's message or the transport error, never credentials
 * @param errors      per-operation errors of a partial success
 * @param retryAfter  the server's Retry-After, if any
 */
public record Verdict(Kind kind, int status, String message, List<BatchError> errors,
    Optional<Duration> retryAfter) {

  /** What the engine does with the batch. */
  public enum Kind {
    /** Every operation accepted: acknowledge all. */
    DELIVERED,
    /** Some operations refused (207, or 200 with errors): acknowledge the rest, dead-letter these. */
    PARTIAL,
    /** The whole request refused as invalid (400 and other non-retryable 4xx): bisect, or dead-letter a single op. */
    REJECTED,
    /** Credentials refused (401/403): pause the workspace, keep everything. */
    AUTH,
    /** 429: pause every lane of the workspace, retry the same batch; not a breaker failure. */
    RATE_LIMITED,
    /** 408, 5xx (but 501/505/511), timeouts and connection errors: back off and retry; a breaker failure. */
    RETRY
  }
}
