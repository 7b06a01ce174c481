package io.ciorelay.server.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.delivery.DeadLetters;
import io.ciorelay.delivery.outbox.DeadLetter;
import io.ciorelay.delivery.outbox.EntryKind;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Filters and bulk actions over an in-memory dead-letter store that behaves like the real ones (ids only grow). */
class DeadLetterScanTest {
  /** An in-memory store: listing in id order, replay removes, and a replayed operation may come back under a new id. */
  static final class MemoryDeadLetters implements DeadLetters {
    final TreeMap<Long, DeadLetter> items = new TreeMap<>();
    long nextId = 1;
    boolean replayedComeBack;
    final List<Long> replayed = new ArrayList<>();
    int listCalls;

    void add(String person, String action, String reason, int status, long deadAt) {
      String payload = "{\"type\":\"person\",\"identifiers\":{\"id\":\"" + person + "\"},\"action\":\"" + action
          + "\",\"name\":\"" + action + "_name\"}";
      long id = nextId++;
      items.put(id, new DeadLetter(id, id, "id:" + person, "e" + id, EntryKind.V2_OPERATION,
          payload.getBytes(StandardCharsets.UTF_8), deadAt - 10, deadAt, reason, status, 1));
    }

    @Override
    public List<DeadLetter> list(long afterId, int limit) {
      listCalls++;
      return items.tailMap(afterId, false).values().stream().limit(limit).toList();
    }

    @Override
    public long count() {
      return items.size();
    }

    @Override
    public int replay(Collection<Long> ids) {
      int n = 0;
      for (long id : ids) {
        DeadLetter d = items.remove(id);
        if (d != null) {
          n++;
          replayed.add(id);
          if (replayedComeBack) {
            long again = nextId++;
            items.put(again, new DeadLetter(again, d.originalSeq(), d.personKey(), d.eventId(), d.kind(), d.payload(),
                d.acceptedAtMillis(), d.deadAtMillis() + 1, d.reason(), d.lastStatus(), d.attempts() + 1));
          }
        }
      }
      return n;
    }

    @Override
    public int replayAll() {
      return replay(List.copyOf(items.keySet()));
    }

    @Override
    public int purge(Collection<Long> ids) {
      int n = 0;
      for (long id : ids) {
        n += items.remove(id) != null ? 1 : 0;
      }
      return n;
    }

    @Override
    public int purgeAll() {
      int n = items.size();
      items.clear();
      return n;
    }
  }

  static DeadLetterFilter filter(Map<String, String> values) {
    return DeadLetterFilter.parse(values::get);
  }

  @Test
  void eachConditionNarrowsTheMatches() {
    MemoryDeadLetters dl = new MemoryDeadLetters();
    dl.add("alice", "event", "invalid field 'x'", 207, 1_000);
    dl.add("bob", "identify", "invalid field 'x'", 207, 2_000);
    dl.add("alice", "event", "retry budget spent", 503, 3_000);
    assertEquals(3, DeadLetterScan.count(dl, DeadLetterFilter.ALL).matching());
    assertEquals(2, DeadLetterScan.count(dl, filter(Map.of("person", "ALICE"))).matching());
    assertEquals(2, DeadLetterScan.count(dl, filter(Map.of("type", "event"))).matching());
    assertEquals(1, DeadLetterScan.count(dl, filter(Map.of("type", "event", "status", "207"))).matching());
    assertEquals(1, DeadLetterScan.count(dl, filter(Map.of("reason", "budget"))).matching());
    assertEquals(2, DeadLetterScan.count(dl, filter(Map.of("from", Instant.ofEpochMilli(2_000).toString()))).matching());
    assertEquals(1, DeadLetterScan.count(dl, filter(Map.of("to", Instant.ofEpochMilli(1_999).toString()))).matching());
    assertEquals(1, DeadLetterScan.count(dl, filter(Map.of("q", "identify_NAME"))).matching(), "q searches the event name");
    assertEquals(3, DeadLetterScan.count(dl, filter(Map.of("q", "id:"))).matching(), "q searches the person");
  }

  @Test
  void pagesStopAtTheLimitAndSayWhereToGoOn() {
    MemoryDeadLetters dl = new MemoryDeadLetters();
    for (int i = 0; i < 1_200; i++) {
      dl.add(i % 3 == 0 ? "match" : "other", "event", "r", 400, i);
    }
    DeadLetterFilter f = filter(Map.of("person", "match"));
    DeadLetterScan.Page<DeadLetter> first = DeadLetterScan.page(dl, f, 0, 100);
    assertEquals(100, first.matches().size());
    assertEquals(first.matches().get(99).id(), first.nextAfter());
    long after = first.nextAfter();
    int total = first.matches().size();
    while (after >= 0) {
      DeadLetterScan.Page<DeadLetter> p = DeadLetterScan.page(dl, f, after, 100);
      total += p.matches().size();
      after = p.nextAfter();
    }
    assertEquals(400, total);
  }

  @Test
  void actingOnTheFilterTouchesOnlyMatchesUpToTheCountedIdEvenWhenReplaysComeBack() {
    MemoryDeadLetters dl = new MemoryDeadLetters();
    for (int i = 0; i < 1_100; i++) {
      dl.add(i % 2 == 0 ? "even" : "odd", "event", "r", 400, i);
    }
    dl.replayedComeBack = true; // a replayed operation refused again gets a new, higher id
    DeadLetterFilter f = filter(Map.of("person", "even"));
    DeadLetterScan.Count c = DeadLetterScan.count(dl, f);
    assertEquals(550, c.matching());
    dl.add("even", "event", "r", 400, 5_000); // arrives after the count: not covered by the confirmation
    DeadLetterScan.Applied a = DeadLetterScan.apply(dl, f, c.upTo(), true);
    assertEquals(550, a.matched());
    assertEquals(550, a.changed());
    assertEquals(550, dl.replayed.size(), "each counted one replayed once, none of the ones that came back");
    assertTrue(dl.replayed.stream().allMatch(id -> id <= c.upTo()));
    assertEquals(1_100 + 1, dl.count(), "the 550 came back under new ids, plus the late one");
  }

  @Test
  void badFilterValuesAreRefusedNamingTheField() {
    assertEquals("status", assertThrows(DashboardException.class, () -> filter(Map.of("status", "abc"))).field);
    assertEquals("status", assertThrows(DashboardException.class, () -> filter(Map.of("status", "700"))).field);
    assertEquals("type", assertThrows(DashboardException.class, () -> filter(Map.of("type", "DROP TABLE"))).field);
    assertEquals("from", assertThrows(DashboardException.class, () -> filter(Map.of("from", "yesterday"))).field);
    DashboardException order = assertThrows(DashboardException.class, () -> filter(Map.of(
        "from", "2026-12-02T00:00:00Z", "to", "2026-12-01T00:00:00Z")));
    assertTrue(order.getMessage().contains("must not be after"), order.getMessage());
    assertEquals("q", assertThrows(DashboardException.class, () -> filter(Map.of("q", "x".repeat(201)))).field);
    assertTrue(filter(Map.of("q", "  ")).isEmpty(), "blank is absent");
  }
}
