package io.ciorelay.delivery.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LaneHashTest {

  /** Pinned values: changing the hash would put existing files' entries in the wrong lanes. */
  @Test
  void hashIsStable() {
    assertEquals(PINNED_EMPTY, LaneHash.hash(""));
    assertEquals(PINNED_ALICE, LaneHash.hash("alice@example.com"));
    assertEquals(PINNED_UNICODE, LaneHash.hash("Zoë-東京"));
  }

  @Test
  void lanesAreInRangeAndSpreadEvenly() {
    int lanes = 16;
    int[] counts = new int[lanes];
    for (int i = 0; i < 160_000; i++) {
      int lane = LaneHash.lane("person-" + i, lanes);
      assertTrue(lane >= 0 && lane < lanes);
      counts[lane]++;
    }
    for (int c : counts) {
      assertTrue(c > 9_000 && c < 11_000, "uneven lane: " + c);
    }
    assertEquals(0, LaneHash.lane("anything", 1));
  }

  private static final int PINNED_EMPTY = -1421968373;
  private static final int PINNED_ALICE = 1337026280;
  private static final int PINNED_UNICODE = 73816396;
}
