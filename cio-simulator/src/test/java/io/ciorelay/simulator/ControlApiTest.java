package io.ciorelay.simulator;

import static io.ciorelay.simulator.Http.json;
import static io.ciorelay.simulator.Http.q;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ControlApiTest {
  @RegisterExtension
  static CioSimulatorExtension sim = CioSimulatorExtension.create(b -> b.rateLimit(50));

  Http http;
  Http control;

  @BeforeEach
  void client() {
    http = new Http(sim.simulator());
    control = http.withAuth(null);
  }

  @Test
  void statsAndRecordsOverHttp() {
    http.put("/api/v1/customers/1", "{\"a\":1}");
    http.post("/api/v1/customers/1/events", q("{'name':'x','id':'E'}"));
    http.post("/api/v1/customers/2/events", "{}");
    http.withAuth(Http.basic("no", "no")).delete("/api/v1/customers/1");
    JsonNode stats = json(control.get("/__control/stats"));
    assertEquals(4, stats.get("totalRequests").asInt());
    assertEquals(2, stats.at("/requestsByStatus/200").asInt());
    assertEquals(1, stats.at("/requestsByStatus/400").asInt());
    assertEquals(1, stats.at("/requestsByStatus/401").asInt());
    assertEquals(2, stats.get("acceptedOperations").asInt());
    assertTrue(stats.get("peakRequestsPerSecond").asInt() >= 1);

    JsonNode records = json(control.get("/__control/records?person=1"));
    assertEquals(2, records.get("total").asInt());
    assertEquals("identify", records.at("/records/0/action").asText());
    assertEquals("1", records.at("/records/0/identifier/id").asText());
    assertEquals(1, records.at("/records/0/attributes/a").asInt());
    assertEquals("E", records.at("/records/1/id").asText());
    assertEquals(1, json(control.get("/__control/records?action=event&limit=5")).get("total").asInt());
    assertEquals(0, json(control.get("/__control/records?offset=5")).get("records").size());
    assertEquals(400, control.get("/__control/records?limit=x").statusCode());
  }

  @Test
  void faultsOverHttp() {
    HttpResponse<String> r = control.post("/__control/faults",
        q("{'outage':{'mode':'unavailable'},'rateLimit':7,'retryAfter':false,'script':[{'status':418,'body':'tea','headers':{'X-A':'b'}}]}"));
    assertEquals(200, r.statusCode(), r.body());
    JsonNode shown = json(r);
    assertTrue(shown.get("outageActive").asBoolean());
    assertEquals(7, shown.get("rateLimit").asInt());
    assertFalse(shown.get("retryAfter").asBoolean());
    assertEquals(1, shown.get("scripted").asInt());

    HttpResponse<String> scripted = http.delete("/api/v1/customers/1");
    assertEquals(418, scripted.statusCode());
    assertEquals("tea", scripted.body());
    assertEquals("b", scripted.headers().firstValue("X-A").orElseThrow());
    assertEquals(503, http.delete("/api/v1/customers/1").statusCode());

    control.post("/__control/faults", q("{'outage':{'mode':'reset','seconds':60}}"));
    assertThrows(UncheckedIOException.class, () -> http.delete("/api/v1/customers/1"));
    control.post("/__control/faults", q("{'outage':false}"));
    assertEquals(200, http.delete("/api/v1/customers/1").statusCode());

    control.post("/__control/faults", q("{'errorRate':1,'errorStatus':504,'latencyMs':1}"));
    assertEquals(504, http.delete("/api/v1/customers/1").statusCode());
    JsonNode cleared = json(control.delete("/__control/faults"));
    assertEquals(0, cleared.get("errorRate").asDouble());
    assertEquals(50, cleared.get("rateLimit").asInt());
    assertEquals(200, http.delete("/api/v1/customers/1").statusCode());

    assertEquals(400, control.post("/__control/faults", q("{'bogus':1}")).statusCode());
    assertEquals(400, control.post("/__control/faults", q("{'errorRate':2}")).statusCode());
    assertEquals(400, control.post("/__control/faults", "nope").statusCode());
    assertEquals(400, control.post("/__control/faults", q("{'outage':{'mode':'melt'}}")).statusCode());
    assertEquals(400, control.post("/__control/faults", q("{'stallMs':'long'}")).statusCode());
  }

  @Test
  void resetClearsEverything() {
    http.delete("/api/v1/customers/1");
    sim.faults().outage(OutageMode.SERVICE_UNAVAILABLE);
    assertEquals(200, control.post("/__control/reset", "").statusCode());
    assertEquals(0, sim.records().count());
    assertEquals(0, sim.stats().totalRequests());
    assertFalse(sim.faults().outageActive());
  }

  @Test
  void controlCallsAreNotCountedOrRateLimited() {
    for (int i = 0; i < 60; i++) {
      assertEquals(200, control.get("/__control/stats").statusCode());
    }
    assertEquals(0, sim.stats().totalRequests());
  }

  @Test
  void onlyLoopbackAddressesCount() {
    assertTrue(ControlApi.isLoopback("127.0.0.1"));
    assertTrue(ControlApi.isLoopback("0:0:0:0:0:0:0:1"));
    assertFalse(ControlApi.isLoopback("10.1.2.3"));
    assertFalse(ControlApi.isLoopback(null));
  }
}
