package io.ciorelay.simulator;

import java.util.Map;

/**
 * A snapshot of what the simulator saw over HTTP since start or the last reset. Immutable.
 *
 * <p>Only API requests count (Track v1, v2 and {@code /unsubscribe}); the control endpoint does not.
 *
 * @param totalRequests API requests received, whatever their outcome
 * @param requestsByStatus number of responses per HTTP status code
 * @param connectionsDropped requests answered by dropping the connection (reset outage or stall)
 * @param peakRequestsPerSecond most API requests that arrived within any one-second sliding window
 * @param peakAdmittedPerSecond most requests let through the rate limiter within any one-second
 *     sliding window; never above the configured limit
 * @param requestsWithRetryHeader requests carrying an {@code X-Retry-Count} header
 * @param retryCounts number of requests per {@code X-Retry-Count} value (non-numeric values as -1)
 * @param acceptedOperations operations recorded as accepted (duplicates excluded)
 * @param rejectedOperations operations rejected by validation (400 or a 207 error entry)
 * @param duplicateEvents events dropped because their id had already been accepted
 */
public record SimulatorStats(
    long totalRequests,
    Map<Integer, Long> requestsByStatus,
    long connectionsDropped,
    int peakRequestsPerSecond,
    int peakAdmittedPerSecond,
    long requestsWithRetryHeader,
    Map<Integer, Long> retryCounts,
    long acceptedOperations,
    long rejectedOperations,
    long duplicateEvents) {

  public SimulatorStats {
    requestsByStatus = Map.copyOf(requestsByStatus);
    retryCounts = Map.copyOf(retryCounts);
  }

  /** Responses with this status code. */
  public long count(int status) {
    return requestsByStatus.getOrDefault(status, 0L);
  }
}
