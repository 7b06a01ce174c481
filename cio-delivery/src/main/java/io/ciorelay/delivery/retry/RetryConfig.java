package io.ciorelay.delivery.retry;

import java.time.Duration;
import java.util.Objects;

/**
 * How failed deliveries are retried: exponential backoff with jitter, a cap on honoured
 * {@code Retry-After} values, and a total budget after which an operation is dead-lettered.
 *
 * <p>Defaults follow the reference patterns: 1 s, 2 s, 4 s … (doubling) capped at 60 s, plus up
 * to 30 % random jitter; {@code Retry-After} honoured up to 5 minutes; an operation that has kept
 * failing for 24 hours, or 50 attempts, is dead-lettered with its last error. Immutable and
 * thread-safe.
 */
public final class RetryConfig {
  public static final Duration DEFAULT_BASE_DELAY = Duration.ofSeconds(1);
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(60);
  public static final double DEFAULT_JITTER = 0.3;
  public static final Duration DEFAULT_RETRY_AFTER_CAP = Duration.ofMinutes(5);
  public static final Duration DEFAULT_BUDGET = Duration.ofHours(24);
  public static final int DEFAULT_MAX_ATTEMPTS = 50;
  public static final Duration DEFAULT_AUTH_RETRY_INTERVAL = Duration.ofSeconds(60);
  public static final Duration DEFAULT_ENDPOINT_RETRY_INTERVAL = Duration.ofSeconds(30);

  private final Duration baseDelay;
  private final Duration maxDelay;
  private final double jitter;
  private final Duration retryAfterCap;
  private final Duration budget;
  private final int maxAttempts;
  private final Duration authRetryInterval;
  private final Duration endpointRetryInterval;

  private RetryConfig(Builder b) {
    this.baseDelay = b.baseDelay;
    this.maxDelay = b.maxDelay;
    this.jitter = b.jitter;
    this.retryAfterCap = b.retryAfterCap;
    this.budget = b.budget;
    this.maxAttempts = b.maxAttempts;
    this.authRetryInterval = b.authRetryInterval;
    this.endpointRetryInterval = b.endpointRetryInterval;
  }

  public static Builder builder() {
    return new Builder();
  }

  public static RetryConfig defaults() {
    return builder().build();
  }

  /** First retry delay before jitter. */
  public Duration baseDelay() {
    return baseDelay;
  }

  /** Upper bound of the exponential delay before jitter. */
  public Duration maxDelay() {
    return maxDelay;
  }

  /** Fraction of the delay added at random (0.3 = up to +30 %). */
  public double jitter() {
    return jitter;
  }

  /** Longest {@code Retry-After} honoured; longer values are cut to this. */
  public Duration retryAfterCap() {
    return retryAfterCap;
  }

  /** Time since an operation's first failure after which it is dead-lettered. */
  public Duration budget() {
    return budget;
  }

  /** Failed attempts after which an operation is dead-lettered. */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** How often delivery is re-tried while Customer.io refuses the credentials (401/403). */
  public Duration authRetryInterval() {
    return authRetryInterval;
  }

  /**
   * How often one probe request is sent while the endpoint answers as if it were not Customer.io
   * (3xx, 404, 405, a whole-request 413, 501, 505, 511, a body that is not Customer.io's).
   */
  public Duration endpointRetryInterval() {
    return endpointRetryInterval;
  }

  @Override
  public String toString() {
    return "RetryConfig{baseDelay=" + baseDelay + ", maxDelay=" + maxDelay + ", jitter=" + jitter
        + ", retryAfterCap=" + retryAfterCap + ", budget=" + budget + ", maxAttempts=" + maxAttempts
        + ", authRetryInterval=" + authRetryInterval + ", endpointRetryInterval=" + endpointRetryInterval + '}';
  }

  /** Builder for {@link RetryConfig}; not thread-safe. */
  public static final class Builder {
    private Duration baseDelay = DEFAULT_BASE_DELAY;
    private Duration maxDelay = DEFAULT_MAX_DELAY;
    private double jitter = DEFAULT_JITTER;
    private Duration retryAfterCap = DEFAULT_RETRY_AFTER_CAP;
    private Duration budget = DEFAULT_BUDGET;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Duration authRetryInterval = DEFAULT_AUTH_RETRY_INTERVAL;
    private Duration endpointRetryInterval = DEFAULT_ENDPOINT_RETRY_INTERVAL;

    private Builder() {}

    public Builder baseDelay(Duration v) {
      this.baseDelay = positive("baseDelay", v);
      return this;
    }

    public Builder maxDelay(Duration v) {
      this.maxDelay = positive("maxDelay", v);
      return this;
    }

    public Builder jitter(double v) {
      if (!(v >= 0 && v <= 1)) {
        throw new IllegalArgumentException("jitter must be in 0..1 but was " + v);
      }
      this.jitter = v;
      return this;
    }

    public Builder retryAfterCap(Duration v) {
      this.retryAfterCap = positive("retryAfterCap", v);
      return this;
    }

    public Builder budget(Duration v) {
      this.budget = positive("budget", v);
      return this;
    }

    public Builder maxAttempts(int v) {
      if (v < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1 but was " + v);
      }
      this.maxAttempts = v;
      return this;
    }

    public Builder authRetryInterval(Duration v) {
      this.authRetryInterval = positive("authRetryInterval", v);
      return this;
    }

    public Builder endpointRetryInterval(Duration v) {
      this.endpointRetryInterval = positive("endpointRetryInterval", v);
      return this;
    }

    public RetryConfig build() {
      if (maxDelay.compareTo(baseDelay) < 0) {
        throw new IllegalArgumentException(
            "maxDelay must be at least baseDelay (" + baseDelay + ") but was " + maxDelay);
      }
      return new RetryConfig(this);
    }

    static Duration positive(String name, Duration v) {
      Objects.requireNonNull(v, name);
      if (v.isNegative() || v.isZero()) {
        throw new IllegalArgumentException(name + " must be positive but was " + v);
      }
      return v;
    }
  }
}
