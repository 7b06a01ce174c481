package io.ciorelay.delivery.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.client.ApiRequest;
import io.ciorelay.client.ApiResponse;
import io.ciorelay.client.CioTransportException;
import io.ciorelay.client.Identifiers;
import io.ciorelay.client.Operation;
import io.ciorelay.delivery.breaker.BreakerConfig;
import io.ciorelay.delivery.health.HealthConfig;
import io.ciorelay.delivery.metrics.DeliveryMetrics;
import io.ciorelay.delivery.outbox.EntryKind;
import io.ciorelay.delivery.outbox.LaneHash;
import io.ciorelay.delivery.outbox.NewEntry;
import io.ciorelay.delivery.outbox.OutboxConfig;
import io.ciorelay.delivery.outbox.SqliteOutbox;
import io.ciorelay.delivery.ratelimit.RateLimiter;
import io.ciorelay.delivery.retry.Backoff;
import io.ciorelay.delivery.retry.RetryConfig;
import io.ciorelay.delivery.send.Transport;
import io.ciorelay.delivery.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lane scheduler on a fake clock with a fake transport whose answers the test gives by hand,
 * over a real SQLite outbox; the test drives the scheduler's loop ({@code step()}) itself.
 */
class LaneSchedulerTest {
  private static final int LANES = 4;
  private static final Duration ENDPOINT_INTERVAL = Duration.ofSeconds(30);

  @TempDir
  Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final FakeTransport transport = new FakeTransport();
  private final HealthTracker health = new HealthTracker(clock, HealthConfig.defaults());
  private SqliteOutbox outbox;
  private LaneScheduler scheduler;

  /** Records requests; each answer is given by the test. */
  static final class FakeTransport implements Transport {
    record Sent(ApiRequest request, CompletableFuture<ApiResponse> answer) {
      String body() {
        return new String(request.body(), StandardCharsets.UTF_8);
      }
    }

    final List<Sent> sent = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<ApiResponse> send(ApiRequest request) {
      CompletableFuture<ApiResponse> f = new CompletableFuture<>();
      sent.add(new Sent(request, f));
      return f;
    }

    @Override
    public URI url(String path) {
      return URI.create("http://127.0.0.1:9" + path);
    }

    @Override
    public Duration deadline() {
      return Duration.ofSeconds(10);
    }

    List<Sent> unanswered() {
      return sent.stream().filter(s -> !s.answer().isDone()).toList();
    }
  }

  private static final RateLimiter UNLIMITED = grantingEvery(() -> {});

  /** A limiter that grants every request, running {@code onAcquire} first (a shared store's round trip). */
  private static RateLimiter grantingEvery(Runnable onAcquire) {
    return new RateLimiter() {
      @Override
      public long tryAcquire() {
        onAcquire.run();
        return 0;
      }

      @Override
      public long nanosUntilAvailable() {
        return 0;
      }

      @Override
      public void pauseUntil(long epochMillis) {}

      @Override
      public long pausedUntil() {
        return 0;
      }
    };
  }

  private void open() throws Exception {
    open(o -> o, UNLIMITED);
  }

  /** Opens the store, handing the scheduler {@code wrap} of it, gated by {@code limiter}. */
  private void open(java.util.function.UnaryOperator<io.ciorelay.delivery.outbox.Outbox> wrap, RateLimiter limiter)
      throws Exception {
    outbox = SqliteOutbox.open(OutboxConfig.builder().path(dir.resolve("outbox.db")).lanes(LANES).build());
    RetryConfig retry = RetryConfig.builder().endpointRetryInterval(ENDPOINT_INTERVAL).build();
    scheduler = new LaneScheduler("test", new LaneScheduler.Parts(wrap.apply(outbox), transport, limiter,
        BreakerConfig.defaults().newBreaker("test", clock), new Backoff(retry, () -> 0.0),
        new DeliveryMetrics(new SimpleMeterRegistry(), "test"), health,
        new DeliveryTracker(outbox::isPending, outbox::deadLetterOf, outbox::replayedAs), clock, clock::nanos),
        new LaneScheduler.Settings(100, 500_000, Duration.ZERO, retry.authRetryInterval(), retry.endpointRetryInterval()));
  }

  @AfterEach
  void close() {
    if (outbox != null) {
      outbox.close();
    }
  }

  private long append(Operation op) throws Exception {
    return outbox.append(new NewEntry(op.personKey(), op.id(), EntryKind.V2_OPERATION, op.toJson(), clock.millis()))
        .committed().get(10, TimeUnit.SECONDS);
  }

  /** Runs the loop until {@code condition} holds (completions arrive from the outbox's writer thread). */
  private void stepUntil(BooleanSupplier condition) {
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(() -> {
      scheduler.step();
      return condition.getAsBoolean();
    });
  }

  private static ApiResponse answer(int status, String body) {
    return new ApiResponse(status, Map.of(), body.getBytes(StandardCharsets.UTF_8));
  }

  private static String personIn(int lane, String prefix) {
    for (int i = 0; ; i++) {
      if (LaneHash.lane(Identifiers.id(prefix + i).key(), LANES) == lane) {
        return prefix + i;
      }
    }
  }

  /** Opens the scheduler, queues one event for a person in {@code lane} and lets it be sent; returns the person. */
  private String sendOneIn(int lane, String name) throws Exception {
    open();
    String p = personIn(lane, "p");
    append(Operation.event(Identifiers.id(p), name, Map.of()));
    scheduler.step();
    assertEquals(1, transport.sent.size());
    return p;
  }

  /**
   * Issue 10, finding 4: on a shared store each gate before the send (the limiter, the read) is a
   * round trip that can take seconds; a lease that ran short meanwhile must stop the send, so the
   * store is asked again right before the request starts.
   */
  @Test
  void aLeaseThatRanShortDuringTheGatesStartsNoRequest() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean leaseLeft = new java.util.concurrent.atomic.AtomicBoolean(true);
    // The lease runs short while the limiter's call waits on the shared store.
    RateLimiter slowSharedLimiter = grantingEvery(() -> leaseLeft.set(false));
    open(store -> new LeaseGatedOutbox(store, leaseLeft::get), slowSharedLimiter);
    append(Operation.event(Identifiers.id(personIn(0, "p")), "late", Map.of()));
    scheduler.step();
    assertEquals(0, transport.sent.size(), "no request starts on a lane whose lease ran short before the send");
    leaseLeft.set(true);
    assertTrue(outbox.pending(0) == 1, "the operation stays in the store for the lane's next owner");
  }

  @Test
  void oneRequestInFlightPerLaneAndTheNextReadOnlyAfterTheAcknowledgement() throws Exception {
    String p = sendOneIn(0, "first");
    append(Operation.event(Identifiers.id(p), "second", Map.of()));
    for (int i = 0; i < 5; i++) {
      scheduler.step();
    }
    assertEquals(1, transport.sent.size(), "the lane waits for its request's answer");
    transport.sent.get(0).answer().complete(answer(200, "{}"));
    stepUntil(() -> transport.sent.size() == 2);
    assertTrue(transport.sent.get(1).body().contains("second"));
    assertTrue(!transport.sent.get(1).body().contains("first"), "the acknowledged operation is not re-sent");
  }

  /** Issue 10, case 2, on a fake clock: one probe per interval, nothing dead-lettered, all lanes resume on a proper answer. */
  @Test
  void aWrongEndpointPausesEveryLaneAndProbesOncePerInterval() throws Exception {
    open();
    for (int lane = 0; lane < LANES; lane++) {
      append(Operation.event(Identifiers.id(personIn(lane, "p")), "e", Map.of()));
    }
    scheduler.step();
    assertEquals(LANES, transport.sent.size(), "every lane sends");
    transport.sent.get(0).answer().complete(answer(404, "<html>Not Found</html>"));
    for (int i = 1; i < LANES; i++) {
      transport.sent.get(i).answer().complete(answer(404, "<html>Not Found</html>"));
    }
    stepUntil(() -> health.endpointFailing() && scheduler.inFlight() == 0);
    clock.advance(ENDPOINT_INTERVAL.minusSeconds(1));
    for (int i = 0; i < 5; i++) {
      scheduler.step();
    }
    assertEquals(LANES, transport.sent.size(), "nothing is sent before the interval");
    clock.advance(Duration.ofSeconds(1));
    scheduler.step();
    scheduler.step();
    assertEquals(LANES + 1, transport.sent.size(), "one probe");
    transport.sent.get(LANES).answer().complete(answer(404, "<html>Not Found</html>"));
    stepUntil(() -> scheduler.inFlight() == 0);
    scheduler.step();
    assertEquals(LANES + 1, transport.sent.size(), "the next probe waits a whole interval again");
    clock.advance(ENDPOINT_INTERVAL);
    stepUntil(() -> transport.sent.size() == LANES + 2);
    transport.sent.get(LANES + 1).answer().complete(answer(200, "{}"));
    stepUntil(() -> transport.sent.size() == 2 * LANES + 1);
    transport.unanswered().forEach(s -> s.answer().complete(answer(200, "{}")));
    stepUntil(() -> outbox.stats().pending() == 0);
    assertEquals(0, outbox.deadLetterCount());
    assertTrue(!health.endpointFailing());
  }

  @Test
  void resumeEndsTheEndpointPauseAtOnce() throws Exception {
    open();
    append(Operation.event(Identifiers.id("p"), "e", Map.of()));
    scheduler.step();
    transport.sent.get(0).answer().complete(answer(301, ""));
    stepUntil(() -> health.endpointFailing() && scheduler.inFlight() == 0);
    scheduler.step();
    assertEquals(1, transport.sent.size());
    scheduler.resume();
    stepUntil(() -> transport.sent.size() == 2);
  }

  /** Finding 1 at the scheduler: a timeout frees the lane, counts as a timeout, and the same operations go again after the backoff. */
  @Test
  void aTimedOutRequestIsSentAgainAfterTheBackoff() throws Exception {
    open();
    append(Operation.event(Identifiers.id("p"), "e", Map.of()));
    scheduler.step();
    transport.sent.get(0).answer().completeExceptionally(
        new CioTransportException("POST /api/v2/batch timed out (no complete answer within 10 s)", null, true));
    stepUntil(() -> scheduler.inFlight() == 0);
    scheduler.step();
    assertEquals(1, transport.sent.size(), "backing off");
    clock.advance(RetryConfig.DEFAULT_BASE_DELAY);
    stepUntil(() -> transport.sent.size() == 2);
    assertEquals(transport.sent.get(0).body(), transport.sent.get(1).body(), "the same operations, same ids");
    assertTrue(health.snapshot("CLOSED", outbox.stats(), 0).reasons().stream().anyMatch(r -> r.contains("timed out")));
  }

  @Test
  void aRequestOlderThanItsDeadlineShowsAsAStalledLane() throws Exception {
    sendOneIn(2, "e");
    assertEquals(List.of(), scheduler.stalledLanes(clock.millis()));
    clock.advance(Duration.ofSeconds(11));
    List<String> stalled = scheduler.stalledLanes(clock.millis());
    assertEquals(List.of("lane 2: a request has waited 11 s for an answer, past its 10 s deadline"), stalled);
  }

  /** Finding 8 at the scheduler: the merge waits for the secondary's earlier operation, then goes. */
  @Test
  void aMergeWaitsForTheSecondarysEarlierOperationsInTheirLane() throws Exception {
    open();
    String primary = personIn(0, "p");
    String secondary = personIn(1, "q");
    append(Operation.event(Identifiers.id(secondary), "before-merge", Map.of()));
    append(Operation.merge(Identifiers.id(primary), Identifiers.id(secondary)));
    scheduler.step();
    assertEquals(1, transport.sent.size(), "only the secondary's event goes; the merge waits");
    assertTrue(transport.sent.get(0).body().contains("before-merge"));
    transport.sent.get(0).answer().complete(answer(503, "{}"));
    stepUntil(() -> scheduler.inFlight() == 0);
    for (int i = 0; i < 5; i++) {
      scheduler.step();
    }
    assertEquals(1, transport.sent.size(), "still waiting while the event is retried");
    clock.advance(Duration.ofSeconds(2));
    stepUntil(() -> transport.sent.size() == 2);
    transport.sent.get(1).answer().complete(answer(200, "{}"));
    stepUntil(() -> transport.sent.size() == 3);
    assertTrue(transport.sent.get(2).body().contains("\"action\":\"merge\""), transport.sent.get(2).body());
  }
}
