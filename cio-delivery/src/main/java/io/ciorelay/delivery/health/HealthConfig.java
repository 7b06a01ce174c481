package io.ciorelay.delivery.health;

import java.time.Duration;
import java.util.Objects;

/**
 * Thresholds that turn health DEGRADED. Default: the oldest pending operation is older than
 * 5 minutes. Immutable and thread-safe.
 */
public final class HealthConfig {
  public static final Duration DEFAULT_MAX_PENDING_AGE = Duration.ofMinutes(5);

  private final Duration maxPendingAge;

  private HealthConfig(Duration maxPendingAge) {
    this.maxPendingAge = maxPendingAge;
  }

  public static HealthConfig defaults() {
    return new HealthConfig(DEFAULT_MAX_PENDING_AGE);
  }

  /** @param maxPendingAge oldest-pending age above which health is DEGRADED; positive */
  public static HealthConfig of(Duration maxPendingAge) {
    Objects.requireNonNull(maxPendingAge, "maxPendingAge");
    if (maxPendingAge.isNegative() || maxPendingAge.isZero()) {
      throw new IllegalArgumentException("maxPendingAge must be positive but was " + maxPendingAge);
    }
    return new HealthConfig(maxPendingAge);
  }

  public Duration maxPendingAge() {
    return maxPendingAge;
  }
}
