package io.ciorelay.delivery.outbox;

import static io.ciorelay.delivery.outbox.Entries.appendCommitted;
import static io.ciorelay.delivery.outbox.Entries.config;
import static io.ciorelay.delivery.outbox.Entries.entry;
import static io.ciorelay.delivery.outbox.Entries.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadLetterTest {

  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(5_000_000L), ZoneOffset.UTC);

  @TempDir Path dir;

  private SqliteOutbox open() {
    return SqliteOutbox.open(config(dir).lanes(4).clock(CLOCK).build());
  }

  @Test
  void moveKeepsEverythingAndTheReason() throws Exception {
    try (SqliteOutbox outbox = open()) {
      long seq = appendCommitted(outbox, entry("alice", "op1"));
      long kept = appendCommitted(outbox, entry("alice", "op2"));
      outbox.recordFailure(new long[] {seq}, 10L, "HTTP 500").get(10, TimeUnit.SECONDS);
      outbox.deadLetter(List.of(new DeadLetterRequest(seq, "attribute too large", 400, 3),
          new DeadLetterRequest(424242, "unknown seq is ignored", 400, 1))).get(10, TimeUnit.SECONDS);

      assertEquals(1, outbox.deadLetterCount());
      List<DeadLetter> dead = outbox.deadLetters(0, 10);
      assertEquals(1, dead.size());
      DeadLetter d = dead.get(0);
      assertEquals(seq, d.originalSeq());
      assertEquals("alice", d.personKey());
      assertEquals("ev-op1", d.eventId());
      assertEquals(EntryKind.V2_OPERATION, d.kind());
      assertEquals("op1", text(d.payload()));
      assertEquals(1_000L, d.acceptedAtMillis());
      assertEquals(5_000_000L, d.deadAtMillis());
      assertEquals("attribute too large", d.reason());
      assertEquals(400, d.lastStatus());
      assertEquals(3, d.attempts());

      int lane = outbox.laneOf("alice");
      assertEquals(List.of(kept), outbox.peek(lane, 10, Long.MAX_VALUE).stream().map(StoredEntry::seq).toList());
      assertEquals(1, outbox.pending(lane));
      assertEquals(new OutboxStats(1, 3, 1_000L, 1, 0), outbox.stats());
    }
  }

  @Test
  void listPagesWithAfterIdAndSurvivesReopen() throws Exception {
    try (SqliteOutbox outbox = open()) {
      List<DeadLetterRequest> requests = new ArrayList<>();
      for (int i = 0; i < 25; i++) {
        requests.add(new DeadLetterRequest(appendCommitted(outbox, entry("p" + i, "v" + i)), "r" + i, 400, 1));
      }
      outbox.deadLetter(requests).get(10, TimeUnit.SECONDS);
      assertEquals(25, outbox.deadLetterCount());
      assertEquals(0, outbox.stats().pending());
    }
    try (SqliteOutbox outbox = open()) {
      assertEquals(25, outbox.deadLetterCount());
      List<String> reasons = new ArrayList<>();
      long after = 0;
      int pages = 0;
      while (true) {
        List<DeadLetter> page = outbox.deadLetters(after, 10);
        if (page.isEmpty()) {
          break;
        }
        pages++;
        assertTrue(page.size() <= 10);
        for (DeadLetter d : page) {
          assertTrue(d.id() > after);
          reasons.add(d.reason());
          after = d.id();
        }
      }
      assertEquals(3, pages);
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 25; i++) {
        expected.add("r" + i);
      }
      assertEquals(expected, reasons);
    }
  }

  @Test
  void replayMovesToTheEndOfTheLaneWithAttemptsReset() throws Exception {
    try (SqliteOutbox outbox = open()) {
      long bad = appendCommitted(outbox, entry("bob", "first"));
      outbox.recordFailure(new long[] {bad}, 20L, "HTTP 503").get(10, TimeUnit.SECONDS);
      outbox.deadLetter(List.of(new DeadLetterRequest(bad, "budget spent", 503, 5))).get(10, TimeUnit.SECONDS);
      long later = appendCommitted(outbox, entry("bob", "second"));
      long deadId = outbox.deadLetters(0, 1).get(0).id();

      assertEquals(1, outbox.replay(List.of(deadId, 987_654L)));

      assertEquals(0, outbox.deadLetterCount());
      List<StoredEntry> lane = outbox.peek(outbox.laneOf("bob"), 10, Long.MAX_VALUE);
      assertEquals(List.of("second", "first"), lane.stream().map(s -> text(s.payload())).toList());
      StoredEntry replayed = lane.get(1);
      assertTrue(replayed.seq() > later, "a replayed entry gets a new, higher seq");
      assertEquals(java.util.OptionalLong.of(replayed.seq()), outbox.replayedAs(bad), "the store says where it went");
      assertTrue(outbox.replayedAs(later).isEmpty(), "an entry never replayed");
      assertEquals(0, replayed.attempts());
      assertEquals(0L, replayed.firstFailureAtMillis());
      assertEquals(1_000L, replayed.acceptedAtMillis());
      assertEquals(2, outbox.pending(outbox.laneOf("bob")));
      assertEquals(new OutboxStats(2, 11, 1_000L, 0, 0), outbox.stats());
    }
  }

  @Test
  void replayAllAndPurgeAll() throws Exception {
    try (SqliteOutbox outbox = open()) {
      List<DeadLetterRequest> requests = new ArrayList<>();
      for (int i = 0; i < 2_500; i++) { // more than one replay page
        requests.add(new DeadLetterRequest(appendCommitted(outbox, entry("p" + (i % 7), "v" + i)), "r", 0, 1));
      }
      outbox.deadLetter(requests).get(30, TimeUnit.SECONDS);
      assertEquals(2_500, outbox.deadLetterCount());
      assertEquals(0, outbox.stats().pending());

      assertEquals(2_500, outbox.replayAll());
      assertEquals(0, outbox.deadLetterCount());
      assertEquals(2_500, outbox.stats().pending());
      long perLane = 0;
      for (int lane = 0; lane < outbox.lanes(); lane++) {
        List<StoredEntry> entries = outbox.peek(lane, Integer.MAX_VALUE, Long.MAX_VALUE);
        assertEquals(entries.size(), outbox.pending(lane));
        perLane += entries.size();
        for (int i = 1; i < entries.size(); i++) {
          int prev = Integer.parseInt(text(entries.get(i - 1).payload()).substring(1));
          int cur = Integer.parseInt(text(entries.get(i).payload()).substring(1));
          assertTrue(cur > prev, "replay keeps the original order within a lane");
        }
      }
      assertEquals(2_500, perLane);

      List<DeadLetterRequest> again = new ArrayList<>();
      for (int lane = 0; lane < outbox.lanes(); lane++) {
        for (StoredEntry s : outbox.peek(lane, 100, Long.MAX_VALUE)) {
          again.add(new DeadLetterRequest(s.seq(), "again", 400, 2));
        }
      }
      outbox.deadLetter(again).get(30, TimeUnit.SECONDS);
      assertEquals(again.size(), outbox.deadLetterCount());
      assertEquals(again.size(), outbox.purgeAll());
      assertEquals(0, outbox.deadLetterCount());
      assertEquals(List.of(), outbox.deadLetters(0, 10));
      assertEquals(0, outbox.purgeAll());
      assertEquals(2_500 - again.size(), outbox.stats().pending());
    }
  }

  @Test
  void purgeDeletesOnlyTheGivenIds() throws Exception {
    try (SqliteOutbox outbox = open()) {
      List<DeadLetterRequest> requests = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        requests.add(new DeadLetterRequest(appendCommitted(outbox, entry("p", "v" + i)), "r" + i, 400, 1));
      }
      outbox.deadLetter(requests).get(10, TimeUnit.SECONDS);
      List<DeadLetter> dead = outbox.deadLetters(0, 10);
      assertEquals(2, outbox.purge(List.of(dead.get(1).id(), dead.get(3).id(), 999L)));
      assertEquals(3, outbox.deadLetterCount());
      assertEquals(List.of("r0", "r2", "r4"), outbox.deadLetters(0, 10).stream().map(DeadLetter::reason).toList());
    }
    try (SqliteOutbox outbox = open()) {
      assertEquals(3, outbox.deadLetterCount());
    }
  }
}
