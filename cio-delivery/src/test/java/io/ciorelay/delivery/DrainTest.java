package io.ciorelay.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.delivery.outbox.EntryKind;
import io.ciorelay.delivery.outbox.NewEntry;
import io.ciorelay.delivery.outbox.OutboxConfig;
import io.ciorelay.delivery.outbox.SqliteOutbox;
import io.ciorelay.delivery.testing.FakeScheduler;
import io.ciorelay.delivery.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flush and close over a real SQLite store, a fake lane loop, and a scheduler and ticker on a fake clock. */
class DrainTest {
  @TempDir
  Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final FakeScheduler scheduler = new FakeScheduler(clock);
  private final FakeDelivery delivery = new FakeDelivery();
  private SqliteOutbox outbox;
  private volatile CompletableFuture<Long> lastAppend = CompletableFuture.completedFuture(0L);
  private Drain drain;

  /** The lane loop as the test sets it. */
  static final class FakeDelivery implements Drain.Delivery {
    volatile int flushes;
    volatile boolean blocked;
    volatile long issued;
    volatile long settledBelow;
    volatile long stoppedWithDeadline = -1;

    @Override public void beginFlush() { flushes++; }
    @Override public void endFlush() { flushes--; }
    @Override public boolean isBlocked() { return blocked; }
    @Override public long resultsIssued() { return issued; }
    @Override public long resultsSettledBelow() { return settledBelow; }
    @Override public int stop(long deadlineNanos) { stoppedWithDeadline = deadlineNanos; return 0; }
    @Override public long delivered() { return 7; }
    @Override public long deadLettered() { return 1; }
  }

  @BeforeEach
  void open() {
    outbox = SqliteOutbox.open(OutboxConfig.builder().path(dir.resolve("outbox.db")).lanes(2).build());
    drain = new Drain("test", outbox, delivery, () -> lastAppend, scheduler, clock::nanos);
  }

  @AfterEach
  void close() {
    outbox.close();
  }

  private long append() throws Exception {
    CompletableFuture<Long> c = outbox.append(new NewEntry("p", "id", EntryKind.V2_OPERATION,
        "{}".getBytes(StandardCharsets.UTF_8), clock.millis())).committed();
    lastAppend = c;
    return c.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aFlushWaitsForTheStoreAndThenForTheResultsToBeApplied() throws Exception {
    long seq = append();
    CompletableFuture<Void> flush = drain.flush();
    assertEquals(1, delivery.flushes, "part-full batches go at once while the flush is open");
    scheduler.advance(Drain.FLUSH_POLL.multipliedBy(5));
    assertFalse(flush.isDone(), "still pending in the store");
    outbox.ack(new long[] {seq}).get(10, TimeUnit.SECONDS);
    delivery.issued = 5;
    delivery.settledBelow = 4;
    scheduler.advance(Drain.FLUSH_POLL.multipliedBy(5));
    assertFalse(flush.isDone(), "acknowledged on disk, but a result handed out before is not applied yet");
    delivery.settledBelow = 5;
    scheduler.advance(Drain.FLUSH_POLL);
    assertTrue(flush.isDone());
    assertEquals(0, delivery.flushes);
  }

  @Test
  void aFlushWithNothingPendingWaitsOnlyForResultsInHand() {
    delivery.issued = 3;
    delivery.settledBelow = 3;
    assertTrue(drain.flush().isDone());
  }

  @Test
  void closeWhileDeliveryIsBlockedDoesNotWaitForTheDeadlineAndEndsOpenFlushes() throws Exception {
    append();
    delivery.blocked = true;
    CompletableFuture<Void> flush = drain.flush();
    boolean[] released = {false};
    ShutdownReport report = assertTimeoutPreemptively(Duration.ofSeconds(10),
        () -> drain.close(Duration.ofSeconds(30), () -> 1, () -> released[0] = true));
    assertTrue(released[0]);
    assertEquals(clock.nanos() + Duration.ofSeconds(30).toNanos(), delivery.stoppedWithDeadline,
        "the lanes get the deadline on the injected ticker");
    assertEquals(1, report.accepted());
    assertEquals(7, report.delivered());
    assertEquals(1, report.remaining(), "left stored for the next start");
    assertTrue(flush.isDone(), "a flush open at close ends with it");
    assertTrue(drain.flush().isDone(), "a flush after close completes at once");
    assertEquals(report, drain.close(Duration.ofSeconds(1), () -> 99, () -> {}), "idempotent");
  }
}
