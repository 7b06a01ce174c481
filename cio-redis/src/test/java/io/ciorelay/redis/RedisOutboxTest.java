package io.ciorelay.redis;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.delivery.outbox.AppendResult;
import io.ciorelay.delivery.outbox.DeadLetter;
import io.ciorelay.delivery.outbox.DeadLetterRequest;
import io.ciorelay.delivery.outbox.EntryKind;
import io.ciorelay.delivery.outbox.NewEntry;
import io.ciorelay.delivery.outbox.Outbox;
import io.ciorelay.delivery.outbox.OutboxConfig;
import io.ciorelay.delivery.outbox.OutboxException;
import io.ciorelay.delivery.outbox.OutboxStats;
import io.ciorelay.delivery.outbox.StoredEntry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The {@link Outbox} contract on a real Redis, mirroring the embedded store's tests. */
class RedisOutboxTest extends RedisStoreTestBase {

  RedisStoreConfig.Builder store() {
    return RedisStoreConfig.builder().uri(uri).prefix(prefix).workspace("ws").pollInterval(Duration.ofMillis(20));
  }

  RedisOutbox open(RedisStoreConfig store, OutboxConfig config) {
    RedisOutbox o = RedisOutbox.open(store, config);
    open.add(o);
    return o;
  }

  RedisOutbox open(int lanes) {
    return open(store().build(), outboxConfig().lanes(lanes).build());
  }

  static OutboxConfig.Builder outboxConfig() {
    return OutboxConfig.builder().path(Path.of("unused"));
  }

  static NewEntry entry(String person, String payload) {
    return new NewEntry(person, "ev-" + payload, EntryKind.V2_OPERATION, payload.getBytes(StandardCharsets.UTF_8), 1_000L);
  }

  static long appendCommitted(Outbox outbox, NewEntry e) throws Exception {
    AppendResult r = outbox.append(e);
    assertTrue(r.isAccepted(), () -> "rejected: " + r.reason() + " " + r.message());
    return r.committed().get(10, TimeUnit.SECONDS);
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void appendedEntryIsReturnedByPeekWithEveryField() throws Exception {
    RedisOutbox outbox = open(16);
    NewEntry e = new NewEntry("person-1", "01J0EVENT", EntryKind.V1_ANONYMOUS_EVENT, "{\"a\":1}".getBytes(StandardCharsets.UTF_8), 42L);
    long seq = appendCommitted(outbox, e);
    int lane = outbox.laneOf("person-1");
    assertEquals(lane, seq % 1024, "the sequence number names its shard");
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
    await().atMost(Duration.ofSeconds(5)).until(() -> outbox.pending(lane) == 1);
    assertTrue(outbox.isPending(seq));
    assertEquals(seq, outbox.oldestPendingSeq());
    assertEquals(seq, outbox.newestPendingSeq());
  }

  @Test
  void emptyPayloadsAndNullEventIdsRoundTrip() throws Exception {
    RedisOutbox outbox = open(4);
    appendCommitted(outbox, new NewEntry("p", null, EntryKind.V2_OPERATION, new byte[0], 7L));
    StoredEntry s = outbox.peek(outbox.laneOf("p"), 10, 10).get(0);
    assertNull(s.eventId());
    assertEquals(0, s.payload().length);
  }

  @Test
  void seqFollowsAppendOrderAndEachLaneKeepsIt() throws Exception {
    RedisOutbox outbox = open(8);
    int threads = 4;
    int perThread = 500;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<List<Long>>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        results.add(pool.submit(() -> {
          List<CompletableFuture<Long>> fs = new ArrayList<>();
          for (int i = 0; i < perThread; i++) {
            AppendResult r = outbox.append(entry("p" + thread + "-" + (i % 20), thread + ":" + i));
            assertTrue(r.isAccepted(), r::message);
            fs.add(r.committed());
          }
          List<Long> seqs = new ArrayList<>();
          for (CompletableFuture<Long> f : fs) {
            seqs.add(f.get(10, TimeUnit.SECONDS));
          }
          return seqs;
        }));
      }
      for (Future<List<Long>> f : results) {
        List<Long> seqs = f.get();
        for (int i = 1; i < seqs.size(); i++) {
          assertTrue(seqs.get(i) > seqs.get(i - 1), "one thread's appends get increasing sequence numbers");
        }
      }
    } finally {
      pool.shutdown();
    }
    int total = 0;
    Map<String, Integer> lastByPerson = new HashMap<>();
    for (int lane = 0; lane < 8; lane++) {
      List<StoredEntry> entries = outbox.peek(lane, Integer.MAX_VALUE, Long.MAX_VALUE);
      total += entries.size();
      long prevSeq = -1;
      for (StoredEntry e : entries) {
        assertEquals(lane, e.lane());
        assertEquals(lane, outbox.laneOf(e.personKey()));
        assertTrue(e.seq() > prevSeq, "a lane is read in sequence order");
        prevSeq = e.seq();
        int i = Integer.parseInt(text(e.payload()).split(":")[1]);
        Integer prev = lastByPerson.put(e.personKey(), i);
        assertTrue(prev == null || prev < i, "per-person order");
      }
    }
    assertEquals(threads * perThread, total);
  }

  @Test
  void peekIsBoundedByEntriesAndBytesButReturnsAtLeastOne() throws Exception {
    RedisOutbox outbox = open(1);
    for (int i = 0; i < 10; i++) {
      appendCommitted(outbox, entry("p", "0123456789-" + i));
    }
    assertEquals(3, outbox.peek(0, 3, Long.MAX_VALUE).size());
    assertEquals(2, outbox.peek(0, 10, 25).size(), "two 12-byte payloads fit in 25 bytes, three do not");
    assertEquals(1, outbox.peek(0, 10, 1).size(), "at least one entry even if it alone is over the byte limit");
    assertEquals(0, outbox.peek(0, 0, 100).size());
    assertThrows(IllegalArgumentException.class, () -> outbox.peek(1, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> outbox.peek(0, -1, 1));
  }

  @Test
  void ackDeletesEntriesTrimsTheStreamAndIgnoresUnknownSeqs() throws Exception {
    RedisOutbox outbox = open(2);
    List<Long> seqs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      seqs.add(appendCommitted(outbox, entry("p", "x" + i)));
    }
    int lane = outbox.laneOf("p");
    outbox.ack(new long[] {seqs.get(0), seqs.get(1), 999_999L << 10, -5}).get(5, TimeUnit.SECONDS);
    List<StoredEntry> left = outbox.peek(lane, 10, 1000);
    assertEquals(List.of(seqs.get(2), seqs.get(3), seqs.get(4)), left.stream().map(StoredEntry::seq).toList());
    assertFalse(outbox.isPending(seqs.get(0)));
    await().atMost(Duration.ofSeconds(5)).until(() -> outbox.pending(lane) == 3);
    outbox.ack(new long[] {seqs.get(2), seqs.get(3), seqs.get(4)}).get(5, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(5)).until(() -> outbox.pending(lane) == 0);
    assertEquals(-1, outbox.oldestPendingSeq());
    await().atMost(Duration.ofSeconds(5)).until(() -> outbox.stats().pending() == 0 && outbox.stats().pendingBytes() == 0);
    assertEquals(0, streamLength(lane), "acknowledged entries are deleted from the stream");
  }

  long streamLength(int shard) {
    try (var c = RedisConnections.open(store().build(), io.lettuce.core.codec.StringCodec.UTF8)) {
      return c.sync().xlen("{" + prefix + ":ws}:s:" + shard);
    }
  }

  @Test
  void recordFailureCountsAttemptsAndKeepsTheFirstFailureTime() throws Exception {
    RedisOutbox outbox = open(2);
    long seq = appendCommitted(outbox, entry("p", "a"));
    outbox.recordFailure(new long[] {seq, 12345L << 10}, 5_000L, "HTTP 500").get(5, TimeUnit.SECONDS);
    outbox.recordFailure(new long[] {seq}, 9_000L, "timeout").get(5, TimeUnit.SECONDS);
    StoredEntry e = outbox.peek(outbox.laneOf("p"), 1, 100).get(0);
    assertEquals(2, e.attempts());
    assertEquals(5_000L, e.firstFailureAtMillis());
    outbox.deadLetter(List.of(new DeadLetterRequest(seq, "gave up", 500, 1))).get(5, TimeUnit.SECONDS);
    assertEquals(2, outbox.deadLetterOf(seq).orElseThrow().attempts(), "the larger of recorded and requested attempts");
  }

  @Test
  void deadLettersKeepEverythingAndTheReasonAndPageByAfterId() throws Exception {
    RedisOutbox outbox = open(4);
    List<Long> seqs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      seqs.add(appendCommitted(outbox, new NewEntry("person-" + i, i == 0 ? null : "ev" + i, EntryKind.V2_OPERATION,
          ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8), 100L + i)));
    }
    List<DeadLetterRequest> reqs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      reqs.add(new DeadLetterRequest(seqs.get(i), "bad field " + i, 400, i + 1));
    }
    outbox.deadLetter(reqs).get(5, TimeUnit.SECONDS);
    assertEquals(5, outbox.deadLetterCount());
    List<DeadLetter> all = outbox.deadLetters(0, 100);
    assertEquals(5, all.size());
    for (int i = 0; i < 5; i++) {
      DeadLetter d = all.get(i);
      assertEquals(seqs.get(i), d.originalSeq());
      assertEquals("person-" + i, d.personKey());
      assertEquals(i == 0 ? null : "ev" + i, d.eventId());
      assertEquals("{\"i\":" + i + "}", text(d.payload()));
      assertEquals(100L + i, d.acceptedAtMillis());
      assertEquals("bad field " + i, d.reason());
      assertEquals(400, d.lastStatus());
      assertEquals(i + 1, d.attempts());
      assertTrue(d.deadAtMillis() > 0);
      assertFalse(outbox.isPending(seqs.get(i)));
      assertEquals(d.id(), outbox.deadLetterOf(seqs.get(i)).orElseThrow().id());
    }
    assertTrue(all.get(0).id() < all.get(1).id());
    List<DeadLetter> page = outbox.deadLetters(all.get(1).id(), 2);
    assertEquals(List.of(all.get(2).id(), all.get(3).id()), page.stream().map(DeadLetter::id).toList());
    assertEquals(0, outbox.deadLetters(all.get(4).id(), 10).size());
    await().atMost(Duration.ofSeconds(5)).until(() -> outbox.stats().deadLetters() == 5 && outbox.stats().pending() == 0);
  }

  @Test
  void replayMovesToTheEndOfTheLaneWithAttemptsResetAndPurgeDeletes() throws Exception {
    RedisOutbox outbox = open(1);
    long a = appendCommitted(outbox, entry("p", "a"));
    long b = appendCommitted(outbox, entry("p", "b"));
    long c = appendCommitted(outbox, entry("p", "c"));
    outbox.recordFailure(new long[] {a}, 10L, "boom").get(5, TimeUnit.SECONDS);
    outbox.deadLetter(List.of(new DeadLetterRequest(a, "r", 0, 3), new DeadLetterRequest(b, "r", 0, 3)))
        .get(5, TimeUnit.SECONDS);
    List<DeadLetter> dls = outbox.deadLetters(0, 10);
    assertEquals(1, outbox.replay(List.of(dls.get(0).id(), 424242L)));
    List<StoredEntry> lane = outbox.peek(0, 10, 10_000);
    assertEquals(List.of("c", "a"), lane.stream().map(e -> text(e.payload())).toList(), "replayed to the end");
    StoredEntry replayed = lane.get(1);
    assertTrue(replayed.seq() > c);
    assertEquals(0, replayed.attempts());
    assertEquals(0, replayed.firstFailureAtMillis());
    assertEquals("ev-a", replayed.eventId(), "the event keeps its id");
    assertTrue(outbox.deadLetterOf(a).isEmpty(), "a replayed dead letter is gone");
    assertEquals(java.util.OptionalLong.of(replayed.seq()), outbox.replayedAs(a), "the store says where it went");
    assertTrue(outbox.replayedAs(c).isEmpty(), "an entry never replayed");
    assertEquals(1, outbox.deadLetterCount());

    assertEquals(1, outbox.purge(List.of(dls.get(1).id())));
    assertEquals(0, outbox.purge(List.of(dls.get(1).id())));
    assertEquals(0, outbox.deadLetterCount());
    assertTrue(outbox.deadLetterOf(b).isEmpty());
  }

  @Test
  void oldestPendingSeqOfALaneFollowsAcknowledgementsAndChangesNothing() throws Exception {
    RedisOutbox outbox = open(1);
    assertEquals(-1, outbox.oldestPendingSeq(0), "an empty lane");
    long a = appendCommitted(outbox, entry("p", "a"));
    long b = appendCommitted(outbox, entry("p", "b"));
    assertEquals(a, outbox.oldestPendingSeq(0));
    assertEquals(a, outbox.oldestPendingSeq(0), "asking twice changes nothing");
    assertEquals(2, outbox.peek(0, 10, 10_000).size(), "the read state is untouched");
    outbox.ack(new long[] {a}).get(5, TimeUnit.SECONDS);
    assertEquals(b, outbox.oldestPendingSeq(0));
    outbox.ack(new long[] {b}).get(5, TimeUnit.SECONDS);
    assertEquals(-1, outbox.oldestPendingSeq(0));
  }

  @Test
  void replayAllAndPurgeAll() throws Exception {
    RedisOutbox outbox = open(4);
    List<DeadLetterRequest> reqs = new ArrayList<>();
    for (int i = 0; i < 1_200; i++) {
      reqs.add(new DeadLetterRequest(appendCommitted(outbox, entry("p" + (i % 7), "v" + i)), "r", 400, 1));
    }
    outbox.deadLetter(reqs).get(10, TimeUnit.SECONDS);
    assertEquals(1_200, outbox.deadLetterCount());
    assertEquals(1_200, outbox.replayAll());
    assertEquals(0, outbox.deadLetterCount());
    long pending = 0;
    for (int lane = 0; lane < 4; lane++) {
      pending += outbox.peek(lane, Integer.MAX_VALUE, Long.MAX_VALUE).size();
    }
    assertEquals(1_200, pending);
    List<DeadLetterRequest> again = new ArrayList<>();
    for (int lane = 0; lane < 4; lane++) {
      for (StoredEntry e : outbox.peek(lane, Integer.MAX_VALUE, Long.MAX_VALUE)) {
        again.add(new DeadLetterRequest(e.seq(), "r", 400, 1));
      }
    }
    outbox.deadLetter(again).get(10, TimeUnit.SECONDS);
    assertEquals(1_200, outbox.purgeAll());
    assertEquals(0, outbox.deadLetterCount());
    await().atMost(Duration.ofSeconds(5)).until(() -> outbox.stats().pending() == 0
        && outbox.stats().pendingBytes() == 0 && outbox.stats().deadLetters() == 0);
  }

  @Test
  void statsCountPendingBytesOldestAndDeadLetters() throws Exception {
    RedisOutbox outbox = open(4);
    long s1 = appendCommitted(outbox, new NewEntry("a", "e1", EntryKind.V2_OPERATION, new byte[10], 500L));
    appendCommitted(outbox, new NewEntry("b", "e2", EntryKind.V2_OPERATION, new byte[20], 700L));
    long s3 = appendCommitted(outbox, new NewEntry("c", "e3", EntryKind.V2_OPERATION, new byte[30], 900L));
    await().atMost(Duration.ofSeconds(5)).until(() -> outbox.stats().equals(new OutboxStats(3, 60, 500L, 0, 0)));
    outbox.ack(new long[] {s1}).get(5, TimeUnit.SECONDS);
    outbox.deadLetter(List.of(new DeadLetterRequest(s3, "no", 400, 1))).get(5, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(5)).until(() -> outbox.stats().equals(new OutboxStats(1, 20, 700L, 1, 0)));
  }

  @Test
  void capsRejectFullWithAMessageNamingTheLimit() throws Exception {
    RedisOutbox outbox = open(store().build(), outboxConfig().lanes(2).maxPendingOperations(3).build());
    List<Long> seqs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      seqs.add(appendCommitted(outbox, entry("p", "x" + i)));
    }
    AppendResult r = outbox.append(entry("p", "x3"));
    assertEquals(AppendResult.Reason.FULL, r.reason());
    assertTrue(r.message().contains("maxPendingOperations=3"), r.message());
    outbox.ack(new long[] {seqs.get(0)}).get(5, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(5)).until(() -> outbox.append(entry("p", "x4")).isAccepted());

    RedisOutbox bytes = open(store().prefix(prefix).workspace("ws2").build(),
        outboxConfig().lanes(2).maxPendingBytes(10).build());
    appendCommitted(bytes, entry("p", "12345678"));
    AppendResult rb = bytes.append(entry("p", "123"));
    assertEquals(AppendResult.Reason.FULL, rb.reason());
    assertTrue(rb.message().contains("maxPendingBytes=10"), rb.message());
  }

  @Test
  void underTheBlockPolicyAFullAppendWaitsForRoomAndGoesIn() throws Exception {
    RedisOutbox outbox = open(store().build(), outboxConfig().lanes(2).maxPendingOperations(2)
        .overflowPolicy(io.ciorelay.delivery.outbox.OverflowPolicy.BLOCK).blockTimeout(Duration.ofSeconds(20)).build());
    long first = appendCommitted(outbox, entry("p", "x0"));
    appendCommitted(outbox, entry("p", "x1"));
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<AppendResult> blocked = pool.submit(() -> outbox.append(entry("p", "x2")));
      await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !blocked.isDone());
      outbox.ack(new long[] {first}).get(5, TimeUnit.SECONDS);
      AppendResult r = blocked.get(10, TimeUnit.SECONDS);
      assertTrue(r.isAccepted(), () -> r.reason() + " " + r.message());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void afterStopAcceptingAndCloseAppendsAreRejectedClosed() throws Exception {
    RedisOutbox outbox = open(2);
    appendCommitted(outbox, entry("p", "a"));
    outbox.stopAccepting();
    assertEquals(AppendResult.Reason.CLOSED, outbox.append(entry("p", "b")).reason());
    outbox.close();
    outbox.close();
    assertEquals(AppendResult.Reason.CLOSED, outbox.append(entry("p", "c")).reason());
    assertThrows(OutboxException.class, () -> outbox.peek(0, 1, 1).size());
  }

  @Test
  void entriesSurviveCloseAndReopen() throws Exception {
    RedisOutbox first = RedisOutbox.open(store().build(), outboxConfig().lanes(4).build());
    List<Long> seqs = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      seqs.add(appendCommitted(first, entry("p" + (i % 3), "v" + i)));
    }
    first.close();
    RedisOutbox second = open(4);
    List<Long> read = new ArrayList<>();
    for (int lane = 0; lane < 4; lane++) {
      for (StoredEntry e : second.peek(lane, 100, Long.MAX_VALUE)) {
        read.add(e.seq());
      }
    }
    read.sort(null);
    assertEquals(seqs, read);
    long next = appendCommitted(second, entry("p0", "after"));
    assertTrue(next > seqs.get(seqs.size() - 1), "sequence numbers keep increasing after a reopen");
  }

  @Test
  void listenersRunAfterAppendsCommit() throws Exception {
    RedisOutbox outbox = open(2);
    AtomicInteger calls = new AtomicInteger();
    outbox.onAppendCommitted(calls::incrementAndGet);
    appendCommitted(outbox, entry("p", "a"));
    await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() >= 1);
  }

  @Test
  void aDifferentShardCountForTheSameWorkspaceIsRefused() {
    open(8);
    OutboxException e = assertThrows(OutboxException.class,
        () -> open(store().build(), outboxConfig().lanes(4).build()));
    assertTrue(e.getMessage().contains("has 8 shards") && e.getMessage().contains("shards=4"), e.getMessage());
  }

  @Test
  void anotherWorkspacesKeysUnderTheSamePrefixAreRefusedEvenThroughTheFactory() {
    open(store().identity("site-a@https://track.customer.io").build(), outboxConfig().lanes(4).build());
    OutboxException e = assertThrows(RedisStoreMismatchException.class, () -> RedisOutbox.factory(
        store().identity("site-b@https://track.customer.io").build()).open(outboxConfig().lanes(4).build()));
    assertTrue(e.getMessage().contains("belongs to another workspace"), e.getMessage());
    assertFalse(e.getMessage().contains("site-a") || e.getMessage().contains("site-b"), e.getMessage());
    // The same identity opens fine.
    open(store().identity("site-a@https://track.customer.io").build(), outboxConfig().lanes(4).build());
  }

  @Test
  void roundTripsAreCounted() throws Exception {
    io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    RedisOutbox outbox = open(store().meterRegistry(registry).build(), outboxConfig().lanes(2).build());
    appendCommitted(outbox, entry("p", "a"));
    double appends = registry.get("cio.redis.round.trips").tag("op", "append").counter().count();
    assertEquals(1.0, appends);
    assertTrue(registry.get("cio.redis.round.trips").tag("op", "tick").counter().count() >= 1);
  }
}
