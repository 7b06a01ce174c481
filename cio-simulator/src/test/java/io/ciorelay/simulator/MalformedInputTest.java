package io.ciorelay.simulator;

import static io.ciorelay.simulator.Http.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MalformedInputTest {
  @RegisterExtension
  static CioSimulatorExtension sim = CioSimulatorExtension.create(b -> b.rateLimit(0));

  Http http;

  @BeforeEach
  void client() {
    http = new Http(sim.simulator());
  }

  private void assertV1Malformed(HttpResponse<String> r) {
    assertEquals(400, r.statusCode(), r.body());
    assertTrue(json(r).at("/meta/errors/0").isTextual(), r.body());
  }

  @Test
  void garbageJson() {
    assertV1Malformed(http.put("/api/v1/customers/1", "{not json"));
    assertV1Malformed(http.post("/api/v1/customers/1/events", "\u0000\u0001"));
    assertV1Malformed(http.post("/api/v1/merge_customers", "{\"primary\":"));
  }

  @Test
  void wrongTypes() {
    assertV1Malformed(http.put("/api/v1/customers/1", "[1,2]"));
    assertV1Malformed(http.put("/api/v1/customers/1", "\"text\""));
    assertV1Malformed(http.post("/api/v1/customers/1/events", "{\"name\":5}"));
    assertV1Malformed(http.post("/api/v1/customers/1/events", "{\"name\":\"x\",\"data\":\"s\"}"));
    HttpResponse<String> r = http.post("/api/v2/entity",
        "{\"type\":1,\"action\":\"identify\",\"identifiers\":{\"id\":\"1\"}}");
    assertEquals(400, r.statusCode());
    assertEquals("type", json(r).at("/errors/0/field").asText());
    r = http.post("/api/v2/entity", "{\"type\":\"person\",\"action\":\"identify\",\"identifiers\":{\"id\":[1]}}");
    assertEquals(400, r.statusCode());
    r = http.post("/api/v2/entity",
        "{\"type\":\"person\",\"action\":\"identify\",\"identifiers\":{\"id\":\"1\"},\"attributes\":[1]}");
    assertEquals(400, r.statusCode());
    assertEquals("attributes", json(r).at("/errors/0/field").asText());
  }

  @Test
  void deeplyNestedJsonIsRejectedNotCrashed() {
    String deep = "[".repeat(5000) + "]".repeat(5000);
    assertV1Malformed(http.put("/api/v1/customers/1", "{\"a\":" + deep + "}"));
    HttpResponse<String> r = http.post("/api/v2/batch", "{\"batch\":[" + deep + "]}");
    assertEquals(400, r.statusCode());
    assertEquals("malformed", json(r).at("/errors/0/reason").asText());
    assertEquals(200, http.put("/api/v1/customers/1", "{}").statusCode(), "the server still works");
  }

  @Test
  void emptyBodies() {
    assertEquals(200, http.put("/api/v1/customers/1", "").statusCode(), "identify without attributes");
    HttpResponse<String> r = http.post("/api/v1/customers/1/events", "");
    assertEquals(400, r.statusCode());
    assertEquals("event name must not be blank", json(r).at("/meta/errors/0").asText());
    assertV1Malformed(http.post("/api/v1/merge_customers", ""));
    assertEquals(400, http.post("/api/v2/entity", "   ").statusCode());
  }

  @Test
  void missingAndMalformedAuthorization() {
    assertEquals(401, http.withAuth(null).put("/api/v1/customers/1", "{}").statusCode());
    assertEquals(401, http.withAuth("Basic").put("/api/v1/customers/1", "{}").statusCode());
    assertEquals(401, http.withAuth("Basic %%%").put("/api/v1/customers/1", "{}").statusCode());
    assertEquals(401, http.withAuth("Basic " + java.util.Base64.getEncoder().encodeToString("nocolon".getBytes()))
        .put("/api/v1/customers/1", "{}").statusCode());
    assertEquals(401, http.withAuth("Digest abc").post("/api/v2/batch", "{\"batch\":[]}").statusCode());
    assertEquals(0, sim.records().count());
  }

  @Test
  void unknownPathsAre404() {
    assertEquals(404, http.get("/api/v1/nope").statusCode());
  }
}
