package io.ciorelay.redis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A nanosecond ticker tests move by hand, with a wall {@link #clock()} that moves with it
 * (starting at 2026-01-01T00:00:00Z); optionally it moves by a step on every read. Thread-safe.
 */
final class FakeTicker implements LongSupplier {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private volatile long stepNanos;

  void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  /** From now on every read returns the current time and then moves it on by {@code step} (zero: off). */
  void advanceOnEachRead(Duration step) {
    stepNanos = step.toNanos();
  }

  @Override
  public long getAsLong() {
    long step = stepNanos;
    return step == 0 ? nanos.get() : nanos.getAndAdd(step);
  }

  /** A wall clock moving with this ticker, in whole milliseconds (its reads do not step it). */
  Clock clock() {
    long startNanos = nanos.get();
    long startMillis = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    return new Clock() {
      @Override
      public long millis() {
        return startMillis + Math.floorDiv(nanos.get() - startNanos, 1_000_000L);
      }

      @Override
      public Instant instant() {
        return Instant.ofEpochMilli(millis());
      }

      @Override
      public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the fake clock is UTC only");
      }

      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }
    };
  }
}
