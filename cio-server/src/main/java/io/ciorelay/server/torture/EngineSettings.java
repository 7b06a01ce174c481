package io.ciorelay.server.torture;

import io.ciorelay.delivery.CustomerIoConfig;
import io.ciorelay.delivery.breaker.BreakerConfig;
import io.ciorelay.delivery.retry.RetryConfig;
import java.time.Duration;

/**
 * The library settings every store of a fault-schedule run uses (the SQLite child and each Redis
 * store), short enough that recovery after a fault is seen within seconds, and the bound on that
 * recovery the run checks. The retry budget is effectively unlimited (attempts and time), so an
 * operation dead-lettered by the run can only be one the simulator refused.
 */
final class EngineSettings {
  /** The simulator's limit, requests per second; the engine aims at 60 % of it. */
  static final int WORKSPACE_LIMIT = 20;
  static final double HEADROOM = 0.6;
  static final int LANES = 8;
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(1);
  static final Duration BREAKER_OPEN_WAIT = Duration.ofSeconds(1);
  static final Duration AUTH_RETRY_INTERVAL = Duration.ofSeconds(1);
  /** How often a workspace paused for a wrong endpoint (404, 3xx) probes it. */
  static final Duration ENDPOINT_RETRY_INTERVAL = Duration.ofSeconds(1);
  static final Duration RETRY_AFTER_CAP = Duration.ofSeconds(10);
  /** The Redis lease; a store that left lets its shards lapse after this long. */
  static final Duration LEASE_TTL = Duration.ofSeconds(3);
  /** Scheduling and a loaded 2-core machine. */
  static final Duration SLACK = Duration.ofSeconds(5);

  private EngineSettings() {}

  static CustomerIoConfig.Builder configure(CustomerIoConfig.Builder b, String baseUrl, String siteId, String apiKey) {
    return b.workspace("torture")
        .credentials(siteId, apiKey)
        .baseUrl(baseUrl)
        .requestTimeout(REQUEST_TIMEOUT)
        .connectTimeout(CONNECT_TIMEOUT)
        .lanes(LANES)
        .maxBatchOperations(50)
        .linger(Duration.ofMillis(50))
        .rateLimit(WORKSPACE_LIMIT, HEADROOM)
        .retry(RetryConfig.builder().baseDelay(Duration.ofMillis(100)).maxDelay(MAX_BACKOFF)
            .maxAttempts(Integer.MAX_VALUE).budget(Duration.ofDays(365)).retryAfterCap(RETRY_AFTER_CAP)
            .authRetryInterval(AUTH_RETRY_INTERVAL).endpointRetryInterval(ENDPOINT_RETRY_INTERVAL).build())
        .breaker(BreakerConfig.builder().openWait(BREAKER_OPEN_WAIT).build());
  }

  /**
   * How long after a fault ends every lane with work must have delivered again: the request
   * deadline, the longest backoff, the breaker's open wait, the longer of the credential and
   * endpoint probe intervals, the lease (Redis) and slack.
   */
  static Duration recoveryBound(boolean redis) {
    Duration probe = AUTH_RETRY_INTERVAL.compareTo(ENDPOINT_RETRY_INTERVAL) > 0 ? AUTH_RETRY_INTERVAL : ENDPOINT_RETRY_INTERVAL;
    Duration d = REQUEST_TIMEOUT.plus(MAX_BACKOFF).plus(BREAKER_OPEN_WAIT).plus(probe).plus(SLACK);
    return redis ? d.plus(LEASE_TTL) : d;
  }
}
