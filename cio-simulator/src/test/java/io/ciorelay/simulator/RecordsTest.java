package io.ciorelay.simulator;

import static io.ciorelay.simulator.Http.q;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RecordsTest {
  @RegisterExtension
  static CioSimulatorExtension sim = CioSimulatorExtension.create(b -> b.rateLimit(0));

  Http http;

  @BeforeEach
  void client() {
    http = new Http(sim.simulator());
  }

  @Test
  void eventsWithAnAcceptedIdAreDroppedAndCountedAsDuplicates() {
    String event = q("{'name':'paid','id':'01HX'}");
    assertEquals(200, http.post("/api/v1/customers/1/events", event).statusCode());
    assertEquals(200, http.post("/api/v1/customers/1/events", event).statusCode(), "a duplicate is still a 200");
    String v2 = q("{'batch':[{'type':'person','identifiers':{'id':'1'},'action':'event','name':'paid','id':'01HX'},"
        + "{'type':'person','identifiers':{'id':'1'},'action':'event','name':'paid','id':'01HY'},"
        + "{'type':'person','identifiers':{'id':'1'},'action':'event','name':'paid'},"
        + "{'type':'person','identifiers':{'id':'1'},'action':'event','name':'paid'}]}");
    assertEquals(200, http.post("/api/v2/batch", v2).statusCode());
    assertEquals(4, sim.records().events("paid").size(), "01HX once, 01HY once, two without id");
    assertEquals(2, sim.records().duplicateCount());
    assertEquals(Map.of("01HX", 2), sim.records().duplicatesByEventId());
    assertTrue(sim.records().containsEventId("01HY"));
    assertFalse(sim.records().containsEventId("01HZ"));
    assertEquals(2, sim.stats().duplicateEvents());
    assertEquals(4, sim.stats().acceptedOperations());
  }

  @Test
  void aBoundedWindowKeepsTheNewestRecordsCountsTheRestAndStillDropsRepeats() {
    try (CioSimulator bounded = CioSimulator.builder().rateLimit(0).maxRecords(3).build().start()) {
      Http h = new Http(bounded);
      for (int i = 0; i < 10; i++) {
        assertEquals(200, h.post("/api/v1/customers/1/events", q("{'name':'e" + i + "','id':'ID" + i + "'}")).statusCode());
      }
      assertEquals(10, bounded.records().count(), "every accepted operation is counted");
      assertEquals(7, bounded.records().evicted());
      assertEquals(List.of("e7", "e8", "e9"), bounded.records().all().stream().map(RecordedOperation::name).toList());
      assertEquals(200, h.post("/api/v1/customers/1/events", q("{'name':'e0','id':'ID0'}")).statusCode());
      assertEquals(1, bounded.records().duplicateCount(), "a repeat of a forgotten record's id is still dropped");
      assertEquals(10, bounded.records().count());
    }
  }

  @Test
  void theEventIdWindowRemembersTheNewestIdsOnly() {
    try (CioSimulator bounded = CioSimulator.builder().rateLimit(0).maxRecords(2).maxEventIds(4).build().start()) {
      Http h = new Http(bounded);
      for (int i = 0; i < 6; i++) {
        assertEquals(200, h.post("/api/v1/customers/1/events", q("{'name':'e" + i + "','id':'ID" + i + "'}")).statusCode());
      }
      assertEquals(200, h.post("/api/v1/customers/1/events", q("{'name':'e5','id':'ID5'}")).statusCode());
      assertEquals(1, bounded.records().duplicateCount(), "ID5 is among the newest 4 ids: a repeat");
      assertEquals(200, h.post("/api/v1/customers/1/events", q("{'name':'e0','id':'ID0'}")).statusCode());
      assertEquals(1, bounded.records().duplicateCount(), "ID0 fell out of the window: counted as new");
      assertEquals(7, bounded.records().count());
    }
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> CioSimulator.builder().maxEventIds(-1));
    assertTrue(e.getMessage().contains("maxEventIds") && e.getMessage().contains("-1"), e.getMessage());
  }

  @Test
  void maxRecordsRefusesANegativeLimitNamingIt() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> CioSimulator.builder().maxRecords(-1));
    assertTrue(e.getMessage().contains("maxRecords") && e.getMessage().contains("-1"), e.getMessage());
  }

  @Test
  void perPersonOrderIsArrivalOrderUnderConcurrency() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int p = 0; p < 8; p++) {
        String person = "p" + p;
        futures.add(pool.submit(() -> {
          for (int i = 0; i < 50; i++) {
            assertEquals(200, http.post("/api/v1/customers/" + person + "/events",
                "{\"name\":\"step\",\"data\":{\"n\":" + i + "}}").statusCode());
          }
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(400, sim.records().count());
    for (int p = 0; p < 8; p++) {
      List<RecordedOperation> ops = sim.records().forPerson("p" + p);
      assertEquals(50, ops.size());
      for (int i = 0; i < 50; i++) {
        assertEquals("{\"n\":" + i + "}", ops.get(i).attributesJson());
        if (i > 0) {
          assertTrue(ops.get(i).sequence() > ops.get(i - 1).sequence());
        }
      }
    }
  }

  @Test
  void recordsRetryCountHeaders() {
    http.send(http.request("DELETE", "/api/v1/customers/1", null, java.time.Duration.ofSeconds(5)).build());
    http.send(http.request("DELETE", "/api/v1/customers/1", null, java.time.Duration.ofSeconds(5))
        .header("X-Retry-Count", "1").build());
    http.send(http.request("DELETE", "/api/v1/customers/1", null, java.time.Duration.ofSeconds(5))
        .header("X-Retry-Count", "2").build());
    http.send(http.request("DELETE", "/api/v1/customers/1", null, java.time.Duration.ofSeconds(5))
        .header("X-Retry-Count", "2").build());
    SimulatorStats stats = sim.stats();
    assertEquals(3, stats.requestsWithRetryHeader());
    assertEquals(Map.of(1, 1L, 2, 2L), stats.retryCounts());
    assertEquals(4, stats.totalRequests());
    assertEquals(java.util.List.of(0, 1, 2, 2),
        sim.records().all().stream().map(RecordedOperation::retryCount).toList());
  }

  @Test
  void holdsAHundredThousandEventsCompactly() {
    StringBuilder body = new StringBuilder();
    int perBatch = 1000;
    for (int b = 0; b < 100; b++) {
      body.setLength(0);
      body.append("{\"batch\":[");
      for (int i = 0; i < perBatch; i++) {
        int n = b * perBatch + i;
        body.append(i == 0 ? "" : ",").append("{\"type\":\"person\",\"identifiers\":{\"id\":\"u").append(n % 5000)
            .append("\"},\"action\":\"event\",\"name\":\"e\",\"id\":\"").append(n)
            .append("\",\"attributes\":{\"k\":").append(n).append("}}");
      }
      body.append("]}");
      assertEquals(200, http.post("/api/v2/batch", body.toString()).statusCode());
    }
    assertEquals(100_000, sim.records().count());
    assertEquals(20, sim.records().forPerson("u42").size());
    Runtime rt = Runtime.getRuntime();
    System.gc();
    long used = rt.totalMemory() - rt.freeMemory();
    assertTrue(used < 256L * 1024 * 1024, "heap in use after GC with 100k operations recorded: " + used);
  }
}
