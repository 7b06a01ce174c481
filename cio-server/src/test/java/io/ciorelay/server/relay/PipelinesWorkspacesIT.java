package io.ciorelay.server.relay;

import static io.ciorelay.server.relay.RelayTestSupport.basic;
import static io.ciorelay.server.relay.RelayTestSupport.send;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.simulator.CioSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One relay, two workspaces: each Data Pipelines write key delivers to its own workspace only. */
class PipelinesWorkspacesIT {
  @TempDir
  Path dir;

  @Test
  void eachWriteKeyDeliversToItsOwnWorkspace() throws Exception {
    try (CioSimulator us = CioSimulator.builder().siteId("us-site").apiKey("us-key-123").rateLimit(0).build().start();
        CioSimulator eu = CioSimulator.builder().siteId("eu-site").apiKey("eu-key-456").rateLimit(0).build().start()) {
      Path f = dir.resolve("relay.properties");
      Files.writeString(f, "relay.host=127.0.0.1\nrelay.port=0\nrelay.data=" + dir.resolve("data") + "\n"
          + "relay.linger=20ms\nrelay.workspaces=us,eu\n"
          + "relay.workspace.us.site-id=us-site\nrelay.workspace.us.target=" + us.baseUrl() + "\n"
          + "relay.workspace.eu.site-id=eu-site\nrelay.workspace.eu.region=eu\nrelay.workspace.eu.target=" + eu.baseUrl() + "\n");
      Map<String, String> env = Map.of("CIO_WORKSPACE_US_API_KEY", "us-key-123", "CIO_WORKSPACE_EU_API_KEY", "eu-key-456",
          "CIO_WORKSPACE_US_PIPELINES_WRITE_KEY", "wk-us", "CIO_WORKSPACE_EU_PIPELINES_WRITE_KEY", "wk-eu");
      RelayServer relay = RelayServer.builder(RelayConfigLoader.load(f, env, Map.of()).builder().build()).build().start();
      try {
        String call = "{\"type\":\"track\",\"messageId\":\"%s\",\"userId\":\"%s\",\"event\":\"e\"}";
        assertEquals(200, send("POST", relay.baseUrl() + "/v1/track", basic("wk-us", ""),
            String.format(call, "m-us", "person-us")).status());
        assertEquals(200, send("POST", relay.baseUrl() + "/v1/batch", null, "{\"writeKey\":\"wk-eu\",\"batch\":["
            + String.format(call, "m-eu", "person-eu") + "]}").status());
        // the same messageId under the other workspace's key is a different call
        assertEquals(200, send("POST", relay.baseUrl() + "/v1/track", basic("wk-eu", ""),
            String.format(call, "m-us", "person-eu")).status());
        assertEquals(401, send("POST", relay.baseUrl() + "/v1/track", basic("us-site", "us-key-123"),
            String.format(call, "m-x", "person-us")).status(), "Track credentials are not a write key");
        await().atMost(Duration.ofSeconds(10)).until(() -> us.records().count() == 1 && eu.records().count() == 2);
        assertEquals(1, us.records().forPerson("person-us").size());
        assertEquals(2, eu.records().forPerson("person-eu").size());
        assertTrue(us.records().forPerson("person-eu").isEmpty());
      } finally {
        relay.stop();
      }
    }
  }
}
