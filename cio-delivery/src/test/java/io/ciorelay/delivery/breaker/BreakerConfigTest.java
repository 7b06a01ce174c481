package io.ciorelay.delivery.breaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.delivery.testing.MutableClock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BreakerConfigTest {

  @Test
  void opensAfterFiveFailuresWaitsThirtySecondsThenClosesAfterThreeProbes() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    CircuitBreaker b = BreakerConfig.defaults().newBreaker("t", clock);
    for (int i = 0; i < 4; i++) {
      assertTrue(b.tryAcquirePermission());
      b.onError(1, TimeUnit.MILLISECONDS, new RuntimeException("503"));
    }
    assertEquals(CircuitBreaker.State.CLOSED, b.getState());
    assertTrue(b.tryAcquirePermission());
    b.onError(1, TimeUnit.MILLISECONDS, new RuntimeException("503"));
    assertEquals(CircuitBreaker.State.OPEN, b.getState());
    assertFalse(b.tryAcquirePermission());
    clock.advance(Duration.ofSeconds(29));
    assertFalse(b.tryAcquirePermission());
    clock.advance(Duration.ofSeconds(2));
    assertTrue(b.tryAcquirePermission());
    assertEquals(CircuitBreaker.State.HALF_OPEN, b.getState());
    b.onSuccess(1, TimeUnit.MILLISECONDS);
    assertTrue(b.tryAcquirePermission());
    b.onSuccess(1, TimeUnit.MILLISECONDS);
    assertTrue(b.tryAcquirePermission());
    assertFalse(b.tryAcquirePermission(), "only three probes in half-open");
    b.onSuccess(1, TimeUnit.MILLISECONDS);
    assertEquals(CircuitBreaker.State.CLOSED, b.getState());
  }

  @Test
  void aSuccessBetweenFailuresKeepsItClosed() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    CircuitBreaker b = BreakerConfig.defaults().newBreaker("t", clock);
    for (int i = 0; i < 20; i++) {
      b.tryAcquirePermission();
      if (i % 4 == 3) {
        b.onSuccess(1, TimeUnit.MILLISECONDS);
      } else {
        b.onError(1, TimeUnit.MILLISECONDS, new RuntimeException("500"));
      }
    }
    assertEquals(CircuitBreaker.State.CLOSED, b.getState());
  }

  @Test
  void slowCallsOpenItToo() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    CircuitBreaker b = BreakerConfig.builder().slowCallThreshold(Duration.ofSeconds(2)).build().newBreaker("t", clock);
    for (int i = 0; i < 5; i++) {
      b.tryAcquirePermission();
      b.onSuccess(3, TimeUnit.SECONDS);
    }
    assertEquals(CircuitBreaker.State.OPEN, b.getState());
  }

  @Test
  void configRejectsBadValues() {
    assertEquals("failureThreshold must be in 1..1000 but was 0",
        assertThrows(IllegalArgumentException.class, () -> BreakerConfig.builder().failureThreshold(0)).getMessage());
    assertEquals("openWait must be positive but was PT0S",
        assertThrows(IllegalArgumentException.class, () -> BreakerConfig.builder().openWait(Duration.ZERO)).getMessage());
  }
}
