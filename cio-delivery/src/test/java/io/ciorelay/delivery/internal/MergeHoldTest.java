package io.ciorelay.delivery.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ciorelay.client.Identifiers;
import io.ciorelay.client.Operation;
import io.ciorelay.delivery.outbox.EntryKind;
import io.ciorelay.delivery.outbox.Outbox;
import io.ciorelay.delivery.outbox.StoredEntry;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The merge hold over a fake store: which lane a merge waits for, and until when. */
class MergeHoldTest {
  private static final long NOW = 1_000_000;
  private final Map<String, Integer> laneOf = new HashMap<>();
  private final Map<Integer, Long> oldest = new HashMap<>();
  private final MergeHold hold = new MergeHold(k -> laneOf.getOrDefault(k, 0), l -> oldest.getOrDefault(l, -1L));

  private static StoredEntry entry(long seq, byte[] payload) {
    return new StoredEntry(seq, 0, "k", null, EntryKind.V2_OPERATION, payload, 0, 0, 0);
  }

  private static StoredEntry merge(long seq) {
    return entry(seq, Operation.merge(Identifiers.id("primary"), Identifiers.id("secondary")).toJson());
  }

  @Test
  void aMergeWaitsForTheSecondarysLane() {
    laneOf.put(Identifiers.id("secondary").key(), 3);
    assertEquals(3, hold.secondaryLane(merge(10)));
  }

  @Test
  void anythingElseIsNotAMerge() {
    assertEquals(MergeHold.NOT_A_MERGE,
        hold.secondaryLane(entry(1, Operation.event(Identifiers.id("p"), "e", Map.of()).toJson())));
    assertEquals(MergeHold.NOT_A_MERGE,
        hold.secondaryLane(new StoredEntry(1, 0, "anon:a", "id", EntryKind.V1_ANONYMOUS_EVENT,
            "{\"name\":\"merge\"}".getBytes(StandardCharsets.UTF_8), 0, 0, 0)));
    assertEquals(MergeHold.NOT_A_MERGE,
        hold.secondaryLane(entry(1, "{\"action\":\"merge\", not json".getBytes(StandardCharsets.UTF_8))),
        "an unreadable merge is left for Customer.io to judge");
  }

  @Test
  void heldWhileTheSecondaryLaneHasAnOlderOperation() {
    oldest.put(3, 9L);
    assertEquals(NOW + MergeHold.POLL_MILLIS, hold.holdUntil(0, 3, 10, NOW));
  }

  @Test
  void goesOnceTheSecondaryLaneHasNothingOlder() {
    oldest.put(3, 11L);
    assertEquals(0, hold.holdUntil(0, 3, 10, NOW), "only later operations are pending there");
    oldest.put(3, -1L);
    assertEquals(0, hold.holdUntil(0, 3, 10, NOW), "nothing pending there");
  }

  @Test
  void neverHeldInItsOwnLaneNorWhenTheStoreCannotTell() {
    oldest.put(0, 1L);
    assertEquals(0, hold.holdUntil(0, 0, 10, NOW), "the same lane: lane order already holds");
    oldest.put(3, Outbox.UNKNOWN_SEQ);
    assertEquals(0, hold.holdUntil(0, 3, 10, NOW));
    assertEquals(0, hold.holdUntil(0, MergeHold.NOT_A_MERGE, 10, NOW));
  }
}
