package io.ciorelay.delivery.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.client.Identifiers;
import io.ciorelay.client.Operation;
import io.ciorelay.delivery.outbox.EntryKind;
import io.ciorelay.delivery.outbox.StoredEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatcherTest {
  private static final long T0 = 1_000_000L;
  private long seq;

  private StoredEntry op(long acceptedAt, byte[] payload, EntryKind kind) {
    seq++;
    return new StoredEntry(seq, 0, "id:p", null, kind, payload, acceptedAt, 0, 0);
  }

  private StoredEntry event(long acceptedAt) {
    return op(acceptedAt, Operation.event(Identifiers.id("p"), "e", Map.of()).toJson(), EntryKind.V2_OPERATION);
  }

  private StoredEntry merge(long acceptedAt) {
    return op(acceptedAt, Operation.merge(Identifiers.id("p"), Identifiers.id("q")).toJson(), EntryKind.V2_OPERATION);
  }

  private StoredEntry anonymous(long acceptedAt) {
    return op(acceptedAt, "{\"name\":\"x\",\"anonymous_id\":\"a\"}".getBytes(StandardCharsets.UTF_8),
        EntryKind.V1_ANONYMOUS_EVENT);
  }

  private static List<StoredEntry> sent(Batcher.Decision d) {
    return assertInstanceOf(Batcher.Send.class, d).entries();
  }

  @Test
  void aPartFullBatchLingersUntilItsOldestOperationIsDue() {
    Batcher b = new Batcher(100, 500_000, 200);
    List<StoredEntry> two = List.of(event(T0), event(T0 + 50));
    assertEquals(new Batcher.Linger(T0 + 200), b.next(two, T0 + 100, false));
    assertEquals(2, sent(b.next(two, T0 + 200, false)).size());
  }

  @Test
  void aFlushSendsAPartFullBatchAtOnce() {
    Batcher b = new Batcher(100, 500_000, 200);
    assertEquals(1, sent(b.next(List.of(event(T0)), T0, true)).size());
  }

  @Test
  void aFullBatchByCountGoesAtOnce() {
    Batcher b = new Batcher(3, 500_000, 60_000);
    List<StoredEntry> three = List.of(event(T0), event(T0), event(T0));
    assertEquals(3, sent(b.next(three, T0, false)).size());
  }

  @Test
  void aBatchOverHalfTheByteBudgetGoesAtOnce() {
    Batcher b = new Batcher(100, 1000, 60_000);
    StoredEntry big = op(T0, new byte[(int) b.payloadBudget() / 2 + 1], EntryKind.V2_OPERATION);
    assertEquals(1, sent(b.next(List.of(big), T0, false)).size());
  }

  @Test
  void theByteBudgetKeepsTheWholeBodyUnderTheLimit() {
    Batcher b = new Batcher(500, 500_000, 0);
    // {"batch":[ + ]} + one comma per operation + strictly under: 500000 - 1 - 11 - 500
    assertEquals(499_488, b.payloadBudget());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Batcher(10, 20, 0));
    assertEquals("maxBatchBytes 20 leaves no room for 10 operations", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Batcher(0, 500_000, 0));
    assertThrows(IllegalArgumentException.class, () -> new Batcher(1, 500_000, -1));
  }

  @Test
  void oneKindPerRequestAndAnAnonymousEventAlone() {
    Batcher b = new Batcher(100, 500_000, 60_000);
    List<StoredEntry> mixed = List.of(event(T0), event(T0), anonymous(T0), event(T0));
    List<StoredEntry> first = sent(b.next(mixed, T0, false));
    assertEquals(2, first.size(), "cut before the other kind, without lingering");
    List<StoredEntry> anon = sent(b.next(mixed.subList(2, 4), T0, false));
    assertEquals(List.of(mixed.get(2)), anon);
  }

  @Test
  void aMergeStartsItsOwnRequestSoItCanBeHeldAlone() {
    Batcher b = new Batcher(100, 500_000, 60_000);
    List<StoredEntry> lane = new ArrayList<>(List.of(event(T0), event(T0), merge(T0), event(T0)));
    assertEquals(2, sent(b.next(lane, T0, false)).size());
    List<StoredEntry> withMerge = sent(b.next(lane.subList(2, 4), T0, true));
    assertEquals(2, withMerge.size(), "the merge heads its request; what follows may join it");
    assertTrue(Batcher.isMerge(withMerge.get(0)));
    assertFalse(Batcher.isMerge(lane.get(0)));
  }

  @Test
  void anEventWhoseDataHoldsActionMergeIsNotAMerge() {
    // The merge test used to look for the text "action":"merge" anywhere in the payload, so an
    // event carrying {"action":"merge"} in its data was cut off and held as if it were a merge.
    StoredEntry looksLikeOne = op(T0, Operation.event(Identifiers.id("p"), "e",
        Map.of("step", Map.of("action", "merge"))).toJson(), EntryKind.V2_OPERATION);
    assertFalse(Batcher.isMerge(looksLikeOne));
    Batcher b = new Batcher(100, 500_000, 60_000);
    assertEquals(3, sent(b.next(List.of(event(T0), looksLikeOne, event(T0)), T0, true)).size());
  }

  @Test
  void nothingToDecideOnAnEmptyLane() {
    assertThrows(IllegalArgumentException.class, () -> new Batcher(1, 500_000, 0).next(List.of(), T0, false));
  }
}
