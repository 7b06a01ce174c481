package io.ciorelay.delivery.health;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A snapshot of delivery to one workspace, as served by health endpoints.
 *
 * @param status             UP, DEGRADED or DOWN
 * @param reasons            why it is not UP (empty when UP)
 * @param breakerState       CLOSED, OPEN, HALF_OPEN (Resilience4j state names)
 * @param failures           failed requests since start (5xx, timeouts, connection errors)
 * @param consecutiveFailures failed requests since the last success
 * @param lastSuccess        time of the last successful request, or null
 * @param lastFailure        time of the last failed request, or null
 * @param lastError          message of the last failure, or null (never contains credentials)
 * @param backlog            operations accepted and not yet delivered or dead-lettered
 * @param backlogBytes       their encoded size
 * @param oldestPendingAge   age of the oldest of them, or {@link Duration#ZERO}
 * @param deadLetters        operations in the dead-letter store
 * @param deliveredPerSecond operations delivered per second over the last minute
 * @param pausedUntil        end of a 429 pause in force, or null
 */
public record Health(
    HealthStatus status,
    List<String> reasons,
    String breakerState,
    long failures,
    long consecutiveFailures,
    Instant lastSuccess,
    Instant lastFailure,
    String lastError,
    long backlog,
    long backlogBytes,
    Duration oldestPendingAge,
    long deadLetters,
    double deliveredPerSecond,
    Instant pausedUntil) {

  public boolean isUp() {
    return status == HealthStatus.UP;
  }
}
