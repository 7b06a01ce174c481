package io.ciorelay.delivery.internal;

import io.ciorelay.delivery.ratelimit.RateLimiter;

/** A limiter that grants every request and remembers the last pause it was given. Thread-safe. */
final class RecordingLimiter implements RateLimiter {
  private volatile long pausedUntil;

  @Override
  public long tryAcquire() {
    return 0;
  }

  @Override
  public long nanosUntilAvailable() {
    return 0;
  }

  @Override
  public void pauseUntil(long epochMillis) {
    pausedUntil = epochMillis;
  }

  @Override
  public long pausedUntil() {
    return pausedUntil;
  }
}
