package io.ciorelay.server.relay;

import static io.ciorelay.server.relay.RelayTestSupport.ADMIN_TOKEN;
import static io.ciorelay.server.relay.RelayTestSupport.basic;
import static io.ciorelay.server.relay.RelayTestSupport.send;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.ciorelay.delivery.ShutdownReport;
import io.ciorelay.server.relay.RelayTestSupport.Reply;
import io.ciorelay.simulator.CioSimulator;
import io.ciorelay.simulator.Faults;
import io.ciorelay.simulator.OutageMode;
import io.ciorelay.simulator.RecordedOperation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The relay in process, over real sockets, delivering to the simulator. */
class RelayIT {
  @TempDir
  Path dir;
  CioSimulator sim;
  RelayServer relay;
  String url;
  String auth;

  @BeforeEach
  void start() {
    sim = CioSimulator.builder().rateLimit(0).build().start();
    relay = RelayServer.builder(RelayTestSupport.config(sim, dir).build()).build().start();
    url = relay.baseUrl();
    auth = basic(sim.siteId(), sim.apiKey());
  }

  @AfterEach
  void stop() {
    relay.stop();
    sim.close();
  }

  record BadCase(String label, String method, String path, String auth, byte[] body, int status, String mentions) {}

  @Test
  void badInputGetsAClear4xxQueuesNothingAndTheRelayKeepsServing() throws Exception {
    String deep = "{\"name\":\"deep\",\"data\":" + "{\"a\":".repeat(40) + "1" + "}".repeat(40) + "}";
    byte[] huge = ("{\"name\":\"big\",\"data\":{\"x\":\"" + "a".repeat(1_100_000) + "\"}}").getBytes();
    String events = "/api/v1/customers/person-1/events";
    List<BadCase> cases = List.of(
        new BadCase("malformed JSON", "POST", events, auth, "{\"name\":".getBytes(), 400, "malformed JSON"),
        new BadCase("trailing garbage", "POST", events, auth, "{\"name\":\"x\"} x".getBytes(), 400, "malformed JSON"),
        new BadCase("deep nesting", "POST", events, auth, deep.getBytes(), 400, "nested deeper than the limit of 32"),
        new BadCase("oversized body", "POST", events, auth, huge, 413, "limit is 1000000 bytes"),
        new BadCase("wrong credentials", "POST", events, basic(sim.siteId(), "wrong"), "{\"name\":\"x\"}".getBytes(), 401,
            "Unauthorized"),
        new BadCase("missing credentials", "PUT", "/api/v1/customers/person-1", null, "{}".getBytes(), 401, "Unauthorized"),
        new BadCase("v2 wrong credentials", "POST", "/api/v2/entity", "Basic Zm9vOmJhcg==", "{}".getBytes(), 401,
            "Unauthorized"),
        new BadCase("over-long identifier", "PUT", "/api/v1/customers/" + "i".repeat(151), auth, "{}".getBytes(), 400,
            "identifiers.id"),
        new BadCase("over-limit attribute", "PUT", "/api/v1/customers/person-1", auth,
            ("{\"plan\":\"" + "p".repeat(1001) + "\"}").getBytes(), 400, "attributes.plan"),
        new BadCase("over-long event name", "POST", events, auth, ("{\"name\":\"" + "e".repeat(101) + "\"}").getBytes(), 400,
            "100"),
        new BadCase("missing event name", "POST", events, auth, "{\"data\":{}}".getBytes(), 400, "name is required"),
        new BadCase("data not an object", "POST", events, auth, "{\"name\":\"x\",\"data\":[1]}".getBytes(), 400,
            "data must be an object"),
        new BadCase("anonymous without id", "POST", "/api/v1/events", auth, "{\"name\":\"x\"}".getBytes(), 400,
            "anonymous_id"),
        new BadCase("device without token", "PUT", "/api/v1/customers/person-1/devices", auth,
            "{\"device\":{\"platform\":\"ios\"}}".getBytes(), 400, "device.id"),
        new BadCase("merge with bad identifier", "POST", "/api/v1/merge_customers", auth,
            "{\"primary\":{\"nick\":\"a\"},\"secondary\":{\"id\":\"b\"}}".getBytes(), 400, "primary.nick"),
        new BadCase("v2 entity unknown action", "POST", "/api/v2/entity", auth,
            "{\"type\":\"person\",\"identifiers\":{\"id\":\"a\"},\"action\":\"fly\"}".getBytes(), 400, "unknown action"),
        new BadCase("v2 batch not an array", "POST", "/api/v2/batch", auth, "{\"batch\":{}}".getBytes(), 400, "batch"));
    for (BadCase c : cases) {
      Reply r = send(c.method(), url + c.path(), c.auth(), c.body());
      assertEquals(c.status(), r.status(), c.label() + ": " + r.body());
      assertTrue(r.body().contains(c.mentions()), c.label() + " should mention '" + c.mentions() + "': " + r.body());
      if (c.path().startsWith("/api/v1") && c.status() == 400) {
        assertTrue(r.json().path("meta").path("errors").isArray(), c.label() + ": v1 error shape: " + r.body());
      }
      if (c.path().startsWith("/api/v2") && c.status() == 400) {
        assertTrue(r.json().path("errors").path(0).has("field"), c.label() + ": v2 error shape: " + r.body());
      }
    }
    assertEquals(0, relay.customerIo().health().backlog(), "nothing was queued");
    Reply ok = send("POST", url + events, auth, "{\"name\":\"after\",\"id\":\"01JRELAY000000000000000001\"}");
    assertEquals(200, ok.status(), ok.body());
    assertEquals("{}", ok.body());
    await().atMost(Duration.ofSeconds(20)).until(() -> sim.records().count() == 1);
    assertEquals("01JRELAY000000000000000001", sim.records().events().get(0).eventId(), "only the valid request was delivered");
  }

  @Test
  void v2BatchAcceptsValidOperationsAndReportsInvalidOnesWith207() throws Exception {
    String body = "{\"batch\":["
        + "{\"type\":\"person\",\"identifiers\":{\"id\":\"b1\"},\"action\":\"identify\",\"attributes\":{\"plan\":\"pro\"}},"
        + "{\"type\":\"person\",\"identifiers\":{\"id\":\"b1\"},\"action\":\"event\",\"name\":\"" + "n".repeat(101) + "\"},"
        + "{\"type\":\"person\",\"identifiers\":{\"id\":\"b1\"},\"action\":\"event\",\"name\":\"ok\",\"id\":\"01JRELAY000000000000000002\"},"
        + "{\"type\":\"person\",\"action\":\"identify\"}]}";
    Reply r = send("POST", url + "/api/v2/batch", auth, body);
    assertEquals(207, r.status(), r.body());
    JsonNode errors = r.json().path("errors");
    assertEquals(2, errors.size(), r.body());
    assertEquals(1, errors.get(0).path("batch_index").asInt());
    assertEquals("name", errors.get(0).path("field").asText());
    assertEquals("invalid", errors.get(0).path("reason").asText());
    assertEquals(3, errors.get(1).path("batch_index").asInt());
    assertEquals("identifiers", errors.get(1).path("field").asText());
    await().atMost(Duration.ofSeconds(20)).until(() -> sim.records().count() == 2);
    assertEquals(List.of(RecordedOperation.Action.IDENTIFY, RecordedOperation.Action.EVENT),
        sim.records().forPerson("b1").stream().map(RecordedOperation::action).toList());
    assertEquals("01JRELAY000000000000000002", sim.records().events().get(0).eventId());
  }

  @Test
  void customerioHealthIs503WhileTheBreakerIsOpenAnd200WhenDeliveryRecovers() throws Exception {
    assertEquals(200, send("GET", url + "/health/live", null, (byte[]) null).status());
    assertEquals(200, send("GET", url + "/health/ready", null, (byte[]) null).status());
    Reply healthy = send("GET", url + "/health/customerio", null, (byte[]) null);
    assertEquals(200, healthy.status(), healthy.body());
    for (String f : List.of("status", "reasons", "circuit_state", "failures", "last_failure", "last_success", "backlog",
        "oldest_pending_age_seconds", "dead_letters", "delivered_per_second")) {
      assertTrue(healthy.json().has(f), f + " in " + healthy.body());
    }
    sim.faults().outage(OutageMode.SERVICE_UNAVAILABLE);
    for (int i = 0; i < 5; i++) {
      assertEquals(200, send("POST", url + "/api/v1/customers/h" + i + "/events", auth, "{\"name\":\"during\"}").status());
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> send("GET", url + "/health/customerio", null, (byte[]) null).status() == 503);
    Reply down = send("GET", url + "/health/customerio", null, (byte[]) null);
    assertEquals(503, down.status());
    assertTrue(down.json().path("backlog").asLong() >= 1, down.body());
    assertTrue(down.json().path("failures").asLong() >= 1, down.body());
    assertNotNull(down.json().path("last_failure").textValue(), down.body());
    assertEquals(200, send("GET", url + "/health/ready", null, (byte[]) null).status(), "still accepting work");

    sim.faults().endOutage();
    await().atMost(Duration.ofSeconds(30)).until(() -> send("GET", url + "/health/customerio", null, (byte[]) null).status() == 200
        && sim.records().count() == 5);
  }

  @Test
  void metricsCarryTheDocumentedNames() throws Exception {
    assertEquals(200, send("PUT", url + "/api/v1/customers/m1", auth, "{\"plan\":\"pro\"}").status());
    assertEquals(400, send("POST", url + "/api/v1/customers/m1/events", auth, "{\"name\":\"" + "e".repeat(101) + "\"}").status());
    await().atMost(Duration.ofSeconds(20)).until(() -> sim.records().count() == 1);
    Reply m = send("GET", url + "/metrics", null, (byte[]) null);
    assertEquals(200, m.status());
    assertTrue(m.raw().headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    for (String name : List.of("cio_operations_accepted_total", "cio_operations_rejected_total",
        "cio_operations_delivered_total", "cio_requests_seconds_count", "cio_backlog_operations", "cio_backlog_bytes",
        "cio_backlog_oldest_age_seconds", "cio_dead_letters", "cio_breaker_state",
        "relay_http_requests_seconds_count", "relay_http_requests_seconds_sum")) {
      assertTrue(m.body().contains(name), name + " in /metrics:\n" + m.body());
    }
    assertTrue(m.body().contains("route=\"/api/v1/customers/{id}\""), m.body());
    assertTrue(m.body().matches("(?s).*relay_http_requests_seconds_count\\{[^}]*route=\"/api/v1/customers/\\{id\\}/events\"[^}]*status=\"400\".*"),
        m.body());
  }

  @Test
  void adminApiListsReplaysAndPurgesDeadLetters() throws Exception {
    String admin = "Bearer " + ADMIN_TOKEN;
    assertEquals(401, send("GET", url + "/admin/dead-letters", null, (byte[]) null).status());
    assertEquals(401, send("GET", url + "/admin/dead-letters", "Bearer wrong-token", (byte[]) null).status());
    assertEquals(401, send("POST", url + "/admin/pause", auth, "{}").status(), "Track credentials are not admin credentials");

    sim.faults().poison("poison", Faults.PoisonMode.OPERATION);
    assertEquals(200, send("POST", url + "/api/v1/customers/d1/events", auth,
        "{\"name\":\"bad\",\"id\":\"01JRELAY0000000000000000P1\",\"data\":{\"poison\":true}}").status());
    assertEquals(200, send("POST", url + "/api/v1/customers/d2/events", auth,
        "{\"name\":\"bad\",\"id\":\"01JRELAY0000000000000000P2\",\"data\":{\"poison\":true}}").status());
    await().atMost(Duration.ofSeconds(20)).until(() -> relay.customerIo().deadLetters().count() == 2);

    Reply list = send("GET", url + "/admin/dead-letters?limit=1", admin, (byte[]) null);
    assertEquals(200, list.status(), list.body());
    assertEquals(2, list.json().path("count").asInt());
    assertEquals(1, list.json().path("dead_letters").size(), "limit=1 pages: " + list.body());
    long pageOneId = list.json().path("dead_letters").get(0).path("id").asLong();
    assertEquals(pageOneId, list.json().path("next_after").asLong());
    Reply page2 = send("GET", url + "/admin/dead-letters?after=" + pageOneId, admin, (byte[]) null);
    assertEquals(1, page2.json().path("dead_letters").size(), page2.body());
    // Two persons are two lanes: which one was dead-lettered first is not fixed.
    JsonNode a = list.json().path("dead_letters").get(0);
    JsonNode b = page2.json().path("dead_letters").get(0);
    JsonNode first = "01JRELAY0000000000000000P1".equals(a.path("event_id").asText()) ? a : b;
    JsonNode other = first == a ? b : a;
    assertEquals("01JRELAY0000000000000000P1", first.path("event_id").asText());
    assertEquals("01JRELAY0000000000000000P2", other.path("event_id").asText());
    assertEquals("id:d1", first.path("person_key").asText());
    assertEquals(207, first.path("last_status").asInt(), "refused in a batch: " + list.body());
    assertFalse(first.path("reason").asText().isBlank());
    assertTrue(first.path("dead_at").asText().contains("T"));
    assertTrue(first.path("payload").path("attributes").path("poison").asBoolean(), "payload is JSON: " + list.body());
    long firstId = first.path("id").asLong();
    long secondId = other.path("id").asLong();
    assertEquals(400, send("GET", url + "/admin/dead-letters?limit=abc", admin, (byte[]) null).status());

    sim.faults().poison(null, Faults.PoisonMode.OPERATION);
    Reply replay = send("POST", url + "/admin/dead-letters/replay", admin, "{\"ids\":[" + firstId + "]}");
    assertEquals(200, replay.status(), replay.body());
    assertEquals(1, replay.json().path("replayed").asInt());
    await().atMost(Duration.ofSeconds(20)).until(() -> sim.records().containsEventId("01JRELAY0000000000000000P1"));

    Reply purge = send("POST", url + "/admin/dead-letters/purge", admin, "{\"ids\":[" + secondId + "]}");
    assertEquals(1, purge.json().path("purged").asInt(), purge.body());
    assertEquals(0, relay.customerIo().deadLetters().count());
    assertFalse(sim.records().containsEventId("01JRELAY0000000000000000P2"));
    assertEquals(400, send("POST", url + "/admin/dead-letters/purge", admin, "{}").status());

    assertEquals(200, send("POST", url + "/admin/pause", admin, "{}").status());
    await().atMost(Duration.ofSeconds(10)).until(() -> send("GET", url + "/health/customerio", null, (byte[]) null).status() == 503);
    assertEquals(200, send("POST", url + "/api/v1/customers/d3/events", auth, "{\"name\":\"while-paused\"}").status());
    assertEquals(200, send("POST", url + "/admin/resume", admin, "{}").status());
    await().atMost(Duration.ofSeconds(20)).until(() -> !sim.records().events("while-paused").isEmpty());
  }

  @Test
  void adminApiIsForbiddenWithoutAConfiguredTokenAndExtraRoutesCanBeMounted(@TempDir Path other) throws Exception {
    java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    RelayServer noAdmin = RelayServer.builder(RelayTestSupport.config(sim, other).adminToken(null).build())
        .routes(app -> app.post("/webhooks/test", ctx -> ctx.result("mounted")))
        .closeOnStop(() -> closed.set(true))
        .build().start();
    try {
      Reply r = send("GET", noAdmin.baseUrl() + "/admin/dead-letters", "Bearer anything-at-all", (byte[]) null);
      assertEquals(403, r.status());
      assertTrue(r.body().contains("CIO_ADMIN_TOKEN"), r.body());
      Reply mounted = send("POST", noAdmin.baseUrl() + "/webhooks/test", null, "{}");
      assertEquals(200, mounted.status());
      assertEquals("mounted", mounted.body());
      assertFalse(closed.get());
    } finally {
      noAdmin.stop();
    }
    assertTrue(closed.get(), "closed after the server stopped");
  }

  @Test
  void shutdownRefusesNewWorkWhileDrainingAndKeepsTheRestOnDisk() throws Exception {
    sim.faults().outage(OutageMode.SERVICE_UNAVAILABLE);
    for (int i = 0; i < 3; i++) {
      assertEquals(200, send("POST", url + "/api/v1/customers/s" + i + "/events", auth, "{\"name\":\"kept\"}").status());
    }
    CompletableFuture<ShutdownReport> stopping = CompletableFuture.supplyAsync(relay::stop);
    await().atMost(Duration.ofSeconds(5)).until(() -> send("GET", url + "/health/ready", null, (byte[]) null).status() == 503);
    Reply refused = send("POST", url + "/api/v1/customers/s9/events", auth, "{\"name\":\"late\"}");
    assertEquals(503, refused.status(), refused.body());
    assertTrue(refused.raw().headers().firstValue("Retry-After").isPresent());
    ShutdownReport report = stopping.get(30, TimeUnit.SECONDS);
    assertEquals(3, report.accepted());
    assertEquals(3, report.remaining(), report.toString());

    sim.faults().endOutage();
    relay = RelayServer.builder(RelayTestSupport.config(sim, dir).build()).build().start();
    await().atMost(Duration.ofSeconds(30)).until(() -> sim.records().events("kept").size() == 3);
    assertTrue(sim.records().events("late").isEmpty());
  }

  @Test
  void percentFFInAPathIdIsA400InsteadOfTheIdReplacementCharacter() throws Exception {
    for (String path : List.of("/api/v1/customers/%FF", "/api/v1/customers/a%FFb/events",
        "/api/v1/customers/p1/devices/%C3", "/api/v1/customers/%E2%82/suppress")) {
      String method = path.contains("devices") ? "DELETE" : path.endsWith("events") || path.endsWith("suppress")
          ? "POST" : "PUT";
      Reply r = send(method, url + path, auth, "{\"name\":\"e\"}");
      assertEquals(400, r.status(), path + ": " + r.body());
      assertTrue(r.body().contains("not UTF-8"), path + ": " + r.body());
      assertTrue(r.json().path("meta").path("errors").isArray(), r.body());
    }
    Reply ok = send("PUT", url + "/api/v1/customers/%C3%BC%EF%BF%BD", auth, "{\"plan\":\"pro\"}");
    assertEquals(200, ok.status(), "well-formed UTF-8 escapes still work: " + ok.body());
    await().atMost(Duration.ofSeconds(20)).until(() -> sim.records().count() == 1);
    assertEquals("ü\uFFFD", sim.records().all().get(0).identifierValue(), "only the well-formed request reached Customer.io");
  }

  @Test
  void aNumberThatOverflowsToInfinityIsA400InsteadOfTheStringInfinity() throws Exception {
    record Case(String method, String path, String body, String field) {}
    List<Case> cases = List.of(
        new Case("PUT", "/api/v1/customers/p1", "{\"score\":1e999}", "body.score"),
        new Case("POST", "/api/v1/customers/p1/events", "{\"name\":\"e\",\"data\":{\"v\":[-1e999]}}", "body.data.v[0]"),
        new Case("POST", "/api/v2/entity", "{\"type\":\"person\",\"identifiers\":{\"id\":\"p1\"},\"action\":\"identify\","
            + "\"attributes\":{\"score\":1e999}}", "body.attributes.score"));
    for (Case c : cases) {
      Reply r = send(c.method(), url + c.path(), auth, c.body());
      assertEquals(400, r.status(), c + ": " + r.body());
      assertTrue(r.body().contains(c.field()) && r.body().contains("out of range"), c + ": " + r.body());
    }
    Reply batch = send("POST", url + "/api/v2/batch", auth, "{\"batch\":["
        + "{\"type\":\"person\",\"identifiers\":{\"id\":\"p2\"},\"action\":\"identify\",\"attributes\":{\"score\":1e999}},"
        + "{\"type\":\"person\",\"identifiers\":{\"id\":\"p2\"},\"action\":\"identify\",\"attributes\":{\"score\":2.5}}]}");
    assertEquals(207, batch.status(), batch.body());
    assertEquals(0, batch.json().path("errors").get(0).path("batch_index").asInt(), batch.body());
    assertEquals("operation.attributes.score", batch.json().path("errors").get(0).path("field").asText(), batch.body());
    await().atMost(Duration.ofSeconds(20)).until(() -> sim.records().count() == 1);
    RecordedOperation stored = sim.records().all().get(0);
    assertEquals("{\"score\":2.5}", stored.attributesJson(), "the valid operation arrived unchanged: " + stored);
  }

  @Test
  void aBodyWithLeadingZeroBytesIsA400InsteadOfA500FromJacksonsUtf32Guess() throws Exception {
    byte[] utf32Guess = {0x0d, 0, 0, 0, 0, 0, 0, 0, ':', '[', '%', '1', ','};
    byte[] utf16Guess = {0, 't', 0, 0, 0, '$'};
    for (String path : List.of("/api/v2/batch", "/api/v2/entity", "/api/v1/customers/p1")) {
      for (byte[] body : List.of(utf32Guess, utf16Guess)) {
        Reply r = send(path.startsWith("/api/v1") ? "PUT" : "POST", url + path, auth, body);
        assertEquals(400, r.status(), path + ": " + r.body());
        assertTrue(r.body().contains("not JSON text in UTF-8"), path + ": " + r.body());
      }
    }
  }
}
