package io.ciorelay.server.relay;

import static io.ciorelay.server.relay.RelayTestSupport.basic;
import static io.ciorelay.server.relay.RelayTestSupport.send;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.server.pipelines.MessageIds;
import io.ciorelay.simulator.CioSimulator;
import io.ciorelay.simulator.RecordedOperation;
import io.ciorelay.simulator.RecordedOperation.Action;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Data Pipelines routes of the relay, over HTTP, delivering to a simulator. */
class PipelinesRelayIT {
  static final String WRITE_KEY = "wk_test_123";
  static final String TS = "2026-12-01T10:00:00.000Z";

  @TempDir
  Path dir;
  CioSimulator sim;
  RelayServer relay;
  String url;
  String auth = basic(WRITE_KEY, "");

  @BeforeEach
  void start() {
    sim = CioSimulator.builder().rateLimit(0).build().start();
    relay = start(RelayTestSupport.config(sim, dir).pipelinesWriteKey(RelayWorkspace.DEFAULT_NAME, WRITE_KEY));
  }

  RelayServer start(RelayConfig.Builder b) {
    RelayServer r = RelayServer.builder(b.build()).build().start();
    url = r.baseUrl();
    return r;
  }

  @AfterEach
  void stop() {
    relay.stop();
    sim.close();
  }

  static String call(String type, String messageId, String fields) {
    return "{\"type\":\"" + type + "\",\"messageId\":\"" + messageId + "\",\"timestamp\":\"" + TS + "\"," + fields + "}";
  }

  static String batch(String... calls) {
    return "{\"batch\":[" + String.join(",", calls) + "]}";
  }

  @Test
  void everyCallTypeIsStoredAndDeliveredAsItsTrackOperation() throws Exception {
    String body = batch(
        call("identify", "m1", "\"userId\":\"u1\",\"traits\":{\"plan\":\"pro\"}"),
        call("track", "m2", "\"userId\":\"u1\",\"event\":\"purchase\",\"properties\":{\"sku\":\"x\"}"),
        call("page", "m3", "\"userId\":\"u1\",\"name\":\"Pricing\",\"properties\":{\"url\":\"https://x.test/p\"}"),
        call("screen", "m4", "\"userId\":\"u1\",\"name\":\"Home\""),
        call("group", "m5", "\"userId\":\"u1\",\"groupId\":\"acme\",\"traits\":{\"name\":\"Acme\"}"),
        call("track", "m6", "\"anonymousId\":\"an1\",\"event\":\"browsed\""),
        call("alias", "m7", "\"userId\":\"u1\",\"previousId\":\"old-1\""));
    RelayTestSupport.Reply r = send("POST", url + "/v1/batch", auth, body);
    assertEquals(200, r.status(), r.body());
    assertEquals("{}", r.body());
    await().atMost(Duration.ofSeconds(10)).until(() -> sim.records().count() == 7);
    List<RecordedOperation> u1 = sim.records().forPerson("u1");
    assertEquals(List.of(Action.IDENTIFY, Action.EVENT, Action.PAGE, Action.SCREEN, Action.MERGE),
        u1.stream().map(RecordedOperation::action).toList());
    assertEquals(MessageIds.ulid("m2", 1796119200000L), u1.get(1).eventId());
    assertEquals("https://x.test/p", u1.get(2).name());
    assertEquals(1, sim.records().where(op -> op.type() == RecordedOperation.Type.OBJECT).size());
    assertEquals(1, sim.records().where(op -> op.identifierValue().equals("an1")).size());
  }

  @Test
  void singleCallPathsWriteKeyInTheBodyTrailingSlashAndGzipAreAccepted() throws Exception {
    assertEquals(200, send("POST", url + "/v1/identify", auth, call("identify", "s1", "\"userId\":\"u2\"")).status());
    // analytics-java 3.5.4: /v1/import/ and the write key only in the body
    String body = "{\"batch\":[" + call("track", "s2", "\"userId\":\"u2\",\"event\":\"e\"") + "],\"writeKey\":\""
        + WRITE_KEY + "\",\"sentAt\":\"" + TS + "\",\"sequence\":1}";
    RelayTestSupport.Reply r = send("POST", url + "/v1/import/", null, body);
    assertEquals(200, r.status(), r.body());
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(batch(call("track", "s3", "\"userId\":\"u2\",\"event\":\"zipped\"")).getBytes(StandardCharsets.UTF_8));
    }
    java.net.http.HttpResponse<String> z = RelayTestSupport.HTTP.send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create(url + "/v1/batch")).header("Authorization", auth).header("Content-Encoding", "gzip")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(gz.toByteArray())).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, z.statusCode(), z.body());
    await().atMost(Duration.ofSeconds(10)).until(() -> sim.records().forPerson("u2").size() == 3);
    assertEquals("zipped", sim.records().forPerson("u2").get(2).name());
  }

  @Test
  void aRetryWithTheSameMessageIdStoresNothingNew() throws Exception {
    String body = batch(call("track", "r1", "\"userId\":\"u3\",\"event\":\"e\""),
        call("identify", "r2", "\"userId\":\"u3\",\"traits\":{\"a\":1}"));
    assertEquals(200, send("POST", url + "/v1/batch", auth, body).status());
    assertEquals(200, send("POST", url + "/v1/batch", auth, body).status());
    relay.customerIo().flush().get();
    assertEquals(2, sim.records().forPerson("u3").size());
    assertEquals(2.0, relay.meterRegistry().counter("relay.pipelines.repeats", "workspace", "default").count());
    assertEquals(2, relay.stop().accepted(), "the retry was not stored");
    assertEquals(0, sim.records().duplicateCount());
  }

  @Test
  void aRetryAfterARestartIsStoredAgainButDeliveredWithTheSameEventIdSoCustomerIoDropsIt() throws Exception {
    String body = batch(call("track", "k1", "\"userId\":\"u4\",\"event\":\"e\""));
    assertEquals(200, send("POST", url + "/v1/batch", auth, body).status());
    relay.customerIo().flush().get();
    relay.stop();
    relay = start(RelayTestSupport.config(sim, dir).pipelinesWriteKey(RelayWorkspace.DEFAULT_NAME, WRITE_KEY));
    assertEquals(200, send("POST", url + "/v1/batch", auth, body).status());
    relay.customerIo().flush().get();
    assertEquals(1, sim.records().forPerson("u4").size());
    assertEquals(1, sim.records().duplicateCount(), "the second copy reached Customer.io with the same id");
  }

  @Test
  void badRequestsGetA400OrA401WithTheReasonAndNothingIsStored() throws Exception {
    String ok = call("track", "b1", "\"userId\":\"u5\",\"event\":\"e\"");
    String big = call("track", "b2", "\"userId\":\"u5\",\"event\":\"e\",\"properties\":{\"x\":\"" + "a".repeat(33_000) + "\"}");
    record Bad(String label, String path, String auth, String body, int status, String mentions) {}
    List<Bad> cases = List.of(
        new Bad("no auth", "/v1/batch", null, batch(ok), 401, "write key"),
        new Bad("wrong key", "/v1/batch", basic("other", ""), batch(ok), 401, "write key"),
        new Bad("wrong body key", "/v1/batch", null, "{\"writeKey\":\"nope\",\"batch\":[" + ok + "]}", 401, "write key"),
        new Bad("malformed JSON", "/v1/batch", auth, "{\"batch\":[", 400, "malformed JSON"),
        new Bad("no batch", "/v1/batch", auth, "{}", 400, "'batch' array"),
        new Bad("empty batch", "/v1/batch", auth, "{\"batch\":[]}", 400, "at least one call"),
        new Bad("oversize call", "/v1/batch", auth, batch(ok, big), 400, "batch[1].call: call is"),
        new Bad("oversize single call", "/v1/track", auth, big, 400, "32768"),
        new Bad("oversize batch", "/v1/batch", auth, batch(java.util.Collections.nCopies(20, call("track", "b3",
            "\"userId\":\"u5\",\"event\":\"e\",\"properties\":{\"x\":\"" + "a".repeat(30_000) + "\"}")).toArray(String[]::new)),
            400, "512000"),
        new Bad("unmappable call", "/v1/batch", auth, batch(ok, "{\"type\":\"track\",\"userId\":\"u5\"}"), 400,
            "batch[1].event"),
        new Bad("not gzip", "/v1/batch", auth, batch(ok), 400, "gzip"));
    for (Bad c : cases) {
      java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + c.path()))
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString(c.body()));
      if (c.auth() != null) {
        b.header("Authorization", c.auth());
      }
      if (c.label().equals("not gzip")) {
        b.header("Content-Encoding", "gzip");
      }
      java.net.http.HttpResponse<String> r = RelayTestSupport.HTTP.send(b.build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals(c.status(), r.statusCode(), c.label() + ": " + r.body());
      assertTrue(r.body().contains(c.mentions()), c.label() + ": " + r.body());
      assertTrue(!r.body().contains(WRITE_KEY), c.label() + " leaks the write key: " + r.body());
    }
    assertEquals(0, relay.stop().accepted(), "nothing of a refused request is stored");
  }

  @Test
  void withoutAWriteKeyThePipelinesRoutesSayHowToEnableThem(@TempDir Path other) throws Exception {
    RelayServer plain = RelayServer.builder(RelayTestSupport.config(sim, other).build()).build().start();
    try {
      RelayTestSupport.Reply r = send("POST", plain.baseUrl() + "/v1/batch", auth, batch(call("track", "n", "\"userId\":\"u\",\"event\":\"e\"")));
      assertEquals(401, r.status());
      assertTrue(r.body().contains("CIO_PIPELINES_WRITE_KEY"), r.body());
    } finally {
      plain.stop();
    }
  }

  @Test
  void aBurstOfClientsIsAnswered200NeverWith429() throws Exception {
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16);
    try {
      List<java.util.concurrent.Future<Integer>> replies = new java.util.ArrayList<>();
      for (int i = 0; i < 320; i++) {
        int n = i;
        replies.add(pool.submit(() -> send("POST", url + "/v1/batch", auth, batch(
            call("track", "burst-" + n + "-a", "\"userId\":\"b" + (n % 8) + "\",\"event\":\"e\""),
            call("track", "burst-" + n + "-b", "\"userId\":\"b" + (n % 8) + "\",\"event\":\"e\"")))
            .status()));
      }
      for (java.util.concurrent.Future<Integer> f : replies) {
        assertEquals(200, f.get());
      }
    } finally {
      pool.shutdown();
    }
    relay.customerIo().flush().get();
    assertEquals(640, sim.records().count());
  }

  @Test
  void aFullOutboxAnswers503WithRetryAfter(@TempDir Path other) throws Exception {
    sim.faults().outage(io.ciorelay.simulator.OutageMode.SERVICE_UNAVAILABLE);
    RelayServer full = RelayServer.builder(RelayTestSupport.config(sim, other).maxPendingOperations(2)
        .pipelinesWriteKey(RelayWorkspace.DEFAULT_NAME, WRITE_KEY).build()).build().start();
    try {
      RelayTestSupport.Reply r = send("POST", full.baseUrl() + "/v1/batch", auth, batch(
          call("track", "f1", "\"userId\":\"u6\",\"event\":\"e\""), call("track", "f2", "\"userId\":\"u6\",\"event\":\"e\""),
          call("track", "f3", "\"userId\":\"u6\",\"event\":\"e\"")));
      assertEquals(503, r.status(), r.body());
      assertTrue(r.raw().headers().firstValue("Retry-After").isPresent());
    } finally {
      sim.faults().endOutage();
      full.stop();
    }
  }
}
