package io.ciorelay.delivery.internal;

import io.ciorelay.delivery.health.Health;
import io.ciorelay.delivery.health.HealthConfig;
import io.ciorelay.delivery.health.HealthStatus;
import io.ciorelay.delivery.outbox.OutboxStats;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Collects what {@link Health} reports: success and failure times, the last error, a credentials
 * problem, and a one-minute delivery rate. Thread-safe: fields are volatile or atomic and each is
 * written on its own; a snapshot may mix values from a few microseconds apart.
 */
public final class HealthTracker {
  private static final int RATE_SECONDS = 60;
  /** How long a timed-out request keeps health DEGRADED after it. */
  static final long TIMEOUT_MEMORY_MILLIS = 60_000;

  private final Clock clock;
  private final HealthConfig config;
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong consecutiveFailures = new AtomicLong();
  private volatile long lastSuccessMillis;
  private volatile long lastFailureMillis;
  private volatile String lastError;
  private volatile String authProblem;
  private volatile String endpointProblem;
  private volatile String storeProblem;
  private volatile boolean paused;
  private volatile long lastTimeoutMillis;
  private volatile String lastTimeout;
  private final AtomicLong timeouts = new AtomicLong();
  // Delivered operations per second, in a ring of 60 one-second slots keyed by epoch second.
  private final AtomicLongArray slotCounts = new AtomicLongArray(RATE_SECONDS);
  private final AtomicLongArray slotSeconds = new AtomicLongArray(RATE_SECONDS);

  public HealthTracker(Clock clock, HealthConfig config) {
    this.clock = clock;
    this.config = config;
  }

  public void success(int delivered) {
    long now = clock.millis();
    lastSuccessMillis = now;
    consecutiveFailures.set(0);
    authProblem = null;
    endpointProblem = null;
    if (delivered > 0) {
      long sec = now / 1000;
      int i = (int) (sec % RATE_SECONDS);
      long prev = slotSeconds.get(i);
      if (prev != sec && slotSeconds.compareAndSet(i, prev, sec)) {
        slotCounts.set(i, 0);
      }
      slotCounts.addAndGet(i, delivered);
    }
  }

  public void failure(String message) {
    lastFailureMillis = clock.millis();
    lastError = message;
    failures.incrementAndGet();
    consecutiveFailures.incrementAndGet();
  }

  /** A request got no complete answer by its deadline (also counted as a failure). */
  public void timeout(String message) {
    failure(message);
    timeouts.incrementAndGet();
    lastTimeout = message;
    lastTimeoutMillis = clock.millis();
  }

  public void authFailure(String message) {
    authProblem = message;
    lastFailureMillis = clock.millis();
    lastError = message;
  }

  /** The endpoint answered as if it were not Customer.io; cleared by the next proper answer or {@link #endpointCleared()}. */
  public void endpointFailure(String message) {
    endpointProblem = message;
    lastFailureMillis = clock.millis();
    lastError = message;
  }

  /** An operator resumed delivery: a reported endpoint problem is to be probed again. */
  public void endpointCleared() {
    endpointProblem = null;
  }

  /** Whether a credentials problem is reported and not yet cleared by a proper answer. */
  public boolean authFailing() {
    return authProblem != null;
  }

  /** Whether an endpoint problem is reported and not yet cleared. */
  public boolean endpointFailing() {
    return endpointProblem != null;
  }

  public void storeFailure(String message) {
    storeProblem = message;
  }

  /** Whether a store failure is reported and not yet cleared. */
  public boolean storeFailing() {
    return storeProblem != null;
  }

  /** The store worked again (a commit succeeded): clears a reported store failure. */
  public void storeRecovered() {
    if (storeProblem != null) {
      storeProblem = null;
    }
  }

  public void paused(boolean paused) {
    this.paused = paused;
  }

  double deliveredPerSecond() {
    long nowSec = clock.millis() / 1000;
    long sum = 0;
    for (int i = 0; i < RATE_SECONDS; i++) {
      long s = slotSeconds.get(i);
      if (s > nowSec - RATE_SECONDS && s <= nowSec) {
        sum += slotCounts.get(i);
      }
    }
    return sum / (double) RATE_SECONDS;
  }

  /** Builds a snapshot from the tracked values, the breaker state and the outbox stats. */
  public Health snapshot(String breakerState, OutboxStats stats, long pausedUntilMillis) {
    return snapshot(breakerState, stats, pausedUntilMillis, List.of());
  }

  /**
   * As {@link #snapshot(String, OutboxStats, long)}, with lanes whose request outlived its deadline
   * ({@code stalledLanes}, each described): any makes health DEGRADED, never UP.
   */
  public Health snapshot(String breakerState, OutboxStats stats, long pausedUntilMillis, List<String> stalledLanes) {
    long now = clock.millis();
    Duration age = stats.oldestAcceptedAtMillis() < 0 ? Duration.ZERO
        : Duration.ofMillis(Math.max(0, now - stats.oldestAcceptedAtMillis()));
    List<String> down = new ArrayList<>();
    List<String> degraded = new ArrayList<>();
    if (storeProblem != null) {
      down.add("outbox failing: " + storeProblem);
    }
    if (authProblem != null) {
      down.add("Customer.io refused the credentials: " + authProblem);
    }
    if (endpointProblem != null) {
      down.add("the Customer.io endpoint answers wrongly, delivery paused (nothing dead-lettered): " + endpointProblem);
    }
    if (paused) {
      down.add("delivery paused by an operator");
    }
    if ("OPEN".equals(breakerState) || "FORCED_OPEN".equals(breakerState)) {
      down.add("circuit breaker open after repeated failures"
          + (lastError == null ? "" : "; last error: " + lastError));
    } else if ("HALF_OPEN".equals(breakerState)) {
      degraded.add("circuit breaker half-open: probing Customer.io");
    }
    for (String lane : stalledLanes) {
      degraded.add("stalled " + lane);
    }
    long sinceTimeout = now - lastTimeoutMillis;
    if (lastTimeoutMillis > 0 && sinceTimeout < TIMEOUT_MEMORY_MILLIS) {
      degraded.add(timeouts.get() + " request(s) timed out so far, the last " + sinceTimeout / 1000 + " s ago: "
          + lastTimeout);
    }
    if (pausedUntilMillis > now) {
      degraded.add("rate-limited by Customer.io until " + Instant.ofEpochMilli(pausedUntilMillis));
    }
    if (age.compareTo(config.maxPendingAge()) > 0) {
      degraded.add("oldest pending operation is " + age.toSeconds() + " s old (threshold "
          + config.maxPendingAge().toSeconds() + " s)");
    }
    if (stats.deadLetters() > 0) {
      degraded.add(stats.deadLetters() + " operation(s) in the dead-letter store");
    }
    HealthStatus status = !down.isEmpty() ? HealthStatus.DOWN
        : !degraded.isEmpty() ? HealthStatus.DEGRADED : HealthStatus.UP;
    List<String> reasons = new ArrayList<>(down);
    reasons.addAll(degraded);
    return new Health(status, List.copyOf(reasons), breakerState, failures.get(), consecutiveFailures.get(),
        lastSuccessMillis == 0 ? null : Instant.ofEpochMilli(lastSuccessMillis),
        lastFailureMillis == 0 ? null : Instant.ofEpochMilli(lastFailureMillis),
        lastError, stats.pending(), stats.pendingBytes(), age, stats.deadLetters(),
        deliveredPerSecond(), pausedUntilMillis > now ? Instant.ofEpochMilli(pausedUntilMillis) : null);
  }
}
