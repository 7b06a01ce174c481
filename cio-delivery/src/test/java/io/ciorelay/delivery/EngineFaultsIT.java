package io.ciorelay.delivery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ciorelay.client.Identifiers;
import io.ciorelay.delivery.health.Health;
import io.ciorelay.delivery.health.HealthStatus;
import io.ciorelay.delivery.outbox.LaneHash;
import io.ciorelay.delivery.retry.RetryConfig;
import io.ciorelay.delivery.send.StallingServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Faults of the endpoint itself, against a plain-socket server: a stalled body, a wrong endpoint, a merge's order. */
class EngineFaultsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int LANES = 4;
  private static final String HTML_404 = "<html><head><title>404 Not Found</title></head><body>Not Found</body></html>";

  @TempDir
  Path dir;

  private CustomerIoConfig.Builder config(StallingServer server, RetryConfig.Builder retry) {
    return CustomerIoConfig.builder()
        .credentials("site", "key")
        .baseUrl(URI.create(server.baseUrl()))
        .storagePath(dir.resolve("outbox.db"))
        .lanes(LANES)
        .linger(Duration.ofMillis(20))
        .requestTimeout(Duration.ofSeconds(1))
        .retry(retry.baseDelay(Duration.ofMillis(100)).maxDelay(Duration.ofSeconds(1)).build());
  }

  /** Event ids in the v2 batches the server answered with a 2xx. */
  private static Set<String> deliveredIds(StallingServer server) {
    Set<String> ids = new HashSet<>();
    for (String body : server.answeredBodies()) {
      for (JsonNode op : readTree(body).path("batch")) {
        if (op.hasNonNull("id")) {
          ids.add(op.get("id").asText());
        }
      }
    }
    return ids;
  }

  private static JsonNode readTree(String body) {
    try {
      return JSON.readTree(body);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + body, e);
    }
  }

  private static List<String> track(CustomerIo cio, int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Receipt r = cio.track("person-" + (i % 50), "e", Map.of("seq", i));
      assertTrue(r.isAccepted(), String.valueOf(r.rejection()));
      ids.add(r.eventId());
    }
    return ids;
  }

  /** Issue 10, case 1: 200 headers, 2 of 100 body bytes, then silence held a lane (and its backlog) forever. */
  @Test
  void bodyStalledAfterTheHeadersIsCancelledAtTheDeadlineAndItsOperationsAreDeliveredAfter() throws Exception {
    try (StallingServer server = new StallingServer(n -> n == 0 ? StallingServer.Reply.stallBody(100, 2)
        : StallingServer.Reply.ok("{}"));
        CustomerIo cio = CustomerIo.create(config(server, RetryConfig.builder()).build())) {
      List<String> ids = track(cio, 200);
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertTrue(deliveredIds(server).containsAll(ids), () -> "delivered " + deliveredIds(server).size()
              + " of " + ids.size() + "; health " + cio.health()));
      assertTrue(server.closedByClient() >= 1, "the stalled connection was closed by the relay");
      Health h = cio.health();
      assertEquals(HealthStatus.DEGRADED, h.status(), h.toString());
      assertTrue(h.reasons().stream().anyMatch(r -> r.contains("timed out")), h.reasons().toString());
      assertEquals(0, cio.deadLetters().count());
    }
  }

  /** Issue 10, case 2: an endpoint answering 404 (HTML) to everything dead-lettered the whole backlog. */
  @Test
  void wrongEndpointDeadLettersNothingAndDeliveryResumesByItselfOnceTheEndpointAnswersProperly() throws Exception {
    AtomicBoolean wrong = new AtomicBoolean(true);
    AtomicInteger answeredWrong = new AtomicInteger();
    try (StallingServer server = new StallingServer((n, body) -> {
      if (wrong.get()) {
        answeredWrong.incrementAndGet();
        return StallingServer.Reply.of(404, HTML_404);
      }
      return StallingServer.Reply.ok("{}");
    });
        CustomerIo cio = CustomerIo.create(config(server,
            RetryConfig.builder().endpointRetryInterval(Duration.ofMillis(300))).build())) {
      List<String> ids = track(cio, 100);
      await().atMost(Duration.ofSeconds(10)).until(() -> answeredWrong.get() >= 4);
      Health h = cio.health();
      assertEquals(HealthStatus.DOWN, h.status(), h.toString());
      String reason = String.join(" | ", h.reasons());
      assertTrue(reason.contains("HTTP 404 from POST " + server.baseUrl() + "/api/v2/batch"), reason);
      assertEquals(0, cio.deadLetters().count(), "nothing dead-lettered");
      assertEquals(100, h.backlog(), "backlog kept");
      wrong.set(false);
      await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
          assertTrue(deliveredIds(server).containsAll(ids), () -> "delivered " + deliveredIds(server).size()
              + "; health " + cio.health()));
      assertEquals(0, cio.deadLetters().count());
      await().atMost(Duration.ofSeconds(5)).until(() -> cio.health().status() == HealthStatus.UP);
    }
  }

  @Test
  void whileTheEndpointIsWrongOneProbeIsSentPerInterval() throws Exception {
    AtomicInteger requests = new AtomicInteger();
    try (StallingServer server = new StallingServer((n, body) -> {
      requests.incrementAndGet();
      return StallingServer.Reply.of(404, HTML_404);
    });
        CustomerIo cio = CustomerIo.create(config(server,
            RetryConfig.builder().endpointRetryInterval(Duration.ofHours(1))).build())) {
      track(cio, 100);
      await().atMost(Duration.ofSeconds(10)).until(() -> cio.health().status() == HealthStatus.DOWN);
      int seen = requests.get();
      // Every lane had work; after the first 404 no lane starts another request for the interval.
      assertTrue(seen <= LANES, "requests before the pause took hold: " + seen);
      await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(2)).until(() -> requests.get() == seen);
    }
  }

  @Test
  void resumeProbesTheEndpointAtOnce() throws Exception {
    AtomicBoolean wrong = new AtomicBoolean(true);
    try (StallingServer server = new StallingServer((n, body) -> wrong.get()
        ? StallingServer.Reply.of(301, "") : StallingServer.Reply.ok("{}"));
        CustomerIo cio = CustomerIo.create(config(server,
            RetryConfig.builder().endpointRetryInterval(Duration.ofHours(1))).build())) {
      List<String> ids = track(cio, 20);
      await().atMost(Duration.ofSeconds(10)).until(() -> cio.health().status() == HealthStatus.DOWN);
      assertTrue(String.join(" ", cio.health().reasons()).contains("redirect"), cio.health().toString());
      wrong.set(false);
      cio.resume();
      await().atMost(Duration.ofSeconds(10)).until(() -> deliveredIds(server).containsAll(ids));
      assertEquals(0, cio.deadLetters().count());
    }
  }

  /** Finding 8: a merge was ordered only with the primary; the secondary's earlier operation could land after it. */
  @Test
  void mergeWaitsUntilTheSecondarysEarlierOperationsAreDelivered() throws Exception {
    String primary = "p-0";
    String secondary = null;
    for (int i = 0; secondary == null; i++) {
      String candidate = "q-" + i;
      if (LaneHash.lane(Identifiers.id(candidate).key(), LANES) != LaneHash.lane(Identifiers.id(primary).key(), LANES)) {
        secondary = candidate;
      }
    }
    AtomicInteger refusals = new AtomicInteger();
    try (StallingServer server = new StallingServer((n, body) -> body.contains("before-merge")
        && refusals.incrementAndGet() <= 3 ? StallingServer.Reply.of(503, "{}") : StallingServer.Reply.ok("{}"));
        CustomerIo cio = CustomerIo.create(config(server, RetryConfig.builder()).build())) {
      assertNotEquals(LaneHash.lane(Identifiers.id(secondary).key(), LANES), LaneHash.lane(Identifiers.id(primary).key(), LANES));
      assertTrue(cio.track(secondary, "before-merge", Map.of()).isAccepted());
      assertTrue(cio.merge(Identifiers.id(primary), Identifiers.id(secondary)).isAccepted());
      cio.flush().get(30, java.util.concurrent.TimeUnit.SECONDS);
      List<String> bodies = server.answeredBodies();
      int event = -1;
      int merge = -1;
      for (int i = 0; i < bodies.size(); i++) {
        if (bodies.get(i).contains("before-merge")) {
          event = i;
        }
        if (bodies.get(i).contains("\"action\":\"merge\"")) {
          merge = i;
        }
      }
      assertTrue(event >= 0 && merge >= 0, bodies.toString());
      assertTrue(event < merge, "the secondary's earlier event landed after the merge: " + bodies);
      assertEquals(4, refusals.get(), "the event was refused 3 times, then accepted");
    }
  }
}
