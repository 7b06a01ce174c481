package io.ciorelay.delivery.breaker;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the circuit breaker that stops sending while Customer.io is failing.
 *
 * <p>Defaults follow the reference patterns: the breaker opens after {@value #DEFAULT_FAILURE_THRESHOLD}
 * failed requests in a row (5xx, timeouts, connection errors; 429 and other 4xx do not count), stays
 * open {@code 30 s}, then lets {@value #DEFAULT_HALF_OPEN_CALLS} probe requests through and closes
 * when they succeed. Requests slower than {@code 10 s} count as slow; when every request in the
 * window is slow the breaker opens too. Built on Resilience4j. Immutable and thread-safe.
 */
public final class BreakerConfig {
  public static final int DEFAULT_FAILURE_THRESHOLD = 5;
  public static final int DEFAULT_HALF_OPEN_CALLS = 3;
  public static final Duration DEFAULT_OPEN_WAIT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_SLOW_CALL_THRESHOLD = Duration.ofSeconds(10);

  private final int failureThreshold;
  private final int halfOpenCalls;
  private final Duration openWait;
  private final Duration slowCallThreshold;

  private BreakerConfig(Builder b) {
    this.failureThreshold = b.failureThreshold;
    this.halfOpenCalls = b.halfOpenCalls;
    this.openWait = b.openWait;
    this.slowCallThreshold = b.slowCallThreshold;
  }

  public static Builder builder() {
    return new Builder();
  }

  public static BreakerConfig defaults() {
    return builder().build();
  }

  public int failureThreshold() {
    return failureThreshold;
  }

  public int halfOpenCalls() {
    return halfOpenCalls;
  }

  public Duration openWait() {
    return openWait;
  }

  public Duration slowCallThreshold() {
    return slowCallThreshold;
  }

  /** A Resilience4j breaker with these settings, reading time from {@code clock}. */
  public CircuitBreaker newBreaker(String name, Clock clock) {
    CircuitBreakerConfig c = CircuitBreakerConfig.custom()
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(failureThreshold)
        .minimumNumberOfCalls(failureThreshold)
        .failureRateThreshold(100f)
        .slowCallRateThreshold(100f)
        .slowCallDurationThreshold(slowCallThreshold)
        .permittedNumberOfCallsInHalfOpenState(halfOpenCalls)
        .waitDurationInOpenState(openWait)
        // Safety net: a half-open breaker whose probes never report back re-opens instead of
        // waiting forever.
        .maxWaitDurationInHalfOpenState(openWait.multipliedBy(2).plus(slowCallThreshold))
        .automaticTransitionFromOpenToHalfOpenEnabled(false)
        .clock(clock)
        .build();
    return CircuitBreaker.of(name, c);
  }

  @Override
  public String toString() {
    return "BreakerConfig{failureThreshold=" + failureThreshold + ", halfOpenCalls=" + halfOpenCalls
        + ", openWait=" + openWait + ", slowCallThreshold=" + slowCallThreshold + '}';
  }

  /** Builder for {@link BreakerConfig}; not thread-safe. */
  public static final class Builder {
    private int failureThreshold = DEFAULT_FAILURE_THRESHOLD;
    private int halfOpenCalls = DEFAULT_HALF_OPEN_CALLS;
    private Duration openWait = DEFAULT_OPEN_WAIT;
    private Duration slowCallThreshold = DEFAULT_SLOW_CALL_THRESHOLD;

    private Builder() {}

    public Builder failureThreshold(int v) {
      if (v < 1 || v > 1000) {
        throw new IllegalArgumentException("failureThreshold must be in 1..1000 but was " + v);
      }
      this.failureThreshold = v;
      return this;
    }

    public Builder halfOpenCalls(int v) {
      if (v < 1 || v > 100) {
        throw new IllegalArgumentException("halfOpenCalls must be in 1..100 but was " + v);
      }
      this.halfOpenCalls = v;
      return this;
    }

    public Builder openWait(Duration v) {
      Objects.requireNonNull(v, "openWait");
      if (v.isNegative() || v.isZero()) {
        throw new IllegalArgumentException("openWait must be positive but was " + v);
      }
      this.openWait = v;
      return this;
    }

    public Builder slowCallThreshold(Duration v) {
      Objects.requireNonNull(v, "slowCallThreshold");
      if (v.isNegative() || v.isZero()) {
        throw new IllegalArgumentException("slowCallThreshold must be positive but was " + v);
      }
      this.slowCallThreshold = v;
      return this;
    }

    public BreakerConfig build() {
      return new BreakerConfig(this);
    }
  }
}
