package io.ciorelay.delivery.outbox;

import static io.ciorelay.delivery.outbox.Entries.all;
import static io.ciorelay.delivery.outbox.Entries.appendCommitted;
import static io.ciorelay.delivery.outbox.Entries.bytes;
import static io.ciorelay.delivery.outbox.Entries.config;
import static io.ciorelay.delivery.outbox.Entries.entry;
import static io.ciorelay.delivery.outbox.Entries.text;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SqliteOutboxTest {

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(Durability.class)
  void appendedEntryIsReturnedByPeekAfterCommit(Durability durability) throws Exception {
    try (SqliteOutbox outbox = SqliteOutbox.open(config(dir).durability(durability).build())) {
      NewEntry e = new NewEntry("person-1", "01J0EVENT", EntryKind.V1_ANONYMOUS_EVENT, bytes("{\"a\":1}"), 42L);
      long seq = appendCommitted(outbox, e);

      int lane = outbox.laneOf("person-1");
      List<StoredEntry> peeked = outbox.peek(lane, 10, 1_000);
      assertEquals(1, peeked.size());
      StoredEntry s = peeked.get(0);
      assertEquals(seq, s.seq());
      assertEquals(lane, s.lane());
      assertEquals("person-1", s.personKey());
      assertEquals("01J0EVENT", s.eventId());
      assertEquals(EntryKind.V1_ANONYMOUS_EVENT, s.kind());
      assertArrayEquals(e.payload(), s.payload());
      assertEquals(42L, s.acceptedAtMillis());
      assertEquals(0, s.attempts());
      assertEquals(0L, s.firstFailureAtMillis());
      assertEquals(1, outbox.pending(lane));
    }
  }

  @ParameterizedTest
  @EnumSource(Durability.class)
  void seqFollowsAppendOrderPerThreadAndLanesKeepOrder(Durability durability) throws Exception {
    int threads = 4;
    int perThread = 2_000;
    try (SqliteOutbox outbox = SqliteOutbox.open(config(dir).durability(durability).lanes(8).build())) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<List<Long>>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        results.add(pool.submit(() -> {
          List<CompletableFuture<Long>> futures = new ArrayList<>();
          for (int i = 0; i < perThread; i++) {
            AppendResult r = outbox.append(entry("p" + (i % 50), thread + ":" + i));
            assertTrue(r.isAccepted(), r::message);
            futures.add(r.committed());
          }
          List<Long> seqs = new ArrayList<>();
          for (CompletableFuture<Long> f : futures) {
            seqs.add(f.get(30, TimeUnit.SECONDS));
          }
          return seqs;
        }));
      }
      for (Future<List<Long>> f : results) {
        List<Long> seqs = f.get(60, TimeUnit.SECONDS);
        for (int i = 1; i < seqs.size(); i++) {
          assertTrue(seqs.get(i) > seqs.get(i - 1), "seq must increase in hand-off order");
        }
      }
      pool.shutdown();

      List<StoredEntry> stored = all(outbox);
      assertEquals(threads * perThread, stored.size());
      Set<Long> distinct = new HashSet<>();
      Map<String, Integer> lastIndex = new HashMap<>();
      long previousSeq = -1;
      int previousLane = -1;
      for (StoredEntry s : stored) {
        assertTrue(distinct.add(s.seq()));
        assertEquals(outbox.laneOf(s.personKey()), s.lane());
        if (s.lane() == previousLane) {
          assertTrue(s.seq() > previousSeq, "peek returns a lane in seq order");
        }
        previousLane = s.lane();
        previousSeq = s.seq();
        // Per person and thread, payloads appear in the order the thread appended them.
        String[] parts = text(s.payload()).split(":");
        String key = s.personKey() + "/" + parts[0];
        int index = Integer.parseInt(parts[1]);
        Integer before = lastIndex.put(key, index);
        assertTrue(before == null || before < index, () -> "out of order for " + key);
      }
      long sum = 0;
      for (int lane = 0; lane < outbox.lanes(); lane++) {
        assertEquals(outbox.peek(lane, Integer.MAX_VALUE, Long.MAX_VALUE).size(), outbox.pending(lane));
        sum += outbox.pending(lane);
      }
      assertEquals(threads * perThread, sum);
    }
  }

  @Test
  void emptyPayloadsAndNullEventIdsRoundTrip() throws Exception {
    try (SqliteOutbox outbox = SqliteOutbox.open(config(dir).build())) {
      long seq = appendCommitted(outbox, new NewEntry("p", null, EntryKind.V2_OPERATION, new byte[0], 9L));
      StoredEntry s = outbox.peek(outbox.laneOf("p"), 10, 0).get(0);
      assertEquals(seq, s.seq());
      assertArrayEquals(new byte[0], s.payload());
      assertEquals(null, s.eventId());
      outbox.deadLetter(List.of(new DeadLetterRequest(seq, null, 0, 0))).get(10, TimeUnit.SECONDS);
      DeadLetter d = outbox.deadLetters(0, 1).get(0);
      assertArrayEquals(new byte[0], d.payload());
      assertEquals(1, outbox.replayAll());
      assertEquals(new OutboxStats(1, 0, 9L, 0, 0), outbox.stats());
    }
  }

  @Test
  void lanesAreIsolatedAndPeekIsBounded() throws Exception {
    try (SqliteOutbox outbox = SqliteOutbox.open(config(dir).lanes(4).build())) {
      String a = keyInLane(outbox, 0);
      String b = keyInLane(outbox, 3);
      for (int i = 0; i < 5; i++) {
        appendCommitted(outbox, entry(a, "a" + i));
      }
      appendCommitted(outbox, entry(b, "b0"));

      List<StoredEntry> laneA = outbox.peek(0, 100, Long.MAX_VALUE);
      assertEquals(List.of("a0", "a1", "a2", "a3", "a4"), laneA.stream().map(s -> text(s.payload())).toList());
      assertEquals(List.of("b0"), outbox.peek(3, 100, Long.MAX_VALUE).stream().map(s -> text(s.payload())).toList());
      assertEquals(List.of(), outbox.peek(1, 100, Long.MAX_VALUE));
      assertEquals(5, outbox.pending(0));
      assertEquals(0, outbox.pending(1));
      assertEquals(1, outbox.pending(3));

      assertEquals(2, outbox.peek(0, 2, Long.MAX_VALUE).size());
      assertEquals(2, outbox.peek(0, 100, 5).size(), "2-byte payloads: two fit in 5 bytes, the third would not");
      assertEquals(1, outbox.peek(0, 100, 1).size(), "at least one entry even if it alone exceeds maxBytes");
      assertEquals(List.of(), outbox.peek(0, 0, 100));
      assertThrows(IllegalArgumentException.class, () -> outbox.peek(4, 1, 1));
      assertThrows(IllegalArgumentException.class, () -> outbox.peek(-1, 1, 1));
    }
  }

  @Test
  void ackRemovesEntriesAndIgnoresUnknownSeqs() throws Exception {
    try (SqliteOutbox outbox = SqliteOutbox.open(config(dir).lanes(1).build())) {
      long s1 = appendCommitted(outbox, entry("p", "one"));
      long s2 = appendCommitted(outbox, entry("p", "two"));
      long s3 = appendCommitted(outbox, entry("p", "three"));
      outbox.ack(new long[] {s1, s3, 999_999}).get(10, TimeUnit.SECONDS);

      List<StoredEntry> left = outbox.peek(0, 10, Long.MAX_VALUE);
      assertEquals(List.of(s2), left.stream().map(StoredEntry::seq).toList());
      assertEquals(1, outbox.pending(0));
      OutboxStats stats = outbox.stats();
      assertEquals(1, stats.pending());
      assertEquals(3, stats.pendingBytes());
      assertEquals(0, stats.uncommitted());
      long s4 = appendCommitted(outbox, entry("p", "four"));
      assertTrue(s4 > s3, "sequence numbers are never reused");
    }
  }

  @Test
  void closeAndReopenReturnsEveryPendingEntryExactly() throws Exception {
    List<StoredEntry> before;
    try (SqliteOutbox outbox = SqliteOutbox.open(config(dir).lanes(4).build())) {
      for (int i = 0; i < 200; i++) {
        outbox.append(new NewEntry("p" + (i % 13), i % 3 == 0 ? null : "ev" + i,
            i % 2 == 0 ? EntryKind.V2_OPERATION : EntryKind.V1_ANONYMOUS_EVENT, new byte[] {(byte) i, 0, -1}, 500L + i));
      }
      long last = appendCommitted(outbox, entry("p1", "last"));
      outbox.recordFailure(new long[] {1, 2, last}, 7_000L, "HTTP 503").get(10, TimeUnit.SECONDS);
      outbox.ack(new long[] {3, 4}).get(10, TimeUnit.SECONDS);
      before = all(outbox);
    }
    try (SqliteOutbox reopened = SqliteOutbox.open(config(dir).lanes(4).build())) {
      List<StoredEntry> after = all(reopened);
      assertEquals(before.size(), after.size());
      for (int i = 0; i < before.size(); i++) {
        assertStoredEquals(before.get(i), after.get(i));
      }
      StoredEntry first = after.stream().filter(s -> s.seq() == 1).findFirst().orElseThrow();
      assertEquals(1, first.attempts());
      assertEquals(7_000L, first.firstFailureAtMillis());
    }
  }

  @Test
  void recordFailurePersistsAcrossReopenAndKeepsFirstFailureTime() throws Exception {
    long seq;
    try (SqliteOutbox outbox = SqliteOutbox.open(config(dir).build())) {
      seq = appendCommitted(outbox, entry("p", "x"));
      outbox.recordFailure(new long[] {seq}, 1_000L, "timeout").get(10, TimeUnit.SECONDS);
      outbox.recordFailure(new long[] {seq, 12345}, 2_000L, "HTTP 500").get(10, TimeUnit.SECONDS);
    }
    try (SqliteOutbox outbox = SqliteOutbox.open(config(dir).build())) {
      StoredEntry s = outbox.peek(outbox.laneOf("p"), 1, Long.MAX_VALUE).get(0);
      assertEquals(seq, s.seq());
      assertEquals(2, s.attempts());
      assertEquals(1_000L, s.firstFailureAtMillis());
    }
    assertEquals("HTTP 500", SqliteTestFiles.lastError(dir.resolve("outbox.db"), seq));
  }

  @Test
  void changingLaneCountOnReopenReLanesEveryEntry() throws Exception {
    Map<Long, String> keys = new HashMap<>();
    try (SqliteOutbox outbox = SqliteOutbox.open(config(dir).lanes(4).build())) {
      for (int i = 0; i < 300; i++) {
        String key = "person-" + i;
        keys.put(appendCommitted(outbox, entry(key, "v" + i)), key);
      }
    }
    try (SqliteOutbox outbox = SqliteOutbox.open(config(dir).lanes(7).build())) {
      assertEquals(7, outbox.lanes());
      List<StoredEntry> stored = all(outbox);
      assertEquals(300, stored.size());
      long total = 0;
      for (int lane = 0; lane < 7; lane++) {
        List<StoredEntry> inLane = outbox.peek(lane, Integer.MAX_VALUE, Long.MAX_VALUE);
        assertEquals(inLane.size(), outbox.pending(lane));
        total += inLane.size();
        for (StoredEntry s : inLane) {
          assertEquals(lane, s.lane());
          assertEquals(LaneHash.lane(keys.get(s.seq()), 7), lane);
        }
      }
      assertEquals(300, total);
      assertTrue(outbox.pending(4) + outbox.pending(5) + outbox.pending(6) > 0, "lanes beyond the old count are used");
    }
    assertEquals(7L, SqliteTestFiles.meta(dir.resolve("outbox.db"), "lanes"));
  }

  @Test
  void groupCommitCommitsManyAppendsInFewTransactions() throws Exception {
    try (SqliteOutbox outbox = SqliteOutbox.open(config(dir).build())) {
      CountDownLatch release = new CountDownLatch(1);
      AtomicInteger listenerCalls = new AtomicInteger();
      outbox.onAppendCommitted(() -> {
        if (listenerCalls.incrementAndGet() == 1) {
          awaitLatch(release); // holds the writer so the next appends queue up behind it
        }
      });
      long before = outbox.commitCount();
      CompletableFuture<Long> first = outbox.append(entry("p", "first")).committed();
      await().until(() -> listenerCalls.get() == 1);
      List<CompletableFuture<Long>> rest = new ArrayList<>();
      for (int i = 0; i < 3_000; i++) {
        rest.add(outbox.append(entry("p" + i, "x" + i)).committed());
      }
      assertEquals(3_000, outbox.stats().uncommitted());
      release.countDown();
      first.get(10, TimeUnit.SECONDS);
      CompletableFuture.allOf(rest.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
      long commits = outbox.commitCount() - before;
      assertTrue(commits <= 2, "3001 appends took " + commits + " commits");
      assertEquals(3_001, outbox.stats().pending());
    }
  }

  @Test
  void asyncCommitsAtMostEveryIntervalAndCloseCommitsTheRest() throws Exception {
    OutboxConfig cfg = config(dir).durability(Durability.ASYNC).asyncCommitInterval(Duration.ofMinutes(1)).build();
    List<CompletableFuture<Long>> futures = new ArrayList<>();
    SqliteOutbox outbox = SqliteOutbox.open(cfg);
    for (int i = 0; i < 10; i++) {
      futures.add(outbox.append(entry("p", "v" + i)).committed());
    }
    assertEquals(10, outbox.stats().uncommitted());
    assertEquals(10, outbox.stats().pending());
    assertEquals(0, outbox.pending(outbox.laneOf("p")));
    assertTrue(futures.stream().noneMatch(CompletableFuture::isDone), "nothing commits before the interval");
    outbox.close();
    assertTrue(futures.stream().allMatch(f -> f.isDone() && !f.isCompletedExceptionally()));
    assertEquals(1, outbox.commitCount());
    try (SqliteOutbox reopened = SqliteOutbox.open(cfg)) {
      assertEquals(10, all(reopened).size());
    }
  }

  @Test
  void statsAreExactAfterMixedOperationsAndAfterReopen() throws Exception {
    OutboxConfig cfg = config(dir).lanes(3).build();
    OutboxStats expected;
    try (SqliteOutbox outbox = SqliteOutbox.open(cfg)) {
      assertEquals(new OutboxStats(0, 0, -1, 0, 0), outbox.stats());
      List<Long> seqs = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        seqs.add(appendCommitted(outbox,
            new NewEntry("k" + i, null, EntryKind.V2_OPERATION, new byte[i + 1], 100L + i)));
      }
      outbox.ack(new long[] {seqs.get(0), seqs.get(5)}).get(10, TimeUnit.SECONDS);
      outbox.deadLetter(List.of(new DeadLetterRequest(seqs.get(1), "bad", 400, 1),
          new DeadLetterRequest(seqs.get(2), "bad", 400, 1))).get(10, TimeUnit.SECONDS);
      // sizes left: 4,5,7,8,9,10 = 43 bytes; oldest left is seq index 3 (accepted 103)
      expected = new OutboxStats(6, 43, 103, 2, 0);
      assertEquals(expected, outbox.stats());
      assertEquals(2, outbox.deadLetterCount());
      outbox.purge(List.of(outbox.deadLetters(0, 1).get(0).id()));
      expected = new OutboxStats(6, 43, 103, 1, 0);
      assertEquals(expected, outbox.stats());
      long perLane = 0;
      for (int lane = 0; lane < 3; lane++) {
        perLane += outbox.pending(lane);
      }
      assertEquals(6, perLane);
    }
    try (SqliteOutbox outbox = SqliteOutbox.open(cfg)) {
      assertEquals(expected, outbox.stats());
      for (int lane = 0; lane < 3; lane++) {
        assertEquals(outbox.peek(lane, 100, Long.MAX_VALUE).size(), outbox.pending(lane));
      }
    }
  }

  @Test
  void listenersRunAfterCommitsThatAddedEntries() throws Exception {
    try (SqliteOutbox outbox = SqliteOutbox.open(config(dir).build())) {
      AtomicInteger calls = new AtomicInteger();
      List<Long> seenPending = new ArrayList<>();
      outbox.onAppendCommitted(() -> {
        calls.incrementAndGet();
        synchronized (seenPending) {
          seenPending.add(outbox.pending(outbox.laneOf("p")));
        }
      });
      outbox.onAppendCommitted(() -> {
        throw new IllegalStateException("a failing listener does not stop the others");
      });
      long seq = appendCommitted(outbox, entry("p", "v"));
      await().until(() -> calls.get() == 1);
      synchronized (seenPending) {
        assertEquals(List.of(1L), seenPending, "the entry is visible when listeners run");
      }
      outbox.ack(new long[] {seq}).get(10, TimeUnit.SECONDS);
      appendCommitted(outbox, entry("p", "w"));
      await().until(() -> calls.get() == 2);
    }
  }

  @Test
  void afterStopAcceptingAndCloseAppendsAreRejectedClosed() throws Exception {
    SqliteOutbox outbox = SqliteOutbox.open(config(dir).build());
    long seq = appendCommitted(outbox, entry("p", "v"));
    outbox.stopAccepting();
    AppendResult r = outbox.append(entry("p", "w"));
    assertFalse(r.isAccepted());
    assertEquals(AppendResult.Reason.CLOSED, r.reason());
    assertTrue(r.message().contains(dir.resolve("outbox.db").toString()), r.message());
    outbox.ack(new long[] {seq}).get(10, TimeUnit.SECONDS); // delivery can still finish while stopping
    outbox.close();
    outbox.close();
    assertEquals(AppendResult.Reason.CLOSED, outbox.append(entry("p", "x")).reason());
    ExecutionException ackAfterClose = assertThrows(ExecutionException.class,
        () -> outbox.ack(new long[] {1}).get(10, TimeUnit.SECONDS));
    assertTrue(ackAfterClose.getCause() instanceof OutboxException);
    assertThrows(OutboxException.class, () -> outbox.peek(0, 1, 1));
    assertThrows(OutboxException.class, outbox::replayAll);
  }

  @Test
  void malformedInputsAreRejectedWithClearMessages() {
    try (SqliteOutbox outbox = SqliteOutbox.open(config(dir).build())) {
      assertEquals("entry must not be null",
          assertThrows(NullPointerException.class, () -> outbox.append(null)).getMessage());
      assertEquals("entry.personKey must not be null", assertThrows(NullPointerException.class,
          () -> outbox.append(new NewEntry(null, null, EntryKind.V2_OPERATION, new byte[1], 0))).getMessage());
      assertEquals("entry.payload must not be null", assertThrows(NullPointerException.class,
          () -> outbox.append(new NewEntry("p", null, EntryKind.V2_OPERATION, null, 0))).getMessage());
      assertEquals("entry.kind must not be null", assertThrows(NullPointerException.class,
          () -> outbox.append(new NewEntry("p", null, null, new byte[1], 0))).getMessage());
      assertThrows(NullPointerException.class, () -> outbox.ack(null));
      assertThrows(NullPointerException.class, () -> outbox.deadLetter(null));
      assertThrows(NullPointerException.class, () -> outbox.laneOf(null));
      assertEquals(new OutboxStats(0, 0, -1, 0, 0), outbox.stats(), "nothing was queued");
    }
  }

  @Test
  void aFileThatIsNotSqliteFailsToOpenNamingThePath() throws Exception {
    Path file = dir.resolve("outbox.db");
    Files.writeString(file, "this is a text file, not an SQLite database. ".repeat(200));
    OutboxException e = assertThrows(OutboxException.class, () -> SqliteOutbox.open(config(dir).build()));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }

  @Test
  void aCorruptDatabaseFailsToOpenNamingThePath() throws Exception {
    Path file = dir.resolve("outbox.db");
    try (SqliteOutbox outbox = SqliteOutbox.open(config(dir).build())) {
      appendCommitted(outbox, entry("p", "v"));
    }
    byte[] content = Files.readAllBytes(file);
    for (int i = 16; i < 100; i++) {
      content[i] = (byte) 0xA5; // smash the header after the magic string
    }
    for (int i = 100; i < content.length; i++) {
      content[i] = (byte) (i * 31);
    }
    Files.write(file, content);
    OutboxException e = assertThrows(OutboxException.class, () -> SqliteOutbox.open(config(dir).build()));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }

  @Test
  void aFileAlreadyOpenInAnotherStoreIsRefusedUntilClosed() throws Exception {
    Path file = dir.resolve("outbox.db");
    SqliteOutbox first = SqliteOutbox.open(config(dir).build());
    appendCommitted(first, entry("p", "v"));
    OutboxException e = assertThrows(OutboxException.class, () -> SqliteOutbox.open(config(dir).build()));
    assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("already open"), e.getMessage());
    assertEquals(1, first.stats().pending(), "the first store is unaffected");
    first.close();
    try (SqliteOutbox second = SqliteOutbox.open(config(dir).build())) {
      assertEquals(1, second.stats().pending());
    }
  }

  @Test
  void parentDirectoriesAreCreated() throws Exception {
    Path nested = dir.resolve("a/b/c/outbox.db");
    try (SqliteOutbox outbox = SqliteOutbox.open(OutboxConfig.builder().path(nested).build())) {
      appendCommitted(outbox, entry("p", "v"));
    }
    assertTrue(Files.exists(nested));
  }

  @Test
  void aNewerSchemaVersionIsRefused() throws Exception {
    try (SqliteOutbox outbox = SqliteOutbox.open(config(dir).build())) {
      appendCommitted(outbox, entry("p", "v"));
    }
    SqliteTestFiles.execute(dir.resolve("outbox.db"), "UPDATE meta SET value = 99 WHERE key = 'schema_version'");
    OutboxException e = assertThrows(OutboxException.class, () -> SqliteOutbox.open(config(dir).build()));
    assertTrue(e.getMessage().contains("schema version 99"), e.getMessage());
  }

  static String keyInLane(Outbox outbox, int lane) {
    for (int i = 0; ; i++) {
      if (outbox.laneOf("key-" + i) == lane) {
        return "key-" + i;
      }
    }
  }

  static void assertStoredEquals(StoredEntry expected, StoredEntry actual) {
    assertEquals(expected.seq(), actual.seq());
    assertEquals(expected.lane(), actual.lane());
    assertEquals(expected.personKey(), actual.personKey());
    assertEquals(expected.eventId(), actual.eventId());
    assertEquals(expected.kind(), actual.kind());
    assertArrayEquals(expected.payload(), actual.payload());
    assertEquals(expected.acceptedAtMillis(), actual.acceptedAtMillis());
    assertEquals(expected.attempts(), actual.attempts());
    assertEquals(expected.firstFailureAtMillis(), actual.firstFailureAtMillis());
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("latch not released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
