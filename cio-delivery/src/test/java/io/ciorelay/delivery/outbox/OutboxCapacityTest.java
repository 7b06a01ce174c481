package io.ciorelay.delivery.outbox;

import static io.ciorelay.delivery.outbox.Entries.appendCommitted;
import static io.ciorelay.delivery.outbox.Entries.config;
import static io.ciorelay.delivery.outbox.Entries.entry;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxCapacityTest {

  @TempDir Path dir;

  @Test
  void rejectsAtExactlyTheOperationCap() throws Exception {
    try (SqliteOutbox outbox = SqliteOutbox.open(config(dir).maxPendingOperations(3).build())) {
      long first = appendCommitted(outbox, entry("p", "a"));
      appendCommitted(outbox, entry("p", "b"));
      assertTrue(outbox.append(entry("p", "c")).isAccepted(), "the third of three fits, committed or not");

      AppendResult r = outbox.append(entry("p", "d"));
      assertFalse(r.isAccepted());
      assertEquals(AppendResult.Reason.FULL, r.reason());
      assertEquals("outbox is full: 3 pending operations (maxPendingOperations=3)", r.message());
      assertEquals(3, outbox.stats().pending());

      outbox.ack(new long[] {first}).get(10, TimeUnit.SECONDS);
      assertTrue(outbox.append(entry("p", "d")).isAccepted(), "an ack frees room");
    }
  }

  @Test
  void rejectsAtExactlyTheByteCap() throws Exception {
    try (SqliteOutbox outbox = SqliteOutbox.open(config(dir).maxPendingBytes(10).build())) {
      appendCommitted(outbox, entry("p", "123456"));
      appendCommitted(outbox, entry("p", "7890")); // exactly 10 bytes now
      AppendResult r = outbox.append(entry("p", "x"));
      assertEquals(AppendResult.Reason.FULL, r.reason());
      assertEquals("outbox is full: 10 pending bytes + 1 would exceed maxPendingBytes=10", r.message());
      assertEquals(new OutboxStats(2, 10, 1_000L, 0, 0), outbox.stats());
    }
  }

  @Test
  void rejectsBeyondTheWriterQueueCapacity() throws Exception {
    OutboxConfig cfg = config(dir).durability(Durability.ASYNC).asyncCommitInterval(Duration.ofMinutes(1))
        .writerQueueCapacity(3).maxGroupSize(100).build();
    List<CompletableFuture<Long>> accepted = new ArrayList<>();
    try (SqliteOutbox outbox = SqliteOutbox.open(cfg)) {
      for (int i = 0; i < 3; i++) {
        accepted.add(outbox.append(entry("p", "v" + i)).committed());
      }
      AppendResult r = outbox.append(entry("p", "v3"));
      assertEquals(AppendResult.Reason.FULL, r.reason());
      assertEquals("outbox is full: 3 entries waiting for commit (writerQueueCapacity=3)", r.message());
    }
    for (CompletableFuture<Long> f : accepted) {
      assertTrue(f.isDone() && !f.isCompletedExceptionally(), "close committed what was handed over");
    }
  }

  @Test
  void blockWaitsForAnAckThenSucceeds() throws Exception {
    OutboxConfig cfg = config(dir).maxPendingOperations(1).overflowPolicy(OverflowPolicy.BLOCK)
        .blockTimeout(Duration.ofMinutes(1)).build();
    try (SqliteOutbox outbox = SqliteOutbox.open(cfg)) {
      long seq = appendCommitted(outbox, entry("p", "a"));
      CompletableFuture<AppendResult> blocked = new CompletableFuture<>();
      Thread appender = new Thread(() -> blocked.complete(outbox.append(entry("p", "b"))), "blocked-appender");
      appender.start();
      await().until(() -> appender.getState() == Thread.State.TIMED_WAITING);
      assertFalse(blocked.isDone());

      outbox.ack(new long[] {seq}).get(10, TimeUnit.SECONDS);
      AppendResult r = blocked.get(30, TimeUnit.SECONDS);
      assertTrue(r.isAccepted(), () -> r.message());
      assertTrue(r.committed().get(10, TimeUnit.SECONDS) > seq);
    }
  }

  @Test
  void blockTimesOutWhenNoRoomIsFreed() throws Exception {
    OutboxConfig cfg = config(dir).maxPendingOperations(1).overflowPolicy(OverflowPolicy.BLOCK)
        .blockTimeout(Duration.ofMillis(50)).build();
    try (SqliteOutbox outbox = SqliteOutbox.open(cfg)) {
      appendCommitted(outbox, entry("p", "a"));
      AppendResult r = outbox.append(entry("p", "b"));
      assertEquals(AppendResult.Reason.FULL, r.reason());
      assertEquals("outbox is full: 1 pending operations (maxPendingOperations=1) after waiting blockTimeout=PT0.05S",
          r.message());
      assertEquals(1, outbox.stats().pending());
    }
  }

  @Test
  void closeReleasesBlockedAppendersAsClosed() throws Exception {
    OutboxConfig cfg = config(dir).maxPendingOperations(1).overflowPolicy(OverflowPolicy.BLOCK)
        .blockTimeout(Duration.ofMinutes(1)).build();
    SqliteOutbox outbox = SqliteOutbox.open(cfg);
    appendCommitted(outbox, entry("p", "a"));
    CompletableFuture<AppendResult> blocked = new CompletableFuture<>();
    Thread appender = new Thread(() -> blocked.complete(outbox.append(entry("p", "b"))), "blocked-appender");
    appender.start();
    await().until(() -> appender.getState() == Thread.State.TIMED_WAITING);
    outbox.close();
    assertEquals(AppendResult.Reason.CLOSED, blocked.get(30, TimeUnit.SECONDS).reason());
  }
}
