package io.ciorelay.server.relay;

import static io.ciorelay.server.relay.RelayTestSupport.basic;
import static io.ciorelay.server.relay.RelayTestSupport.send;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.server.relay.RelayTestSupport.Reply;
import io.ciorelay.simulator.CioSimulator;
import io.ciorelay.simulator.RecordedOperation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input that was once accepted and changed on the way: each is now a 4xx with the reason, over real HTTP. */
class RelayBadInputIT {
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
}
