package io.ciorelay.redis;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.delivery.ratelimit.RateLimitConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** Three limiters (three relays, three connections) share one workspace bucket and pause. */
class RedisRateLimiterTest extends RedisStoreTestBase {

  RedisRateLimiter limiter(RateLimitConfig config) {
    RedisRateLimiter l = RedisRateLimiter.create(RedisStoreConfig.builder().uri(uri).prefix(prefix).workspace("ws")
        .build(), config);
    open.add(l);
    return l;
  }

  @Test
  void aPauseIsKeptAndEndsOnTheInjectedClock() {
    FakeTicker time = new FakeTicker();
    RedisRateLimiter l = RedisRateLimiter.create(RedisStoreConfig.builder().uri(uri).prefix(prefix).workspace("ws")
        .ticker(time).clock(time.clock()).build(), RateLimitConfig.of(10, 0.8));
    open.add(l);
    long until = time.clock().millis() + 5_000;
    l.pauseUntil(until);
    assertTrue(Math.abs(l.pausedUntil() - until) <= 1_000, "paused until about " + until + " but was " + l.pausedUntil());
    assertTrue(l.tryAcquire() > TimeUnit.SECONDS.toNanos(3), "no token while paused");
    time.advance(Duration.ofSeconds(6));
    assertEquals(0, l.pausedUntil(), "the pause is over on the injected clock");
  }

  @Test
  void threeRelaysTogetherStayWithinTheLimitInEveryOneSecondWindow() throws Exception {
    int limit = 50;
    RateLimitConfig config = RateLimitConfig.of(limit, 0.8);
    ConcurrentLinkedQueue<Long> grants = new ConcurrentLinkedQueue<>();
    List<Thread> threads = new ArrayList<>();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
    for (int i = 0; i < 3; i++) {
      RedisRateLimiter l = limiter(config);
      Thread t = new Thread(() -> {
        while (System.nanoTime() < end) {
          long wait = l.tryAcquire();
          if (wait == 0) {
            grants.add(System.nanoTime());
          } else {
            LockSupport.parkNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(5)));
          }
        }
      });
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    List<Long> times = new ArrayList<>(grants);
    times.sort(null);
    int peak = 0;
    int j = 0;
    for (int i = 0; i < times.size(); i++) {
      while (times.get(i) - times.get(j) >= TimeUnit.SECONDS.toNanos(1)) {
        j++;
      }
      peak = Math.max(peak, i - j + 1);
    }
    assertTrue(peak <= limit, "peak grants in one second: " + peak);
    assertTrue(times.size() >= 100, "grants in 4 s: " + times.size());
  }

  @Test
  void aPauseSetByOneRelayIsObeyedByTheOthers() {
    RedisRateLimiter a = limiter(RateLimitConfig.of(100, 0.8));
    RedisRateLimiter b = limiter(RateLimitConfig.of(100, 0.8));
    RedisRateLimiter c = limiter(RateLimitConfig.of(100, 0.8));
    assertEquals(0, b.tryAcquire());
    long until = System.currentTimeMillis() + 1_500;
    a.pauseUntil(until);
    a.pauseUntil(until - 1_000);
    long waitB = b.tryAcquire();
    assertTrue(waitB > TimeUnit.MILLISECONDS.toNanos(1_000), "b waits " + waitB);
    assertTrue(c.nanosUntilAvailable() > 0 || c.tryAcquire() > 0);
    assertTrue(c.tryAcquire() > TimeUnit.MILLISECONDS.toNanos(1_000));
    // Within half a second: the later, shorter pause (1 s less) must not have replaced it; a busy
    // machine may take tens of milliseconds between these calls.
    assertTrue(Math.abs(b.pausedUntil() - until) < 500, "b sees the pause until " + b.pausedUntil());
    await().atMost(Duration.ofSeconds(5)).until(() -> b.tryAcquire() == 0);
    assertEquals(0, b.pausedUntil());
  }

  @Test
  void nanosUntilAvailableAnswersFromTheLastStateWithoutARoundTripEachCall() {
    io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    RedisRateLimiter l = RedisRateLimiter.create(RedisStoreConfig.builder().uri(uri).prefix(prefix).workspace("ws")
        .meterRegistry(registry).build(), RateLimitConfig.of(10, 0.5));
    open.add(l);
    while (l.tryAcquire() == 0) {
      // empty the bucket
    }
    for (int i = 0; i < 1000; i++) {
      assertTrue(l.nanosUntilAvailable() >= 0);
    }
    double trips = registry.get("cio.redis.round.trips").tag("op", "rate_limit").counter().count();
    assertTrue(trips < 20, "round trips: " + trips);
    assertTrue(l.nanosUntilAvailable() > 0, "an empty bucket is not available");
  }
}
