package io.ciorelay.server.dashboard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RateHistoryTest {
  @Test
  void eachNewSecondRecordsTheGrowthOfTheSecondThatEnded() {
    RateHistory h = new RateHistory(2);
    h.sample(100, new long[] {10, 0});
    h.sample(100, new long[] {15, 1}); // same second: nothing recorded yet
    h.sample(101, new long[] {17, 1});
    h.sample(102, new long[] {20, 4});
    RateHistory.Window w = h.since(0);
    assertArrayEquals(new long[] {100, 101}, w.seconds());
    assertArrayEquals(new long[] {7, 3}, w.values()[0]);
    assertArrayEquals(new long[] {1, 3}, w.values()[1]);
    assertArrayEquals(new long[] {101}, h.since(100).seconds(), "since is exclusive");
  }

  @Test
  void skippedSecondsCountZeroAndACounterThatWentDownCountsZero() {
    RateHistory h = new RateHistory(1);
    h.sample(10, new long[] {5});
    h.sample(14, new long[] {9});
    h.sample(15, new long[] {2});
    RateHistory.Window w = h.since(0);
    assertArrayEquals(new long[] {10, 11, 12, 13, 14}, w.seconds());
    assertArrayEquals(new long[] {0, 0, 0, 4, 0}, w.values()[0]);
  }

  @Test
  void memoryIsFixedAndOnlyTheLastFifteenMinutesAreKept() {
    RateHistory h = new RateHistory(1);
    for (long s = 0; s <= 5000; s++) {
      h.sample(s, new long[] {s * 2});
    }
    RateHistory.Window w = h.since(0);
    assertEquals(RateHistory.SECONDS, w.seconds().length);
    assertEquals(5000 - RateHistory.SECONDS, w.seconds()[0]);
    assertEquals(4999, w.seconds()[w.seconds().length - 1]);
    for (long v : w.values()[0]) {
      assertEquals(2, v);
    }
    h.sample(20_000, new long[] {40_000});
    RateHistory.Window after = h.since(0);
    assertEquals(RateHistory.SECONDS, after.seconds().length, "a long gap leaves a full window of zeros and the last second");
    assertEquals(19_999, after.seconds()[after.seconds().length - 1]);
  }

  @Test
  void refusesTotalsOfTheWrongShape() {
    RateHistory h = new RateHistory(3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> h.sample(1, new long[2]));
    assertEquals("totals must have 3 values but had 2", e.getMessage());
    assertEquals(0, h.since(0).seconds().length);
  }
}
