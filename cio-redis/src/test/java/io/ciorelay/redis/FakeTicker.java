package io.ciorelay.redis;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A nanosecond ticker tests move by hand; optionally it moves by a step on every read. Thread-safe. */
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
}
