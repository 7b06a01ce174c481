package io.ciorelay.delivery.send;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.client.ApiRequest;
import io.ciorelay.client.ApiResponse;
import io.ciorelay.client.CioTransportException;
import io.ciorelay.client.Credentials;
import io.ciorelay.client.TrackClientConfig;
import io.ciorelay.delivery.testing.FakeScheduler;
import io.ciorelay.delivery.testing.MutableClock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SenderTest {
  private static final ApiRequest BATCH = new ApiRequest("POST", "/api/v2/batch",
      "{\"batch\":[]}".getBytes(StandardCharsets.UTF_8));
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final FakeScheduler scheduler = new FakeScheduler(clock);

  private Sender sender(StallingServer server, Duration deadline) {
    return Sender.create(TrackClientConfig.builder()
        .credentials(Credentials.of("site", "key"))
        .baseUrl(URI.create(server.baseUrl()))
        .requestTimeout(deadline)
        .build(), scheduler);
  }

  private static Throwable failureOf(CompletableFuture<?> f) throws Exception {
    try {
      f.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("completed normally");
  }

  @Test
  void aFullAnswerCompletesWithStatusAndBodyAndCancelsTheDeadline() throws Exception {
    try (StallingServer server = new StallingServer(n -> StallingServer.Reply.ok("{}"))) {
      ApiResponse r = sender(server, Duration.ofSeconds(600)).send(BATCH).get(10, TimeUnit.SECONDS);
      assertEquals(200, r.status());
      assertEquals("{}", r.bodyText());
      assertEquals(0, scheduler.pending());
    }
  }

  /** Issue 10, case 1: 200 headers, 2 of 100 body bytes, then silence held the lane forever. */
  @Test
  void bodyStalledAfterTheHeadersFailsAsATimeoutAtTheDeadlineAndClosesTheConnection() throws Exception {
    try (StallingServer server = new StallingServer(n -> StallingServer.Reply.stallBody(100, 2))) {
      // A long real-time timeout: only the fake deadline can end the exchange within the test.
      CompletableFuture<ApiResponse> f = sender(server, Duration.ofSeconds(600)).send(BATCH);
      await().atMost(Duration.ofSeconds(10)).until(() -> server.requests() == 1);
      assertFalse(f.isDone());
      scheduler.advance(Duration.ofSeconds(599));
      assertFalse(f.isDone());
      scheduler.advance(Duration.ofSeconds(1));
      CioTransportException e = assertInstanceOf(CioTransportException.class, failureOf(f));
      assertTrue(e.timeout());
      assertEquals("POST /api/v2/batch timed out (no complete answer within 600 s)", e.getMessage());
      await().atMost(Duration.ofSeconds(10)).until(() -> server.closedByClient() == 1);
    }
  }

  @Test
  void noHeadersAtAllFailsAsATimeoutAtTheDeadline() throws Exception {
    try (StallingServer server = new StallingServer(n -> StallingServer.Reply.hang())) {
      CompletableFuture<ApiResponse> f = sender(server, Duration.ofSeconds(600)).send(BATCH);
      await().atMost(Duration.ofSeconds(10)).until(() -> server.requests() == 1);
      scheduler.advance(Duration.ofSeconds(600));
      assertTrue(assertInstanceOf(CioTransportException.class, failureOf(f)).timeout());
      await().atMost(Duration.ofSeconds(10)).until(() -> server.closedByClient() == 1);
    }
  }

  @Test
  void theNextRequestAfterAStallGetsItsAnswer() throws Exception {
    try (StallingServer server = new StallingServer(n -> n == 0 ? StallingServer.Reply.stallBody(100, 2)
        : StallingServer.Reply.ok("{}"))) {
      Sender s = sender(server, Duration.ofSeconds(600));
      CompletableFuture<ApiResponse> first = s.send(BATCH);
      await().atMost(Duration.ofSeconds(10)).until(() -> server.requests() == 1);
      scheduler.advance(Duration.ofSeconds(600));
      failureOf(first);
      assertEquals(200, s.send(BATCH).get(10, TimeUnit.SECONDS).status());
    }
  }

  @Test
  void aBodyOverTheCapIsNotReadToTheEnd() throws Exception {
    int big = Sender.DEFAULT_MAX_RESPONSE_BYTES + 10;
    try (StallingServer server = new StallingServer(n -> StallingServer.Reply.ok("y".repeat(big)))) {
      Throwable e = failureOf(sender(server, Duration.ofSeconds(600)).send(BATCH));
      CioTransportException te = assertInstanceOf(CioTransportException.class, e);
      assertFalse(te.timeout());
      assertTrue(te.getMessage().contains("over " + Sender.DEFAULT_MAX_RESPONSE_BYTES + " bytes"), te.getMessage());
    }
  }

  @Test
  void aClosedSenderRefusesAtOnce() throws Exception {
    try (StallingServer server = new StallingServer(n -> StallingServer.Reply.ok("{}"))) {
      Sender s = sender(server, Duration.ofSeconds(1));
      s.close();
      assertInstanceOf(IllegalStateException.class, failureOf(s.send(BATCH)));
      assertEquals(0, server.requests());
    }
  }
}
