package io.ciorelay.delivery.ratelimit;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A rate limiter for one process: a Bucket4j token bucket refilled greedily at the effective rate,
 * plus a pause set from 429 answers. Thread-safe (lock-free).
 */
public final class LocalRateLimiter implements RateLimiter {
  private final Bucket bucket;
  private final Clock clock;
  private final AtomicLong pausedUntil = new AtomicLong();

  public LocalRateLimiter(RateLimitConfig config, Clock clock) {
    this.clock = clock;
    // A full bucket plus one second of refill must stay within the limit.
    double rate = Math.min(config.effectiveRate(), config.requestsPerSecond() - config.burst());
    if (rate <= 0) {
      // A limit of about 1 request/s or less: one token, refilled at the effective rate (< 1/s),
      // cannot yield two grants within one second anyway.
      rate = config.effectiveRate();
    }
    // Refill in whole tokens over the period that yields them: rate r/s = (r*1000) tokens per 1000 s
    // would allow bursts, so express it as N tokens per (N / r) seconds with N = burst.
    long tokens = config.burst();
    long periodNanos = (long) Math.ceil(tokens * 1_000_000_000d / rate);
    Bandwidth limit = Bandwidth.builder()
        .capacity(tokens)
        .refillGreedy(tokens, Duration.ofNanos(periodNanos))
        .build();
    this.bucket = Bucket.builder()
        .addLimit(limit)
        .withCustomTimePrecision(new ClockTimeMeter(clock))
        .build();
  }

  @Override
  public long tryAcquire() {
    long pause = pausedUntil.get();
    long now = clock.millis();
    if (pause > now) {
      return TimeUnit.MILLISECONDS.toNanos(pause - now);
    }
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    return probe.isConsumed() ? 0 : Math.max(1, probe.getNanosToWaitForRefill());
  }

  @Override
  public long nanosUntilAvailable() {
    long pause = pausedUntil.get();
    long now = clock.millis();
    if (pause > now) {
      return TimeUnit.MILLISECONDS.toNanos(pause - now);
    }
    io.github.bucket4j.EstimationProbe probe = bucket.estimateAbilityToConsume(1);
    return probe.canBeConsumed() ? 0 : Math.max(1, probe.getNanosToWaitForRefill());
  }

  @Override
  public void pauseUntil(long epochMillis) {
    pausedUntil.accumulateAndGet(epochMillis, Math::max);
  }

  @Override
  public long pausedUntil() {
    long p = pausedUntil.get();
    return p > clock.millis() ? p : 0;
  }

  /** Bucket4j time from the injected clock, so tests can drive it. */
  private static final class ClockTimeMeter implements TimeMeter {
    private final Clock clock;
    private final boolean system;

    ClockTimeMeter(Clock clock) {
      this.clock = clock;
      this.system = clock.equals(Clock.systemUTC()) || clock.equals(Clock.systemDefaultZone());
    }

    @Override
    public long currentTimeNanos() {
      if (system) {
        return System.nanoTime();
      }
      java.time.Instant i = clock.instant();
      return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    @Override
    public boolean isWallClockBased() {
      return !system;
    }
  }
}
