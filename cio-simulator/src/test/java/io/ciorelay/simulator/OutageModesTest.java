package io.ciorelay.simulator;

import static io.ciorelay.simulator.Http.json;
import static io.ciorelay.simulator.Http.q;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every {@link OutageMode} over real HTTP: what the client sees, what is recorded, when it ends. */
class OutageModesTest {
  static final AtomicLong NOW = new AtomicLong(7_000_000_000L);

  @RegisterExtension
  static CioSimulatorExtension sim = CioSimulatorExtension.create(b -> b.rateLimit(0).ticker(NOW::get));

  /** Created per test, after the extension started the simulator. */
  final Http http = new Http(sim.simulator());

  private HttpResponse<String> identify(String person) {
    return http.send("PUT", "/api/v1/customers/" + person, "{}");
  }

  @Test
  void hangBeforeHeadersSendsNothingUntilTheWindowEndsThenDrops() throws Exception {
    sim.faults().outage(Duration.ofSeconds(60), OutageMode.HANG_BEFORE_HEADERS);
    UncheckedIOException timedOut = assertThrows(UncheckedIOException.class,
        () -> http.send("PUT", "/api/v1/customers/1", "{}", Duration.ofMillis(300)));
    assertTrue(timedOut.getCause() instanceof HttpTimeoutException, String.valueOf(timedOut.getCause()));

    long before = sim.stats().totalRequests();
    CompletableFuture<HttpResponse<String>> held = CompletableFuture.supplyAsync(() -> identify("2"));
    await().atMost(Duration.ofSeconds(5)).until(() -> sim.stats().totalRequests() == before + 1);
    assertFalse(held.isDone(), "no answer while the window is open");
    NOW.addAndGet(Duration.ofSeconds(60).toNanos());
    ExecutionException dropped = assertThrows(ExecutionException.class, () -> held.get(5, TimeUnit.SECONDS));
    assertTrue(dropped.getCause() instanceof UncheckedIOException, String.valueOf(dropped.getCause()));
    assertEquals(200, identify("3").statusCode());
    assertEquals(1, sim.records().count(), "only the request after the window is recorded");
  }

  @Test
  void stallAfterHeadersSendsHeadersAndTwoBytesThenNothingUntilTheWindowEnds() throws Exception {
    sim.faults().outage(OutageMode.STALL_AFTER_HEADERS);
    try (Socket s = new Socket("127.0.0.1", sim.simulator().port())) {
      s.setSoTimeout(5000);
      String body = "{}";
      OutputStream out = s.getOutputStream();
      out.write(("PUT /api/v1/customers/1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
          + sim.simulator().authorizationHeader() + "\r\nContent-Type: application/json\r\nContent-Length: "
          + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String head = readHead(in);
      assertTrue(head.startsWith("HTTP/1.1 200"), head);
      assertTrue(head.toLowerCase().contains("content-length: " + ApiPipeline.STALLED_CONTENT_LENGTH), head);
      assertEquals('{', in.read());
      assertEquals('"', in.read());
      s.setSoTimeout(400);
      assertThrows(SocketTimeoutException.class, in::read, "the body stalls after two bytes");
      sim.faults().endOutage();
      s.setSoTimeout(5000);
      int next;
      try {
        next = in.read();
      } catch (IOException reset) {
        next = -1;
      }
      assertEquals(-1, next, "the connection is dropped once the window ends, the body still short");
    }
    assertEquals(0, sim.records().count(), "a stalled answer records nothing");
    assertEquals(200, identify("2").statusCode());
  }

  @Test
  void stallAfterHeadersHoldsAJdkClientPastItsRequestTimeoutOnceHeadersArrived() {
    // The JDK's request timeout stops counting at the headers: this is the fault that held a lane.
    sim.faults().outage(Duration.ofSeconds(60), OutageMode.STALL_AFTER_HEADERS);
    CompletableFuture<HttpResponse<String>> call = Http.CLIENT.sendAsync(
        http.request("PUT", "/api/v1/customers/1", "{}", Duration.ofMillis(300)).build(),
        HttpResponse.BodyHandlers.ofString());
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> !call.isDone());
    NOW.addAndGet(Duration.ofSeconds(60).toNanos());
    await().atMost(Duration.ofSeconds(5)).until(call::isDone);
    assertTrue(call.isCompletedExceptionally(), "a short body fails the exchange");
  }

  @Test
  void aHeldRequestOutlastsItsWindowByTheHoldWhileLaterRequestsAreServed() {
    sim.faults().outage(Duration.ofSeconds(10), OutageMode.STALL_AFTER_HEADERS).holdHeldRequests(Duration.ofSeconds(60));
    CompletableFuture<HttpResponse<String>> held = CompletableFuture.supplyAsync(() -> identify("1"));
    await().atMost(Duration.ofSeconds(5)).until(() -> sim.stats().totalRequests() == 1);
    NOW.addAndGet(Duration.ofSeconds(10).toNanos());
    assertEquals(200, identify("2").statusCode(), "the window is over: new requests are served");
    assertFalse(held.isDone(), "the stalled exchange is still held: a half-open connection");
    NOW.addAndGet(Duration.ofSeconds(50).toNanos());
    ExecutionException dropped = assertThrows(ExecutionException.class, () -> held.get(5, TimeUnit.SECONDS));
    assertTrue(dropped.getCause() instanceof UncheckedIOException, String.valueOf(dropped.getCause()));
    assertEquals(60_000, json(http.withAuth(null).get("/__control/faults")).get("holdMs").asLong());
    assertEquals(200, http.withAuth(null).post("/__control/faults", "{\"holdMs\":0}").statusCode());
    assertEquals(Duration.ZERO, sim.faults().heldRequestHold());
    assertThrows(IllegalArgumentException.class, () -> sim.faults().holdHeldRequests(Duration.ofMillis(-1)));
  }

  @Test
  void lostAcknowledgementStoresTheOperationsAndDropsTheAnswer() {
    sim.faults().outage(OutageMode.LOST_ACKNOWLEDGEMENT);
    assertThrows(UncheckedIOException.class, () -> http.post("/api/v2/batch",
        q("{'batch':[{'type':'person','identifiers':{'id':'p1'},'action':'event','name':'n','id':'E1'}]}")));
    assertEquals(1, sim.records().count(), "stored although unanswered");
    assertTrue(sim.records().containsEventId("E1"));
    assertEquals(1, sim.stats().connectionsDropped());
    assertEquals(401, http.withAuth(Http.basic("no", "no")).put("/api/v1/customers/2", "{}").statusCode(),
        "a request refused before it is handled is answered as usual");
    sim.faults().endOutage();
    assertEquals(200, http.post("/api/v2/batch",
        q("{'batch':[{'type':'person','identifiers':{'id':'p1'},'action':'event','name':'n','id':'E1'}]}")).statusCode());
    assertEquals(1, sim.records().count(), "the re-send is a duplicate");
    assertEquals(1, sim.records().duplicateCount());
  }

  @Test
  void notFoundAnswersAnHtmlPage() {
    sim.faults().outage(OutageMode.NOT_FOUND);
    HttpResponse<String> r = http.post("/api/v2/batch", "{\"batch\":[]}");
    assertEquals(404, r.statusCode());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), r.headers().toString());
    assertTrue(r.body().contains("<h1>Not Found</h1>"), r.body());
    assertEquals(404, identify("1").statusCode());
    assertEquals(0, sim.records().count());
  }

  @Test
  void redirectPointsElsewhereAndIsNotFollowedByDefault() {
    sim.faults().outage(OutageMode.REDIRECT);
    HttpResponse<String> r = http.post("/api/v2/batch", "{\"batch\":[]}");
    assertEquals(302, r.statusCode());
    assertEquals(sim.baseUrl() + "/moved/api/v2/batch", r.headers().firstValue("Location").orElseThrow());
    assertEquals(0, sim.records().count());
  }

  @Test
  void unauthorizedRefusesTheRightCredentials() {
    sim.faults().outage(OutageMode.UNAUTHORIZED);
    HttpResponse<String> r = http.post("/api/v2/batch", "{\"batch\":[]}");
    assertEquals(401, r.statusCode());
    assertEquals("unauthorized", json(r).at("/errors/0/reason").asText());
    assertEquals(401, identify("1").statusCode());
    sim.faults().endOutage();
    assertEquals(200, identify("1").statusCode());
    assertEquals(1, sim.records().count());
  }

  @Test
  void rateLimitedWindowsAnswer429WithAndWithoutRetryAfter() {
    sim.faults().outage(Duration.ofMillis(2500), OutageMode.RATE_LIMITED);
    HttpResponse<String> r = identify("1");
    assertEquals(429, r.statusCode());
    assertEquals("3", r.headers().firstValue("Retry-After").orElseThrow(), "seconds until the window ends, rounded up");
    NOW.addAndGet(Duration.ofMillis(2400).toNanos());
    assertEquals("1", identify("1").headers().firstValue("Retry-After").orElseThrow());
    sim.faults().outage(Duration.ofSeconds(5), OutageMode.RATE_LIMITED_NO_RETRY_AFTER);
    HttpResponse<String> bare = identify("1");
    assertEquals(429, bare.statusCode());
    assertTrue(bare.headers().firstValue("Retry-After").isEmpty(), bare.headers().toString());
    assertEquals(0, sim.records().count());
  }

  @Test
  void everyModeIsSettableOverTheControlEndpoint() {
    Http control = http.withAuth(null);
    for (OutageMode m : OutageMode.values()) {
      HttpResponse<String> r = control.post("/__control/faults", "{\"outage\":{\"mode\":\"" + m.wireName() + "\",\"seconds\":30}}");
      assertEquals(200, r.statusCode(), r.body());
      assertEquals(m.wireName(), json(r).get("outageMode").asText());
      assertEquals(m, OutageMode.fromWireName(m.wireName()));
    }
    assertEquals(200, control.post("/__control/faults", "{\"outage\":{\"mode\":\"not-found\"}}").statusCode());
    assertEquals(404, identify("1").statusCode());
    HttpResponse<String> bad = control.post("/__control/faults", "{\"outage\":{\"mode\":\"sideways\"}}");
    assertEquals(400, bad.statusCode());
    assertTrue(bad.body().contains("stall-body") && bad.body().contains("sideways"), bad.body());
    assertEquals(200, control.post("/__control/faults", "{\"outage\":false}").statusCode());
    assertEquals(200, identify("1").statusCode());
  }

  @Test
  void poisonedOperationsAreListedAsRefused() {
    sim.faults().poison("bad", Faults.PoisonMode.OPERATION);
    HttpResponse<String> r = http.post("/api/v2/batch", q("{'batch':["
        + "{'type':'person','identifiers':{'id':'p1'},'action':'identify','attributes':{'bad':1}},"
        + "{'type':'person','identifiers':{'id':'p2'},'action':'identify','attributes':{'ok':1}}]}"));
    assertEquals(207, r.statusCode());
    assertEquals(1, sim.records().refused().size());
    assertEquals("p1", sim.records().refused().get(0).identifierValue());
    assertEquals(1, sim.records().count());
  }

  @Test
  void closeReleasesHeldRequests() throws Exception {
    CioSimulator own = CioSimulator.builder().build().start();
    own.faults().outage(OutageMode.STALL_AFTER_HEADERS);
    Http ownHttp = new Http(own);
    CompletableFuture<Void> caller = CompletableFuture.runAsync(() -> {
      try {
        ownHttp.put("/api/v1/customers/1", "{}");
      } catch (RuntimeException expected) {
        // dropped at close
      }
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> own.stats().totalRequests() == 1);
    own.close();
    caller.get(10, TimeUnit.SECONDS);
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }
}
