package io.ciorelay.server.webhook;

import static io.ciorelay.server.webhook.WebhookFixture.KEY;
import static io.ciorelay.server.webhook.WebhookFixture.NOW;
import static io.ciorelay.server.webhook.WebhookFixture.config;
import static io.ciorelay.server.webhook.WebhookFixture.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ciorelay.server.Cio;
import io.ciorelay.server.relay.RelayServer;
import io.ciorelay.server.relay.RelayTestSupport;
import io.ciorelay.simulator.CioSimulator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpRequest;
import picocli.CommandLine;
import io.ciorelay.server.webhook.WebhookFixture.Consumer;
import io.ciorelay.server.webhook.WebhookFixture.Received;
import io.ciorelay.server.webhook.WebhookFixture.Running;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhookReceiverTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private <T extends AutoCloseable> T closing(T c) {
    toClose.add(c);
    return c;
  }

  private Path store() {
    return dir.resolve("webhooks.db");
  }

  @Test
  void validWebhookIsStoredThenForwardedWithItsOriginalBodyAndHeaders() {
    Consumer consumer = closing(new Consumer());
    Running r = closing(new Running(config(store(), consumer.uri())
        .forwardHeader("Authorization", "Bearer consumer-token").build()));
    String body = event("01HEVENT000000000000000001", "cust-1");

    HttpResponse<String> response = r.post(body);

    assertEquals(200, response.statusCode());
    assertEquals("{}", response.body());
    await().atMost(WAIT).until(() -> consumer.accepted().size() == 1);
    Received got = consumer.requests.get(0);
    assertEquals(body, got.bodyText());
    assertEquals("01HEVENT000000000000000001", got.eventId());
    assertEquals(Long.toString(NOW.getEpochSecond()), got.timestamp());
    assertEquals(io.ciorelay.client.WebhookVerifier.sign(KEY, NOW.getEpochSecond(),
        body.getBytes(StandardCharsets.UTF_8)), got.signature());
    assertEquals("Bearer consumer-token", got.authorization());
    await().atMost(WAIT).until(() -> r.receiver.stats().backlog() == 0);
    WebhookStats stats = r.receiver.stats();
    assertEquals(1, stats.received());
    assertEquals(1, stats.stored());
    assertEquals(1, stats.forwarded());
    assertEquals(0, stats.rejectedTotal());
    assertEquals(1.0, r.registry.get("cio.webhook.stored").counter().count());
    assertEquals(1.0, r.registry.get("cio.webhook.forwarded").counter().count());
    assertEquals(0, r.registry.get("cio.webhook.backlog").gauge().value());
    assertEquals(0, r.registry.get("cio.webhook.oldest.pending.age").gauge().value());
  }

  @Test
  void badSignatureIsRejectedWith401AndCounted() {
    Running r = closing(new Running(config(store(), null).build()));

    HttpResponse<String> response = r.post(event("e1", "c1"), NOW.getEpochSecond(),
        "another-key".getBytes(StandardCharsets.UTF_8));

    assertEquals(401, response.statusCode());
    assertEquals("{\"error\":\"bad_signature\"}", response.body());
    assertEquals(1.0, r.rejected("bad_signature"));
    assertEquals(Map.of("bad_signature", 1L), r.receiver.stats().rejected());
    assertTrue(r.receiver.pending(0, 10).isEmpty(), String.valueOf(r.receiver.pending(0, 10)));
  }

  @Test
  void missingOrMalformedHeadersAreRejectedWith401AndTheReason() {
    Running r = closing(new Running(config(store(), null).build()));
    byte[] body = event("e1", "c1").getBytes(StandardCharsets.UTF_8);
    String ts = Long.toString(NOW.getEpochSecond());
    String sig = io.ciorelay.client.WebhookVerifier.sign(KEY, NOW.getEpochSecond(), body);

    HttpResponse<String> noSignature = r.send(body, ts, null);
    HttpResponse<String> noTimestamp = r.send(body, null, sig);
    HttpResponse<String> badTimestamp = r.send(body, "soon", sig);

    assertEquals(401, noSignature.statusCode());
    assertTrue(noSignature.body().contains("missing_header"), noSignature.body());
    assertEquals(401, noTimestamp.statusCode());
    assertTrue(noTimestamp.body().contains("missing_header"), noTimestamp.body());
    assertEquals(401, badTimestamp.statusCode());
    assertTrue(badTimestamp.body().contains("malformed_timestamp"), badTimestamp.body());
    assertEquals(2.0, r.rejected("missing_header"));
    assertEquals(1.0, r.rejected("malformed_timestamp"));
    assertEquals(0, r.receiver.stats().stored());
  }

  @Test
  void staleAndFutureTimestampsBeyondTheToleranceAreRejected() {
    Running r = closing(new Running(config(store(), null).tolerance(Duration.ofSeconds(300)).build()));
    long now = NOW.getEpochSecond();

    HttpResponse<String> old = r.post(event("e1", "c1"), now - 301, KEY);
    HttpResponse<String> future = r.post(event("e2", "c1"), now + 301, KEY);
    HttpResponse<String> edge = r.post(event("e3", "c1"), now - 300, KEY);

    assertEquals(401, old.statusCode());
    assertTrue(old.body().contains("stale_timestamp"), old.body());
    assertEquals(401, future.statusCode());
    assertTrue(future.body().contains("stale_timestamp"), future.body());
    assertEquals(200, edge.statusCode());
    assertEquals(2.0, r.rejected("stale_timestamp"));
    assertEquals(List.of("e3"), ids(r.receiver.pending(0, 10)));
  }

  @Test
  void malformedJsonAndMissingEventIdAreRejectedWith400() {
    Running r = closing(new Running(config(store(), null).build()));

    HttpResponse<String> notJson = r.post("{\"event_id\": ");
    HttpResponse<String> array = r.post("[1,2]");
    HttpResponse<String> noId = r.post("{\"metric\":\"sent\",\"data\":{\"customer_id\":\"c1\"}}");
    HttpResponse<String> blankId = r.post("{\"event_id\":\" \"}");

    assertEquals(List.of(400, 400, 400, 400),
        List.of(notJson.statusCode(), array.statusCode(), noId.statusCode(), blankId.statusCode()));
    assertEquals("{\"error\":\"malformed_json\"}", notJson.body());
    assertTrue(array.body().contains("malformed_json"), array.body());
    assertEquals("{\"error\":\"missing_event_id\"}", noId.body());
    assertTrue(blankId.body().contains("missing_event_id"), blankId.body());
    assertEquals(2.0, r.rejected("malformed_json"));
    assertEquals(2.0, r.rejected("missing_event_id"));
    assertTrue(r.receiver.pending(0, 10).isEmpty(), String.valueOf(r.receiver.pending(0, 10)));
  }

  @Test
  void bodyOverTheCapIsRejectedWith413() {
    Running r = closing(new Running(config(store(), null).maxBodyBytes(1024).build()));
    String pad = "x".repeat(2000);
    String atCap = "{\"event_id\":\"ok\",\"p\":\"" + "y".repeat(1024 - 24) + "\"}";

    HttpResponse<String> big = r.post("{\"event_id\":\"big\",\"pad\":\"" + pad + "\"}");
    HttpResponse<String> fits = r.post(atCap);

    assertEquals(1024, atCap.length());
    assertEquals(413, big.statusCode());
    assertTrue(big.body().contains("body_too_large"), big.body());
    assertEquals(200, fits.statusCode());
    assertEquals(1.0, r.rejected("body_too_large"));
    assertEquals(List.of("ok"), ids(r.receiver.pending(0, 10)));

    byte[] bigChunked = ("{\"event_id\":\"chunked\",\"pad\":\"" + pad + "\"}").getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> chunked = r.sendChunked(bigChunked, Long.toString(NOW.getEpochSecond()),
        io.ciorelay.client.WebhookVerifier.sign(KEY, NOW.getEpochSecond(), bigChunked));
    assertEquals(413, chunked.statusCode());
    assertEquals(2.0, r.rejected("body_too_large"));
    assertEquals(List.of("ok"), ids(r.receiver.pending(0, 10)));
  }

  @Test
  void duplicateEventIdIsAnswered200AndForwardedOnceEvenAcrossARestart() {
    Consumer consumer = closing(new Consumer());
    WebhookConfig cfg = config(store(), consumer.uri()).lanes(1).build();
    Running first = new Running(cfg);
    assertEquals(200, first.post(event("dup", "c1")).statusCode());
    assertEquals(200, first.post(event("dup", "c1")).statusCode());
    await().atMost(WAIT).until(() -> consumer.accepted().contains("dup") && first.receiver.stats().backlog() == 0);
    assertEquals(1, first.receiver.stats().duplicates());
    assertEquals(1, first.receiver.stats().stored());
    first.close();

    Running second = closing(new Running(cfg));
    assertEquals(200, second.post(event("dup", "c1")).statusCode());
    assertEquals(200, second.post(event("after", "c1")).statusCode());

    // One lane, so "after" is forwarded only once everything before it has been.
    await().atMost(WAIT).until(() -> consumer.accepted().contains("after"));
    assertEquals(List.of("dup", "after"), consumer.accepted());
    assertEquals(1, second.receiver.stats().duplicates());
    assertEquals(1, second.receiver.stats().stored());
  }

  @Test
  void consumerFailingWith500ThenRecoveringGetsEveryEventInOrderPerPerson() {
    Consumer consumer = closing(new Consumer());
    consumer.fail = req -> true;
    Running r = closing(new Running(config(store(), consumer.uri()).build()));
    List<String> persons = List.of("alice", "bob", "carol", "dave");
    for (int i = 0; i < 5; i++) {
      for (String p : persons) {
        assertEquals(200, r.post(event(p + "-" + i, p)).statusCode());
      }
    }
    await().atMost(WAIT).until(() -> r.receiver.stats().forwardFailures() >= 8);
    assertTrue(consumer.accepted().isEmpty(), String.valueOf(consumer.accepted()));
    assertEquals(20, r.receiver.stats().backlog());
    assertEquals(20.0, r.registry.get("cio.webhook.backlog").gauge().value());

    consumer.fail = req -> false;

    await().atMost(WAIT).until(() -> r.receiver.stats().backlog() == 0);
    assertInOrderPerPerson(consumer.accepted(), persons, 5);
    assertEquals(r.registry.get("cio.webhook.forward.failures").counter().count(),
        (double) r.receiver.stats().forwardFailures());
  }

  @Test
  void consumerRefusingConnectionsThenListeningGetsEveryEvent() throws IOException {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    Running r = closing(new Running(config(store(), URI.create("http://127.0.0.1:" + port + "/hook")).build()));
    List<String> persons = List.of("p1", "p2", "p3");
    for (int i = 0; i < 3; i++) {
      for (String p : persons) {
        assertEquals(200, r.post(event(p + "-" + i, p)).statusCode());
      }
    }
    await().atMost(WAIT).until(() -> r.receiver.stats().forwardFailures() >= 3);
    assertEquals(0, r.receiver.stats().forwarded());

    Consumer consumer = closing(new Consumer(port));

    await().atMost(WAIT).until(() -> r.receiver.stats().backlog() == 0);
    assertInOrderPerPerson(consumer.accepted(), persons, 3);
  }

  @Test
  void aPersonWhoseEventsKeepFailingDoesNotHoldUpOtherLanes() {
    Consumer consumer = closing(new Consumer());
    consumer.fail = req -> req.bodyText().contains("\"customer_id\":\"blocked\"");
    WebhookConfig cfg = config(store(), consumer.uri()).build();
    int blockedLane = io.ciorelay.delivery.outbox.LaneHash.lane("blocked", cfg.lanes());
    List<String> others = new ArrayList<>();
    for (int i = 0; others.size() < 3; i++) {
      if (io.ciorelay.delivery.outbox.LaneHash.lane("other-" + i, cfg.lanes()) != blockedLane) {
        others.add("other-" + i);
      }
    }
    Running r = closing(new Running(cfg));

    assertEquals(200, r.post(event("blocked-0", "blocked")).statusCode());
    assertEquals(200, r.post(event("blocked-1", "blocked")).statusCode());
    for (String p : others) {
      assertEquals(200, r.post(event(p + "-0", p)).statusCode());
    }

    await().atMost(WAIT).until(() -> consumer.accepted().size() == others.size());
    assertEquals(others.stream().map(p -> p + "-0").sorted().toList(), consumer.accepted().stream().sorted().toList());
    await().atMost(WAIT).until(() -> r.receiver.stats().forwardFailures() >= 2);
    assertTrue(consumer.requests.stream().noneMatch(req -> req.eventId().equals("blocked-1")));
    assertEquals(2, r.receiver.stats().backlog());

    consumer.fail = req -> false;

    await().atMost(WAIT).until(() -> r.receiver.stats().backlog() == 0);
    assertTrue(consumer.accepted().indexOf("blocked-0") < consumer.accepted().indexOf("blocked-1"),
        String.valueOf(consumer.accepted()));
  }

  @Test
  void slowConsumerTimingOutDoesNotHoldUpReceiptAndGetsEveryEventOnceItSpeedsUp() {
    Consumer consumer = closing(new Consumer());
    CountDownLatch slow = new CountDownLatch(1);
    consumer.hold = slow;
    Running r = closing(new Running(config(store(), consumer.uri()).forwardTimeout(Duration.ofMillis(100)).build()));

    for (int i = 0; i < 5; i++) {
      assertEquals(200, r.post(event("slow-" + i, "slow")).statusCode());
    }
    await().atMost(WAIT).until(() -> r.receiver.stats().forwardFailures() >= 2);
    assertEquals(0, r.receiver.stats().forwarded());
    assertEquals(5, r.receiver.stats().stored());
    slow.countDown();
    consumer.hold = null;

    await().atMost(WAIT).until(() -> r.receiver.stats().backlog() == 0);
    assertInOrderPerPerson(consumer.accepted(), List.of("slow"), 5);
  }

  @Test
  void pendingEventsAreForwardedAfterARestart() {
    Consumer consumer = closing(new Consumer());
    consumer.fail = req -> true;
    WebhookConfig cfg = config(store(), consumer.uri()).build();
    Running first = new Running(cfg);
    for (int i = 0; i < 4; i++) {
      assertEquals(200, first.post(event("ev-" + i, "same-person")).statusCode());
    }
    await().atMost(WAIT).until(() -> first.receiver.stats().forwardFailures() >= 1);
    first.close();
    consumer.fail = req -> false;

    Running second = closing(new Running(cfg));

    await().atMost(WAIT).until(() -> consumer.accepted().size() >= 4 && second.receiver.stats().backlog() == 0);
    assertEquals(List.of("ev-0", "ev-1", "ev-2", "ev-3"), consumer.accepted());
  }

  @Test
  void eventsStoredWithAnotherLaneCountAreReLanedAndForwardedInOrder() {
    Running first = new Running(config(store(), null).lanes(8).build());
    List<String> persons = List.of("ann", "ben", "cat");
    for (int i = 0; i < 3; i++) {
      for (String p : persons) {
        assertEquals(200, first.post(event(p + "-" + i, p)).statusCode());
      }
    }
    first.close();
    Consumer consumer = closing(new Consumer());

    Running second = closing(new Running(config(store(), consumer.uri()).lanes(2).build()));

    await().atMost(WAIT).until(() -> second.receiver.stats().backlog() == 0);
    assertInOrderPerPerson(consumer.accepted(), persons, 3);
    assertEquals(9, consumer.accepted().size());
  }

  @Test
  void withoutAForwardUrlEventsAreStoredAndListedAcrossRestarts() {
    WebhookConfig cfg = config(store(), null).build();
    Running first = new Running(cfg);
    assertEquals(200, first.post(event("a", "c1")).statusCode());
    assertEquals(200, first.post(event("b", "c2")).statusCode());
    first.close();

    Running second = closing(new Running(cfg));
    assertEquals(200, second.post(event("a", "c1")).statusCode());

    List<WebhookEvent> pending = second.receiver.pending(0, 10);
    assertEquals(List.of("a", "b"), ids(pending));
    assertEquals("c1", pending.get(0).personKey());
    assertEquals(event("b", "c2"), new String(pending.get(1).body(), StandardCharsets.UTF_8));
    assertEquals(List.of("b"), ids(second.receiver.pending(pending.get(0).seq(), 10)));
    assertEquals(2, second.receiver.stats().backlog());
    assertEquals(1, second.receiver.stats().duplicates());
    assertEquals(Duration.ZERO, second.receiver.stats().oldestPendingAge()); // fixed clock
  }

  @Test
  void concurrentWebhooksAreEachStoredOnce() throws Exception {
    Running r = closing(new Running(config(store(), null).build()));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        String id = "c-" + (i % 40); // 20 ids sent twice
        results.add(pool.submit(() -> r.post(event(id, "p-" + id)).statusCode()));
      }
      for (Future<Integer> f : results) {
        assertEquals(200, f.get());
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(40, r.receiver.stats().stored());
    assertEquals(20, r.receiver.stats().duplicates());
    assertEquals(40, r.receiver.pending(0, 100).size());
  }

  @Test
  void closedReceiverAnswers503AndRemovesItsMeters() {
    Running r = closing(new Running(config(store(), null).build()));
    r.receiver.close();

    HttpResponse<String> response = r.post(event("late", "c1"));

    assertEquals(503, response.statusCode());
    assertTrue(response.body().contains("closed"), response.body());
    assertNull(r.registry.find("cio.webhook.received").counter());
  }

  private static List<String> ids(List<WebhookEvent> events) {
    return events.stream().map(WebhookEvent::eventId).toList();
  }

  /** A body whose event_id is given as raw JSON string content (so it may hold escapes). */
  private static String eventWithRawId(String jsonEscapedId, String customerId) {
    return "{\"event_id\":\"" + jsonEscapedId + "\",\"metric\":\"delivered\",\"data\":{\"customer_id\":\""
        + customerId + "\"}}";
  }

  @Test
  void anEventTheConsumerAlwaysRefusesIsDeadLetteredAfterTheAttemptBudgetAndItsLaneMovesOn() {
    Consumer consumer = closing(new Consumer());
    consumer.fail = req -> req.eventId().equals("refused");
    Running r = closing(new Running(config(store(), consumer.uri()).lanes(1).maxAttempts(3).build()));

    assertEquals(200, r.post(event("refused", "p1")).statusCode());
    assertEquals(200, r.post(event("after", "p1")).statusCode());

    await().atMost(WAIT).until(() -> consumer.accepted().contains("after"));
    assertEquals(3, consumer.requests.stream().filter(q -> q.eventId().equals("refused")).count(),
        "exactly the attempt budget was spent on it");
    assertEquals(1, r.receiver.deadLetterCount());
    WebhookDeadLetter d = r.receiver.deadLetters(0, 10).get(0);
    assertEquals("refused", d.event().eventId());
    assertEquals("HTTP 500 (gave up after 3 attempts)", d.reason());
    assertEquals(3, d.event().attempts());
    assertEquals(0, r.receiver.stats().backlog(), "a dead letter is not backlog");
  }

  /**
   * A consumer URL that answers 404 (a wrong path, a web server that is not the consumer) said
   * nothing about the events: spending their attempt budget on it dead-lettered the whole backlog.
   */
  @Test
  void aWrongConsumerUrlDeadLettersNothingAndTheBacklogGoesOnceItIsRight() {
    Consumer consumer = closing(new Consumer());
    consumer.failStatus = 404;
    consumer.fail = req -> true;
    Running r = closing(new Running(config(store(), consumer.uri()).lanes(1).maxAttempts(2).build()));

    assertEquals(200, r.post(event("first", "p1")).statusCode());
    assertEquals(200, r.post(event("second", "p1")).statusCode());
    await().atMost(WAIT).until(() -> consumer.requests.size() >= 5 || r.receiver.deadLetterCount() > 0);
    assertEquals(0, r.receiver.deadLetterCount(), "nothing dead-lettered against a 404 consumer URL");
    assertEquals(2, r.receiver.stats().backlog(), "the backlog is kept");

    consumer.fail = req -> false;
    await().atMost(WAIT).until(() -> consumer.accepted().size() == 2);
    assertEquals(List.of("first", "second"), consumer.accepted(), "in receipt order once the URL answers");
    assertEquals(0, r.receiver.deadLetterCount());
  }

  @Test
  void anEventIdTheJdkRefusesAsAHeaderValueIsDeadLetteredInsteadOfKillingTheLaneThread() {
    Consumer consumer = closing(new Consumer());
    Running r = closing(new Running(config(store(), consumer.uri()).lanes(1).build()));

    assertEquals(200, r.post(eventWithRawId("line\\nbreak", "p1")).statusCode());
    assertEquals(200, r.post(event("next-in-lane", "p1")).statusCode());

    await().atMost(WAIT).until(() -> consumer.accepted().contains("next-in-lane"));
    assertEquals(List.of("next-in-lane"), consumer.accepted(), "the unsendable event never reached the consumer");
    WebhookDeadLetter d = r.receiver.deadLetters(0, 10).get(0);
    assertEquals("line\nbreak", d.event().eventId());
    assertTrue(d.reason().startsWith("cannot be sent: "), d.reason());
    assertEquals(200, r.post(event("later", "p1")).statusCode());
    await().atMost(WAIT).until(() -> consumer.accepted().contains("later"));
  }

  @Test
  void theRelayAdminApiAndCioDlqListReplayAndPurgeWebhookDeadLetters() throws Exception {
    Consumer consumer = closing(new Consumer());
    consumer.fail = req -> req.eventId().startsWith("refused");
    WebhookConfig cfg = config(store(), consumer.uri()).maxAttempts(2).build();
    WebhookReceiver receiver = WebhookReceiver.start(cfg, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    CioSimulator sim = closing(CioSimulator.builder().rateLimit(0).build().start());
    RelayServer relay = RelayServer.builder(RelayTestSupport.config(sim, dir.resolve("relay")).build())
        .routes(app -> {
          receiver.register(app);
          receiver.registerAdmin(app);
        })
        .closeOnStop(receiver)
        .build().start();
    closing(relay::stop);
    URI hook = URI.create(relay.baseUrl() + WebhookReceiver.PATH);
    for (String id : List.of("refused-1", "refused-2", "refused-3")) {
      assertEquals(200, WebhookFixture.signedPost(hook, event(id, "p-" + id)).statusCode());
    }
    await().atMost(WAIT).until(() -> receiver.deadLetterCount() == 3);

    String url = relay.baseUrl() + "/admin/webhooks/dead-letters";
    assertEquals(401, get(url, "Bearer wrong").statusCode(), "behind the relay's admin token");
    HttpResponse<String> list = get(url + "?limit=2", "Bearer " + RelayTestSupport.ADMIN_TOKEN);
    assertEquals(200, list.statusCode(), list.body());
    JsonNode page = JSON.readTree(list.body());
    assertEquals(3, page.path("count").asInt());
    assertEquals(2, page.path("dead_letters").size());
    JsonNode first = page.path("dead_letters").get(0);
    assertEquals("refused-1", first.path("event_id").asText());
    assertEquals("HTTP 500 (gave up after 2 attempts)", first.path("reason").asText());
    assertEquals(2, first.path("attempts").asInt());
    assertEquals("refused-1", first.path("body").path("event_id").asText(), "the body as received");
    assertEquals(first.path("id").asLong() + 1, page.path("dead_letters").get(1).path("id").asLong() , list.body());
    assertTrue(page.path("next_after").isNumber());
    assertEquals(400, get(url + "?limit=0", "Bearer " + RelayTestSupport.ADMIN_TOKEN).statusCode());

    Cli listed = cio("dlq", "list", "--webhooks", "--url", relay.baseUrl(), "--token", RelayTestSupport.ADMIN_TOKEN);
    assertEquals(0, listed.exit(), listed.err());
    assertTrue(listed.out().startsWith("3 webhook dead letter(s)"), listed.out());
    assertTrue(listed.out().contains("event refused-2") && listed.out().contains("reason:  HTTP 500"), listed.out());

    consumer.fail = req -> false;
    long id1 = first.path("id").asLong();
    Cli replayed = cio("dlq", "replay", "--webhooks", "--ids", Long.toString(id1), "--url", relay.baseUrl(),
        "--token", RelayTestSupport.ADMIN_TOKEN);
    assertEquals(0, replayed.exit(), replayed.err());
    assertTrue(replayed.out().contains("replayed 1 dead letter(s)"), replayed.out());
    await().atMost(WAIT).until(() -> consumer.accepted().contains("refused-1"));
    assertEquals(2, receiver.deadLetterCount());

    HttpResponse<String> purged = post(url + "/purge", "{\"all\":true}");
    assertEquals(200, purged.statusCode(), purged.body());
    assertEquals("{\"purged\":2}", purged.body());
    assertEquals(0, receiver.deadLetterCount());
    assertEquals(400, post(url + "/replay", "{\"ids\":[\"x\"]}").statusCode());
    assertEquals(List.of("refused-1"), consumer.accepted(), "purged dead letters are never forwarded");
  }

  @Test
  void deadLettersSurviveARestartAndAreNotForwardedAgainUntilReplayed() {
    Consumer consumer = closing(new Consumer());
    consumer.fail = req -> true;
    WebhookConfig cfg = config(store(), consumer.uri()).maxAttempts(1).build();
    try (Running r = new Running(cfg)) {
      assertEquals(200, r.post(event("e1", "p1")).statusCode());
      await().atMost(WAIT).until(() -> r.receiver.deadLetterCount() == 1);
    }
    consumer.fail = req -> false;
    Running again = closing(new Running(cfg));
    assertEquals(1, again.receiver.deadLetterCount());
    assertEquals(0, again.receiver.stats().backlog());
    assertEquals(200, again.post(event("e2", "p1")).statusCode());
    await().atMost(WAIT).until(() -> consumer.accepted().contains("e2"));
    assertEquals(List.of("e2"), consumer.accepted());
    assertEquals(1, again.receiver.replayDeadLetters(null));
    await().atMost(WAIT).until(() -> consumer.accepted().contains("e1"));
    assertEquals(0, again.receiver.deadLetterCount());
  }

  record Cli(int exit, String out, String err) {}

  private static Cli cio(String... args) {
    CommandLine cli = Cio.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Cli(exit, out.toString(), err.toString());
  }

  private static HttpResponse<String> get(String url, String auth) throws Exception {
    return WebhookFixture.HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", auth).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String url, String body) throws Exception {
    return WebhookFixture.HTTP.send(HttpRequest.newBuilder(URI.create(url))
        .header("Authorization", "Bearer " + RelayTestSupport.ADMIN_TOKEN)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertInOrderPerPerson(List<String> accepted, List<String> persons, int perPerson) {
    for (String p : persons) {
      List<String> mine = accepted.stream().filter(id -> id.startsWith(p + "-")).distinct().toList();
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < perPerson; i++) {
        expected.add(p + "-" + i);
      }
      assertEquals(expected, mine, "events of " + p + " in order");
    }
  }
}
