package io.ciorelay.delivery.retry;

import java.time.Duration;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * Computes retry delays: pure functions of the attempt number, the server's {@code Retry-After}
 * and a random source. Thread-safe if the random source is.
 */
public final class Backoff {
  private final RetryConfig config;
  private final DoubleSupplier random;

  /** @param random values in [0, 1); tests pass a fixed source */
  public Backoff(RetryConfig config, DoubleSupplier random) {
    this.config = config;
    this.random = random;
  }

  /**
   * The delay before retry number {@code attempt} (1 = first retry): {@code base · 2^(attempt-1)}
   * capped at {@code maxDelay}, plus up to {@code jitter} of itself at random. A server
   * {@code Retry-After} wins when it is longer, cut at {@code retryAfterCap}.
   */
  public Duration delay(int attempt, Optional<Duration> retryAfter) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be at least 1 but was " + attempt);
    }
    long base = config.baseDelay().toMillis();
    long cap = config.maxDelay().toMillis();
    int shift = Math.min(attempt - 1, 30);
    long exp = base << shift;
    if (exp <= 0 || exp > cap) {
      exp = cap;
    }
    long withJitter = exp + (long) (exp * config.jitter() * random.getAsDouble());
    Duration computed = Duration.ofMillis(withJitter);
    if (retryAfter.isPresent()) {
      Duration server = retryAfter.get();
      if (server.compareTo(config.retryAfterCap()) > 0) {
        server = config.retryAfterCap();
      }
      if (server.compareTo(computed) > 0) {
        return server;
      }
    }
    return computed;
  }

  /** Whether an operation that failed {@code attempts} times, first at {@code firstFailureMillis}, has spent its budget. */
  public boolean budgetSpent(int attempts, long firstFailureMillis, long nowMillis) {
    if (attempts >= config.maxAttempts()) {
      return true;
    }
    return firstFailureMillis > 0 && nowMillis - firstFailureMillis >= config.budget().toMillis();
  }

  public RetryConfig config() {
    return config;
  }
}
