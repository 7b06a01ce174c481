package io.ciorelay.delivery.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.delivery.health.HealthConfig;
import io.ciorelay.delivery.metrics.DeliveryMetrics;
import io.ciorelay.delivery.outbox.DeadLetterRequest;
import io.ciorelay.delivery.outbox.EntryKind;
import io.ciorelay.delivery.outbox.ForwardingOutbox;
import io.ciorelay.delivery.outbox.OutboxConfig;
import io.ciorelay.delivery.outbox.SqliteOutbox;
import io.ciorelay.delivery.outbox.StoredEntry;
import io.ciorelay.delivery.outcome.Action;
import io.ciorelay.delivery.retry.Backoff;
import io.ciorelay.delivery.retry.RetryConfig;
import io.ciorelay.delivery.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outcome applier on a fake clock, over a store whose result writes the test completes by
 * hand and a dispatcher thread the test runs itself.
 */
class OutcomeApplierTest {
  private static final Duration BASE = Duration.ofSeconds(1);

  @TempDir
  Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final HealthTracker health = new HealthTracker(clock, HealthConfig.defaults());
  private final Queue<Runnable> dispatcherThread = new ArrayDeque<>();
  private final RecordingLimiter limiter = new RecordingLimiter();
  private SqliteOutbox real;
  private RecordingOutbox outbox;
  private WorkspacePauses pauses;
  private OutcomeApplier applier;

  /** Records the result writes; each one's commit is completed by the test. */
  static final class RecordingOutbox extends ForwardingOutbox {
    final List<long[]> acks = new ArrayList<>();
    final List<List<DeadLetterRequest>> deadLetters = new ArrayList<>();
    final List<long[]> failures = new ArrayList<>();
    final List<CompletableFuture<Void>> commits = new ArrayList<>();

    RecordingOutbox(SqliteOutbox real) {
      super(real);
    }

    private CompletableFuture<Void> commit() {
      CompletableFuture<Void> f = new CompletableFuture<>();
      commits.add(f);
      return f;
    }

    @Override public CompletableFuture<Void> ack(long[] seqs) { acks.add(seqs); return commit(); }
    @Override public CompletableFuture<Void> deadLetter(List<DeadLetterRequest> r) { deadLetters.add(r); return commit(); }
    @Override public CompletableFuture<Void> recordFailure(long[] seqs, long at, String e) { failures.add(seqs); return commit(); }
  }

  @BeforeEach
  void open() throws Exception {
    real = SqliteOutbox.open(OutboxConfig.builder().path(dir.resolve("outbox.db")).lanes(2).build());
    outbox = new RecordingOutbox(real);
    RetryConfig retry = RetryConfig.builder().baseDelay(BASE).maxAttempts(3).build();
    pauses = new WorkspacePauses("test", health, limiter, retry.authRetryInterval(), retry.endpointRetryInterval());
    applier = new OutcomeApplier("test", outbox, pauses, new Backoff(retry, () -> 0.0),
        new DeliveryMetrics(new SimpleMeterRegistry(), "test"), health,
        new DeliveryTracker(real::isPending, real::deadLetterOf, real::replayedAs), clock, dispatcherThread::add);
  }

  @AfterEach
  void close() {
    real.close();
  }

  private static StoredEntry entry(long seq) {
    return new StoredEntry(seq, 0, "p", "id" + seq, EntryKind.V2_OPERATION,
        ("{\"seq\":" + seq + "}").getBytes(StandardCharsets.UTF_8), 0, 0, 0);
  }

  /** A lane whose head batch of {@code n} entries (seqs 1..n) has its request in flight. */
  private static Lane laneSending(int n) {
    List<StoredEntry> entries = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      entries.add(entry(i));
    }
    Lane lane = new Lane(0);
    lane.work.addLast(new Batch(entries));
    lane.inFlight = true;
    return lane;
  }

  private void runDispatcherThread() {
    Runnable r;
    while ((r = dispatcherThread.poll()) != null) {
      r.run();
    }
  }

  @Test
  void anAcknowledgementFreesTheLaneOnlyOnceTheStoreCommittedIt() {
    Lane lane = laneSending(2);
    applier.apply(lane, lane.work.peekFirst(), new Action.Acknowledge(200), clock.millis());
    assertArrayEquals(new long[] {1, 2}, outbox.acks.get(0));
    assertTrue(lane.inFlight, "busy until the acknowledgement is on disk");
    assertEquals(1, applier.settling());
    long ticket = applier.resultsIssued();
    assertTrue(applier.resultsSettledBelow() < ticket, "a flush waiting on this result is not done");
    outbox.commits.get(0).complete(null);
    runDispatcherThread();
    assertFalse(lane.inFlight);
    assertTrue(lane.work.isEmpty(), "the batch left the lane");
    assertEquals(2, applier.delivered());
    assertEquals(0, applier.settling());
    assertEquals(ticket, applier.resultsSettledBelow());
  }

  @Test
  void aPartialAnswerAcknowledgesTheRestAndDeadLettersTheRefusedWithCustomerIosReason() {
    Lane lane = laneSending(3);
    applier.apply(lane, lane.work.peekFirst(), new Action.Partial(207, List.of(0, 2),
        List.of(new Action.Refusal(1, "attribute too long"))), clock.millis());
    assertArrayEquals(new long[] {1, 3}, outbox.acks.get(0));
    assertEquals(List.of(new DeadLetterRequest(2, "attribute too long", 207, 1)), outbox.deadLetters.get(0));
    outbox.commits.forEach(c -> c.complete(null));
    runDispatcherThread();
    assertEquals(2, applier.delivered());
    assertEquals(1, applier.deadLettered());
  }

  @Test
  void aSplitPutsTheTwoHalvesAtTheHeadInOrderAndWritesNothing() {
    Lane lane = laneSending(3);
    Batch sent = lane.work.peekFirst();
    applier.apply(lane, sent, new Action.Split(400, "bad request"), clock.millis());
    assertFalse(lane.inFlight);
    assertEquals(2, lane.work.size());
    assertEquals(List.of(entry(1).seq()), lane.work.peekFirst().entries.stream().map(StoredEntry::seq).toList());
    assertEquals(List.of(2L, 3L), lane.work.peekLast().entries.stream().map(StoredEntry::seq).toList());
    assertTrue(outbox.commits.isEmpty());
  }

  @Test
  void aRetryableFailureIsRecordedAndTheLaneWaitsTheBackoffWithTheSameBatch() {
    Lane lane = laneSending(1);
    Batch sent = lane.work.peekFirst();
    long now = clock.millis();
    applier.apply(lane, sent, new Action.RetryAfter(503, Optional.empty(), true, false, "HTTP 503"), now);
    assertArrayEquals(new long[] {1}, outbox.failures.get(0));
    assertFalse(lane.inFlight);
    assertEquals(now + BASE.toMillis(), lane.notBefore);
    assertSame(sent, lane.work.peekFirst(), "the same operations go again");
    assertEquals(1, sent.attempts);
    assertEquals("HTTP 503", health.snapshot("CLOSED", real.stats(), 0).lastError());
  }

  @Test
  void theLastAttemptOfTheBudgetDeadLettersTheBatchWithTheLastError() {
    Lane lane = laneSending(2);
    Batch sent = lane.work.peekFirst();
    sent.attempts = 2; // the budget allows 3
    applier.apply(lane, sent, new Action.RetryAfter(500, Optional.empty(), true, false, "HTTP 500"), clock.millis());
    List<DeadLetterRequest> dls = outbox.deadLetters.get(0);
    assertEquals(2, dls.size());
    assertEquals("retry budget spent after 3 attempts; last error: HTTP 500", dls.get(0).reason());
    assertTrue(lane.inFlight, "busy until the dead letters are on disk");
    outbox.commits.forEach(c -> c.complete(null));
    runDispatcherThread();
    assertEquals(2, applier.deadLettered());
    assertTrue(lane.work.isEmpty());
  }

  @Test
  void aWrongEndpointPausesTheWorkspaceKeepsTheBatchAndWritesNothing() {
    Lane lane = laneSending(1);
    long now = clock.millis();
    applier.apply(lane, lane.work.peekFirst(), new Action.PauseEndpoint(404, "HTTP 404 (not Customer.io)"), now);
    assertTrue(outbox.commits.isEmpty(), "nothing dead-lettered, nothing recorded");
    assertFalse(lane.inFlight);
    assertEquals(1, lane.work.size());
    assertTrue(pauses.closedUntil(now) > now);
    assertTrue(health.endpointFailing());
  }

  @Test
  void a429PausesTheLimiterForTheServersRetryAfter() {
    Lane lane = laneSending(1);
    long now = clock.millis();
    applier.apply(lane, lane.work.peekFirst(),
        new Action.PauseRateLimit(Optional.of(Duration.ofSeconds(7)), "HTTP 429"), now);
    assertEquals(now + 7_000, limiter.pausedUntil());
    assertFalse(lane.inFlight);
    assertEquals(1, lane.work.size());
  }

  @Test
  void aStoreThatFailsToRecordTheResultsKeepsTheBatchAndBacksOff() {
    Lane lane = laneSending(1);
    Batch sent = lane.work.peekFirst();
    applier.apply(lane, sent, new Action.Acknowledge(200), clock.millis());
    outbox.commits.get(0).completeExceptionally(new IllegalStateException("disk full"));
    runDispatcherThread();
    assertFalse(lane.inFlight);
    assertSame(sent, lane.work.peekFirst(), "re-sent with the same ids once the store works");
    assertEquals(clock.millis() + BASE.toMillis(), lane.notBefore);
    assertTrue(health.storeFailing());
    assertEquals(0, applier.delivered());
    assertEquals(0, applier.settling());
  }
}
