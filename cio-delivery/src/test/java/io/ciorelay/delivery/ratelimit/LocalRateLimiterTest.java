package io.ciorelay.delivery.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.delivery.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.Test;

class LocalRateLimiterTest {

  /**
   * Callers take every token they can, every simulated millisecond, for {@code millis}; returns
   * {granted, most grants within any one-second sliding window}.
   */
  static int[] greedyCallers(RateLimitConfig config, int millis) {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    LocalRateLimiter limiter = new LocalRateLimiter(config, clock);
    Deque<Long> window = new ArrayDeque<>();
    int granted = 0;
    int peak = 0;
    for (int ms = 0; ms < millis; ms++) {
      while (limiter.tryAcquire() == 0) {
        window.addLast(clock.millis());
        granted++;
      }
      while (!window.isEmpty() && window.peekFirst() <= clock.millis() - 1000) {
        window.removeFirst();
      }
      peak = Math.max(peak, window.size());
      clock.advance(Duration.ofMillis(1));
    }
    return new int[] {granted, peak};
  }

  @Test
  void burstNeverLetsAOneSecondWindowExceedTheLimit() {
    RateLimitConfig c = RateLimitConfig.of(100, 0.8);
    assertEquals(80.0, c.effectiveRate(), 1e-9);
    assertEquals(8, c.burst());
    assertTrue(c.burst() + c.effectiveRate() <= c.requestsPerSecond());
    RateLimitConfig low = RateLimitConfig.of(5, 0.8);
    assertTrue(low.burst() + low.effectiveRate() <= 5 + 1e-9, "burst " + low.burst());
  }

  @Test
  void slidingOneSecondWindowStaysUnderTheLimitOverTenSecondsOfGreedyCallers() {
    int[] r = greedyCallers(RateLimitConfig.of(100, 0.8), 10_000);
    int granted = r[0];
    int peak = r[1];
    assertTrue(peak <= 100, "peak in a one-second window was " + peak);
    // 80/s for 10 s plus the initial burst.
    assertTrue(granted >= 790 && granted <= 815, "granted " + granted);
  }

  @Test
  void aLimitOfOneRequestPerSecondOrLessStillGrantsAndNeverTwiceInOneSecond() {
    for (double rps : new double[] {1.0, 0.5}) {
      int[] r = greedyCallers(RateLimitConfig.of(rps, 0.8), 20_000);
      int granted = r[0];
      int peak = r[1];
      double expected = 1 + 20 * rps * 0.8;
      assertTrue(granted >= expected - 1 && granted <= expected + 1, rps + "/s: granted " + granted + ", expected ~" + expected);
      assertEquals(1, peak, rps + "/s: peak in a one-second window");
    }
  }

  @Test
  void fullHeadroomStillKeepsEveryWindowWithinTheLimit() {
    int peak = greedyCallers(RateLimitConfig.of(100, 1.0), 5_000)[1];
    // Near 99/s; the 1 ms steps of this test round each 10.1 ms refill up to 11 ms.
    assertTrue(peak <= 100 && peak >= 85, "peak in a one-second window was " + peak);
  }

  @Test
  void pauseBlocksEveryoneUntilItEndsAndLaterPauseWins() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    LocalRateLimiter limiter = new LocalRateLimiter(RateLimitConfig.of(100, 0.8), clock);
    long t0 = clock.millis();
    limiter.pauseUntil(t0 + 2_000);
    limiter.pauseUntil(t0 + 1_000);
    assertEquals(t0 + 2_000, limiter.pausedUntil());
    long wait = limiter.tryAcquire();
    assertEquals(Duration.ofSeconds(2).toNanos(), wait);
    clock.advance(Duration.ofMillis(2_000));
    assertEquals(0, limiter.pausedUntil());
    assertEquals(0, limiter.tryAcquire());
  }

  @Test
  void configRejectsOutOfRangeValues() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RateLimitConfig.of(0, 0.8));
    assertEquals("requestsPerSecond must be in 0.1..100000 but was 0.0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> RateLimitConfig.of(100, 0));
    assertEquals("headroom must be in (0, 1] but was 0.0", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> RateLimitConfig.of(Double.NaN, 0.5));
  }
}
