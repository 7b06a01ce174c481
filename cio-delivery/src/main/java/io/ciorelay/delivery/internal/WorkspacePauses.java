package io.ciorelay.delivery.internal;

import io.ciorelay.delivery.outcome.Action;
import io.ciorelay.delivery.ratelimit.RateLimiter;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a workspace may send now: the operator's pause, a pause after Customer.io refused the
 * credentials or the endpoint answered as no Customer.io would (one probe per interval until a
 * proper answer, or {@link #resume()}), and the 429 pause (held by the rate limiter, so every
 * sender sharing it waits). Nothing is dropped by a pause; lanes just do not start requests.
 *
 * <p>Thread-safe: the pause state is volatile; {@link #refused} and {@link #rateLimited} are called
 * by the dispatcher thread, {@link #pause()} / {@link #resume()} from any thread.
 */
final class WorkspacePauses {
  /** The lane loop's logger, as before the pauses were their own part. */
  private static final Logger log = LoggerFactory.getLogger(LaneScheduler.class);
  /** How long to wait before looking again while the operator's pause lasts. */
  static final long PAUSED_POLL_MILLIS = 1000;

  private final String workspace;
  private final HealthTracker health;
  private final RateLimiter limiter;
  private final Duration authRetryInterval;
  private final Duration endpointRetryInterval;
  private volatile boolean paused;
  /** Until when (epoch ms) no request starts after a credentials or endpoint refusal; 0: none. */
  private volatile long refusedUntil;

  WorkspacePauses(String workspace, HealthTracker health, RateLimiter limiter, Duration authRetryInterval,
      Duration endpointRetryInterval) {
    this.workspace = workspace;
    this.health = health;
    this.limiter = limiter;
    this.authRetryInterval = authRetryInterval;
    this.endpointRetryInterval = endpointRetryInterval;
  }

  /** The operator stops sending; health turns DOWN. */
  void pause() {
    paused = true;
    health.paused(true);
  }

  /** The operator's pause ends, and so does the wait for the next probe of a refusal. */
  void resume() {
    paused = false;
    health.paused(false);
    refusedUntil = 0;
  }

  boolean isPaused() {
    return paused;
  }

  /** Whether nothing will be delivered until something outside changes: paused, or the credentials or the endpoint refused. */
  boolean isBlocked() {
    return paused || probing();
  }

  /** Whether the credentials or the endpoint were refused and not answered properly since: one request at a time probes them. */
  boolean probing() {
    return health.endpointFailing() || health.authFailing();
  }

  /** 0 if requests may start at {@code nowMillis}, else when (epoch ms) to look again. */
  long closedUntil(long nowMillis) {
    if (paused) {
      return nowMillis + PAUSED_POLL_MILLIS;
    }
    long until = refusedUntil;
    return until > nowMillis ? until : 0;
  }

  /**
   * The credentials ({@link Action.PauseCredentials}) or the endpoint ({@link Action.PauseEndpoint})
   * were refused at {@code nowMillis}: health reports it and the next probe waits one interval.
   *
   * @throws IllegalArgumentException for any other action
   */
  void refused(Action action, long nowMillis) {
    Duration interval;
    if (action instanceof Action.PauseCredentials) {
      health.authFailure(action.reason());
      interval = authRetryInterval;
    } else if (action instanceof Action.PauseEndpoint) {
      health.endpointFailure(action.reason());
      interval = endpointRetryInterval;
    } else {
      throw new IllegalArgumentException("not a refusal of the credentials or the endpoint: " + action);
    }
    refusedUntil = nowMillis + interval.toMillis();
    log.error("workspace {}: {}; delivery paused, a probe every {} s, nothing dropped",
        workspace, action.reason(), interval.toSeconds());
  }

  /** Customer.io answered 429: no request of this workspace (through its limiter) starts before {@code untilMillis}. */
  void rateLimited(long untilMillis) {
    limiter.pauseUntil(untilMillis);
  }
}
