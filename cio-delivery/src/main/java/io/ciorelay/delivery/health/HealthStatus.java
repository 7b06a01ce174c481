package io.ciorelay.delivery.health;

/** Overall delivery health. */
public enum HealthStatus {
  /** Delivering normally. */
  UP,
  /** Delivering, but slowed or partly failing (half-open breaker, rate-limited, old backlog, dead letters). */
  DEGRADED,
  /** Not delivering (breaker open, credentials refused, store failing, paused); accepted work waits on disk. */
  DOWN
}
