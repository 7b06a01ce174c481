package io.ciorelay.simulator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FaultsTest {
  static final AtomicLong NOW = new AtomicLong(5_000_000_000L);

  @RegisterExtension
  static CioSimulatorExtension sim = CioSimulatorExtension.create(
      b -> b.rateLimit(0).ticker(NOW::get).random(new Random(42)));

  Http http;

  @BeforeEach
  void client() {
    http = new Http(sim.simulator());
  }

  HttpResponse<String> identify(String id) {
    return http.put("/api/v1/customers/" + id, "{}");
  }

  @Test
  void outageAnswers503ForItsWindow() {
    sim.faults().outage(Duration.ofSeconds(2));
    assertTrue(sim.faults().outageActive());
    HttpResponse<String> r = identify("1");
    assertEquals(503, r.statusCode());
    assertEquals("service unavailable", Http.json(r).at("/meta/errors/0").asText());
    NOW.addAndGet(Duration.ofMillis(1999).toNanos());
    assertEquals(503, identify("2").statusCode());
    NOW.addAndGet(Duration.ofMillis(1).toNanos());
    assertEquals(200, identify("3").statusCode());
    assertEquals(1, sim.records().count());
    assertEquals(2, sim.stats().count(503));
  }

  @Test
  void v2OutageUsesV2ErrorShape() {
    sim.faults().outage(OutageMode.SERVICE_UNAVAILABLE);
    HttpResponse<String> r = http.post("/api/v2/batch", "{\"batch\":[]}");
    assertEquals(503, r.statusCode());
    assertEquals("unavailable", Http.json(r).at("/errors/0/reason").asText());
    sim.faults().endOutage();
    assertEquals(200, http.post("/api/v2/batch", "{\"batch\":[]}").statusCode());
  }

  @Test
  void resetOutageDropsTheConnection() {
    sim.faults().outage(OutageMode.CONNECTION_RESET);
    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> identify("1"));
    assertTrue(e.getCause() != null);
    sim.faults().endOutage();
    assertEquals(200, identify("2").statusCode());
    assertEquals(1, sim.records().count());
    assertEquals(1, sim.stats().connectionsDropped());
  }

  @Test
  void randomFailuresHitAboutTheGivenFraction() {
    sim.faults().errorRate(0.5);
    Set<Integer> statuses = new HashSet<>();
    int failed = 0;
    for (int i = 0; i < 200; i++) {
      int status = identify("p" + i).statusCode();
      statuses.add(status);
      if (status != 200) {
        failed++;
        assertTrue(status == 500 || status == 502 || status == 503 || status == 504, "status " + status);
      }
    }
    assertTrue(failed > 60 && failed < 140, "failed " + failed);
    assertEquals(200 - failed, sim.records().count());
    assertTrue(statuses.size() >= 4, "several 5xx kinds: " + statuses);
    sim.faults().errorRate(1, 502);
    assertEquals(502, identify("x").statusCode());
    assertThrows(IllegalArgumentException.class, () -> sim.faults().errorRate(1.5));
    assertThrows(IllegalArgumentException.class, () -> sim.faults().errorRate(0.5, 404));
  }

  @Test
  void latencyDelaysButAccepts() {
    sim.faults().latency(Duration.ofMillis(300));
    long start = System.nanoTime();
    assertEquals(200, identify("1").statusCode());
    assertTrue(System.nanoTime() - start >= Duration.ofMillis(300).toNanos());
    assertEquals(1, sim.records().count());
    sim.faults().latency(Duration.ZERO);
    assertThrows(IllegalArgumentException.class, () -> sim.faults().latency(Duration.ofMillis(-1)));
  }

  @Test
  void stallOutlastsAClientTimeoutAndRecordsNothing() {
    sim.faults().stall(Duration.ofSeconds(30));
    HttpResponse<String>[] holder = new HttpResponse[1];
    UncheckedIOException e = assertThrows(UncheckedIOException.class,
        () -> holder[0] = http.send("PUT", "/api/v1/customers/1", "{}", Duration.ofMillis(300)));
    assertTrue(e.getCause() instanceof HttpTimeoutException, String.valueOf(e.getCause()));
    sim.faults().stall(Duration.ZERO);
    assertEquals(0, sim.records().count());
    assertEquals(200, identify("2").statusCode());
  }

  @Test
  void scriptedResponsesAreServedInOrderThenNormalServiceResumes() {
    sim.faults().enqueue(ScriptedResponse.of(429).withHeader("Retry-After", "7"),
        ScriptedResponse.of(500).withBody("{\"meta\":{\"errors\":[\"boom\"]}}"),
        ScriptedResponse.of(200));
    assertEquals(3, sim.faults().pendingScripted());
    HttpResponse<String> first = identify("1");
    assertEquals(429, first.statusCode());
    assertEquals("7", first.headers().firstValue("Retry-After").orElseThrow());
    HttpResponse<String> second = http.withAuth(null).put("/api/v1/customers/2", "{}");
    assertEquals(500, second.statusCode(), "scripted responses come before authentication");
    assertEquals("boom", Http.json(second).at("/meta/errors/0").asText());
    assertEquals(200, identify("3").statusCode());
    assertEquals(0, sim.records().count(), "scripted answers record nothing");
    assertEquals(200, identify("4").statusCode());
    assertEquals(1, sim.records().count());
    assertEquals(0, sim.faults().pendingScripted());
  }

  @Test
  void clearRemovesEveryFault() {
    sim.faults().outage(OutageMode.SERVICE_UNAVAILABLE).latency(Duration.ofSeconds(5)).errorRate(1)
        .enqueue(ScriptedResponse.of(500)).rateLimit(1).retryAfter(false);
    sim.faults().clear();
    assertEquals(200, identify("1").statusCode());
    assertEquals(0, sim.faults().rateLimit());
  }

  @Test
  void closeReleasesStalledRequests() throws Exception {
    CioSimulator own = CioSimulator.builder().build().start();
    own.faults().stall(Duration.ofMinutes(10));
    Http ownHttp = new Http(own);
    Thread caller = new Thread(() -> {
      try {
        ownHttp.put("/api/v1/customers/1", "{}");
      } catch (RuntimeException expected) {
        // the connection is dropped when the simulator closes
      }
    });
    caller.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> own.stats().totalRequests() == 1);
    own.close();
    caller.join(Duration.ofSeconds(10).toMillis());
    assertTrue(!caller.isAlive(), "the stalled request must end when the simulator closes");
  }
}
