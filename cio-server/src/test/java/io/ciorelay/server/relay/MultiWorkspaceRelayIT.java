package io.ciorelay.server.relay;

import static io.ciorelay.server.relay.RelayTestSupport.ADMIN_TOKEN;
import static io.ciorelay.server.relay.RelayTestSupport.basic;
import static io.ciorelay.server.relay.RelayTestSupport.send;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.ciorelay.server.RedisProcess;
import io.ciorelay.server.relay.RelayTestSupport.Reply;
import io.ciorelay.simulator.CioSimulator;
import io.ciorelay.simulator.RecordedOperation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One relay, two workspaces with different limits and regions (two simulators stand in for them):
 * each receives only its own operations, each within its own limit; health and the admin API are
 * per workspace.
 */
class MultiWorkspaceRelayIT {
  @TempDir
  Path dir;
  CioSimulator us;
  CioSimulator eu;
  RelayServer relay;

  @BeforeEach
  void sims() {
    us = CioSimulator.builder().siteId("us-site").apiKey("us-key-123").rateLimit(0).build().start();
    eu = CioSimulator.builder().siteId("eu-site").apiKey("eu-key-456").rateLimit(0).build().start();
  }

  @AfterEach
  void stop() {
    if (relay != null) {
      relay.stop();
    }
    us.close();
    eu.close();
  }

  private RelayServer start(String extra) throws Exception {
    Path f = dir.resolve("relay.properties");
    Files.writeString(f, "relay.host=127.0.0.1\nrelay.port=0\nrelay.data=" + dir.resolve("data") + "\n"
        + "relay.linger=20ms\nrelay.workspaces=us,eu\n"
        + "relay.workspace.us.site-id=us-site\nrelay.workspace.us.target=" + us.baseUrl() + "\n"
        + "relay.workspace.us.rate-limit=20\nrelay.workspace.us.rate-limit-headroom=0.6\n"
        + "relay.workspace.eu.site-id=eu-site\nrelay.workspace.eu.region=eu\nrelay.workspace.eu.target=" + eu.baseUrl() + "\n"
        + "relay.workspace.eu.rate-limit=5\nrelay.workspace.eu.rate-limit-headroom=0.6\n" + extra);
    Map<String, String> env = new HashMap<>();
    env.put("CIO_WORKSPACE_US_API_KEY", "us-key-123");
    env.put("CIO_WORKSPACE_EU_API_KEY", "eu-key-456");
    env.put("CIO_ADMIN_TOKEN", ADMIN_TOKEN);
    RelayConfig config = RelayConfigLoader.load(f, env, Map.of()).builder().build();
    relay = RelayServer.builder(config).build().start();
    return relay;
  }

  @Test
  void clientsReachTheWorkspaceTheirCredentialsBelongToEachWithinItsLimit() throws Exception {
    start("");
    credentialsRoutingKeepsWorkspacesApart();
  }

  @Test
  void regionLookupAnswersForTheAuthenticatedWorkspaceNotTheGlobalConfiguration() throws Exception {
    start("");
    String url = relay.baseUrl();
    Reply eu = send("GET", url + "/api/v1/accounts/region", basic("eu-site", "eu-key-456"), (String) null);
    assertEquals(200, eu.status(), eu.body());
    assertEquals("eu", eu.json().path("region").asText(), eu.body());
    assertEquals("eu-site", eu.json().path("environment_id").asText(), eu.body());
    assertEquals(this.eu.baseUrl(), eu.json().path("url").asText().replaceAll("/$", ""), eu.body());
    Reply us = send("GET", url + "/api/v1/accounts/region", basic("us-site", "us-key-123"), (String) null);
    assertEquals("us", us.json().path("region").asText(), us.body());
    assertEquals("us-site", us.json().path("environment_id").asText(), us.body());
  }

  @Test
  void onASharedRedisStoreTooEachWorkspaceGetsOnlyItsOwnWithinItsOwnLimit() throws Exception {
    try (RedisProcess redis = RedisProcess.sharedOrPrivate(dir)) {
      String prefix = "cio-mw-it-" + Long.toHexString(System.nanoTime());
      try {
        start("relay.store=" + redis.uri(0) + "\nrelay.store-prefix=" + prefix + "\n");
        credentialsRoutingKeepsWorkspacesApart();
      } finally {
        if (relay != null) {
          relay.stop();
          relay = null;
        }
        redis.deleteKeys(prefix);
      }
    }
  }

  private void credentialsRoutingKeepsWorkspacesApart() throws Exception {
    String url = relay.baseUrl();
    String usAuth = basic("us-site", "us-key-123");
    String euAuth = basic("eu-site", "eu-key-456");
    for (int i = 0; i < 120; i++) {
      String body = "{\"name\":\"order\",\"data\":{\"i\":" + i + "}}";
      assertEquals(200, send("POST", url + "/api/v1/customers/us-" + i + "/events", usAuth, body).status());
      if (i % 2 == 0) {
        assertEquals(200, send("POST", url + "/api/v1/customers/eu-" + i + "/events", euAuth, body).status());
      }
    }
    assertEquals(401, send("POST", url + "/api/v1/customers/x/events", basic("us-site", "eu-key-456"),
        "{\"name\":\"x\"}").status(), "mixed credentials match no workspace");
    await().atMost(Duration.ofSeconds(60)).until(() -> us.records().events().size() >= 120 && eu.records().events().size() >= 60);
    assertOnlyPrefix(us, "us-", 120);
    assertOnlyPrefix(eu, "eu-", 60);
    assertTrue(us.stats().peakRequestsPerSecond() <= 20, "us peak " + us.stats().peakRequestsPerSecond());
    assertTrue(eu.stats().peakRequestsPerSecond() <= 5, "eu peak " + eu.stats().peakRequestsPerSecond());

    Reply health = send("GET", url + "/health/customerio", null, (String) null);
    assertEquals(200, health.status(), health.body());
    JsonNode ws = health.json().get("workspaces");
    assertEquals(Set.of("us", "eu"), fieldNames(ws));
    assertEquals("CLOSED", ws.get("eu").get("circuit_state").asText());
    assertEquals(200, send("GET", url + "/health/customerio?workspace=eu", null, (String) null).status());
    assertEquals(404, send("GET", url + "/health/customerio?workspace=apac", null, (String) null).status());

    String admin = "Bearer " + ADMIN_TOKEN;
    Reply noChoice = send("GET", url + "/admin/dead-letters", admin, (String) null);
    assertEquals(400, noChoice.status());
    assertTrue(noChoice.body().contains("?workspace=name"), noChoice.body());
    assertEquals(200, send("GET", url + "/admin/dead-letters?workspace=us", admin, (String) null).status());
    assertEquals(404, send("GET", url + "/admin/dead-letters?workspace=nope", admin, (String) null).status());
    String metrics = send("GET", url + "/metrics", null, (String) null).body();
    assertTrue(metrics.contains("cio_operations_delivered_total{workspace=\"eu\"}"), "per-workspace meters");
    assertTrue(metrics.contains("cio_operations_delivered_total{workspace=\"us\"}"), "per-workspace meters");
  }

  @Test
  void aRegionHintRoutesOperationsWhicheverCredentialsTheClientUses() throws Exception {
    start("relay.routing=region-hint\nrelay.routing.attribute=region\nrelay.routing.default=us\n");
    String url = relay.baseUrl();
    String usAuth = basic("us-site", "us-key-123");
    for (int i = 0; i < 30; i++) {
      String region = i % 3 == 0 ? "EU" : "us";
      assertEquals(200, send("PUT", url + "/api/v1/customers/" + region.toLowerCase() + "-" + i, usAuth,
          "{\"region\":\"" + region + "\"}").status());
    }
    // No hint: the default workspace.
    assertEquals(200, send("PUT", url + "/api/v1/customers/us-none", usAuth, "{\"plan\":\"x\"}").status());
    await().atMost(Duration.ofSeconds(30)).until(() -> us.records().all().size() >= 21 && eu.records().all().size() >= 10);
    assertOnlyPrefix(us, "us-", 21);
    assertOnlyPrefix(eu, "eu-", 10);
  }

  private static void assertOnlyPrefix(CioSimulator sim, String prefix, int persons) {
    Set<String> seen = new HashSet<>();
    for (RecordedOperation op : sim.records().all()) {
      assertTrue(op.identifierValue().startsWith(prefix), op.identifierValue() + " reached the wrong workspace");
      seen.add(op.identifierValue());
    }
    assertEquals(persons, seen.size());
  }

  private static Set<String> fieldNames(JsonNode n) {
    Set<String> s = new HashSet<>();
    n.fieldNames().forEachRemaining(s::add);
    return s;
  }
}
