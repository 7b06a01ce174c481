package io.ciorelay.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SlidingWindowTest {
  static final long MS = 1_000_000L;

  @Test
  void admitsUpToTheLimitInAnySlidingSecond() {
    SlidingWindow w = new SlidingWindow();
    for (int i = 0; i < 3; i++) {
      assertTrue(w.tryAcquire(900 * MS + i, 3));
    }
    assertFalse(w.tryAcquire(1_000 * MS, 3), "a fixed window would reset here");
    assertEquals(900 * MS - 2, w.nanosUntilFree(1_000 * MS + 2), "the oldest leaves at 1900 ms");
    assertFalse(w.tryAcquire(1_899 * MS, 3));
    assertTrue(w.tryAcquire(1_900 * MS, 3));
    assertEquals(3, w.peak());
  }

  @Test
  void recordsPeakAcrossGrowth() {
    SlidingWindow w = new SlidingWindow();
    for (int i = 0; i < 500; i++) {
      w.record(i * MS);
    }
    assertEquals(500, w.peak());
    assertEquals(1, w.record(5_000 * MS));
    assertEquals(500, w.peak());
    w.clear();
    assertEquals(0, w.peak());
  }
}
