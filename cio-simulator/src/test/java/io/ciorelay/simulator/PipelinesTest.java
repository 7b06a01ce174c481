package io.ciorelay.simulator;

import static io.ciorelay.simulator.Http.q;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The simulator's Data Pipelines API over real sockets. */
class PipelinesTest {
  CioSimulator sim;
  Http http;

  @BeforeEach
  void start() {
    sim = CioSimulator.builder().rateLimit(0).pipelinesWriteKey("wk1").build().start();
    http = new Http(sim).withAuth(sim.pipelines().authorizationHeader());
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  static String track(String messageId, String user) {
    return q("{'type':'track','messageId':'" + messageId + "','userId':'" + user + "','event':'e'}");
  }

  HttpResponse<String> strict(String path, String auth, String body) {
    HttpRequest.Builder b = http.request("POST", path, body, Duration.ofSeconds(10)).header("X-Strict-Mode", "1");
    if (auth != null) {
      b.setHeader("Authorization", auth);
    }
    return Http.send(b.build());
  }

  @Test
  void everyPathRecordsItsCallsOnceByMessageId() {
    assertEquals(200, http.post("/v1/batch", "{\"batch\":[" + track("m1", "u1") + "," + track("m2", "u1") + "]}").statusCode());
    assertEquals(200, http.post("/v1/batch", "{\"batch\":[" + track("m1", "u1") + "]}").statusCode());
    assertEquals(200, http.post("/v1/identify", q("{'messageId':'m3','userId':'u1','traits':{'a':1}}")).statusCode());
    assertEquals(200, new Http(sim).withAuth(null).post("/v1/import/",
        q("{'writeKey':'wk1','batch':[{'type':'alias','messageId':'m4','userId':'u1','previousId':'p'}]}")).statusCode());
    List<PipelinesCall> calls = sim.pipelines().forPerson("u1");
    assertEquals(List.of("track", "track", "identify", "alias"), calls.stream().map(PipelinesCall::type).toList());
    assertEquals(1, sim.pipelines().duplicateCount());
    assertTrue(sim.pipelines().containsMessageId("m4"));
    assertEquals(0, sim.records().count(), "Pipelines calls are not Track operations");
  }

  @Test
  void withoutStrictModeBadRequestsGet200AndAreDropped() {
    String bad = q("{'type':'track','userId':'u1'}");
    assertEquals(200, http.post("/v1/batch", "{\"batch\":[" + bad + "," + track("ok", "u1") + "]}").statusCode());
    assertEquals(200, new Http(sim).withAuth(Http.basic("nope", "")).post("/v1/track", track("x", "u1")).statusCode());
    assertEquals(200, http.post("/v1/track", q("{'userId':'u1','event':'e','properties':{'x':'" + "a".repeat(40_000) + "'}}"))
        .statusCode());
    assertEquals(1, sim.pipelines().count());
    assertEquals(3, sim.pipelines().droppedCount());
  }

  @Test
  void strictModeAnswers400And401AndRecordsNothingOfTheRequest() {
    String bad = q("{'type':'track','userId':'u1'}");
    HttpResponse<String> r = strict("/v1/batch", null, "{\"batch\":[" + track("ok", "u1") + "," + bad + "]}");
    assertEquals(400, r.statusCode());
    assertTrue(r.body().contains("batch[1].event"), r.body());
    assertEquals(401, strict("/v1/batch", Http.basic("nope", ""), "{\"batch\":[" + track("ok", "u1") + "]}").statusCode());
    r = strict("/v1/batch", null, "{\"batch\":[" + track("big", "u1").replace("\"event\":\"e\"",
        "\"event\":\"e\",\"properties\":{\"x\":\"" + "a".repeat(33_000) + "\"}") + "]}");
    assertEquals(400, r.statusCode());
    assertTrue(r.body().contains("32768"), r.body());
    assertEquals(0, sim.pipelines().count());
    assertEquals(200, strict("/v1/batch", null, "{\"batch\":[" + track("ok", "u1") + "]}").statusCode());
    assertEquals(1, sim.pipelines().count());
  }

  @Test
  void gzipBodiesAreRead() throws Exception {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(("{\"batch\":[" + track("z1", "u9") + "]}").getBytes(StandardCharsets.UTF_8));
    }
    HttpResponse<String> r = Http.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/v1/batch"))
        .header("Authorization", sim.pipelines().authorizationHeader()).header("Content-Encoding", "gzip")
        .header("X-Strict-Mode", "1").POST(HttpRequest.BodyPublishers.ofByteArray(gz.toByteArray())).build());
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(1, sim.pipelines().forPerson("u9").size());
  }

  @Test
  void theTrackSidesFaultsApply() {
    sim.faults().outage(Duration.ofMinutes(1));
    assertEquals(503, http.post("/v1/batch", "{\"batch\":[" + track("f1", "u1") + "]}").statusCode());
    sim.faults().endOutage();
    sim.faults().enqueue(ScriptedResponse.of(500));
    assertEquals(500, http.post("/v1/batch", "{\"batch\":[" + track("f1", "u1") + "]}").statusCode());
    assertEquals(200, http.post("/v1/batch", "{\"batch\":[" + track("f1", "u1") + "]}").statusCode());
    assertEquals(1, sim.pipelines().count());
  }

  @Test
  void aPoisonedCallIsRefusedInStrictModeByNameAndNothingOfItsRequestIsRecorded() {
    sim.faults().poison("poison", Faults.PoisonMode.OPERATION);
    String bad = q("{'type':'track','messageId':'p1','userId':'u1','event':'e','properties':{'poison':true}}");
    HttpResponse<String> r = strict("/v1/batch", sim.pipelines().authorizationHeader(),
        "{\"batch\":[" + track("ok1", "u1") + "," + bad + "]}");
    assertEquals(400, r.statusCode());
    assertTrue(r.body().contains("batch[1].attribute 'poison' is not allowed"), r.body());
    assertEquals(0, sim.pipelines().count());
    assertEquals(200, strict("/v1/batch", sim.pipelines().authorizationHeader(),
        "{\"batch\":[" + track("ok1", "u1") + "]}").statusCode());
    assertEquals(1, sim.pipelines().count());
  }

  @Test
  void theRateLimitAdmits3000RequestsPer3Seconds() {
    Pipelines p = new Pipelines("k", () -> 0L, new Faults(() -> 0L, 0, true));
    long t = 1_000_000_000L;
    for (int i = 0; i < Pipelines.RATE_LIMIT; i++) {
      assertEquals(0, p.admit(t + i));
    }
    long wait = p.admit(t + Pipelines.RATE_LIMIT);
    assertTrue(wait > 2_900_000_000L && wait <= 3_000_000_000L, "wait " + wait);
    assertEquals(0, p.admit(t + 3_000_000_000L));
  }
}
