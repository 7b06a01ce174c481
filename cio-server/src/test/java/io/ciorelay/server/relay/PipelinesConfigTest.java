package io.ciorelay.server.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.delivery.Api;
import io.ciorelay.delivery.CustomerIoConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Data Pipelines write keys: read from the environment only, per workspace, never shown. */
class PipelinesConfigTest {
  static final Map<String, String> CREDS = Map.of("CIO_SITE_ID", "s", "CIO_API_KEY", "k");

  @Test
  void aSingleWorkspaceTakesCioPipelinesWriteKeyAndNeverShowsIt() {
    Map<String, String> env = new java.util.HashMap<>(CREDS);
    env.put("CIO_PIPELINES_WRITE_KEY", "wk-secret-1");
    RelayConfig c = RelayConfigLoader.load(null, env, Map.of()).builder().build();
    assertEquals(Map.of("default", "wk-secret-1"), c.pipelinesWriteKeys());
    assertFalse(c.toString().contains("wk-secret-1"), c.toString());
    assertTrue(c.toString().contains("pipelines write keys: [default]"), c.toString());
    assertTrue(RelayConfigLoader.load(null, CREDS, Map.of()).builder().build().pipelinesWriteKeys().isEmpty());
  }

  @Test
  void namedWorkspacesTakeTheirOwnWriteKeys() {
    Map<String, String> env = new java.util.HashMap<>(Map.of("CIO_WORKSPACE_US_API_KEY", "k1", "CIO_WORKSPACE_EU_API_KEY", "k2",
        "CIO_WORKSPACE_US_PIPELINES_WRITE_KEY", "wk-us", "CIO_WORKSPACE_EU_PIPELINES_WRITE_KEY", "wk-eu"));
    RelayConfig c = RelayConfigLoader.load(null, env, Map.of("relay.workspaces", "us,eu", "relay.workspace.us.site-id", "s1",
        "relay.workspace.eu.site-id", "s2", "relay.workspace.eu.region", "eu")).builder().build();
    assertEquals(Map.of("us", "wk-us", "eu", "wk-eu"), c.pipelinesWriteKeys());
  }

  @Test
  void badWriteKeysAreRefusedNamingTheProblem() {
    Map<String, String> env = new java.util.HashMap<>(CREDS);
    env.put("CIO_PIPELINES_WRITE_KEY", "a:b");
    ConfigException e = assertThrows(ConfigException.class, () -> RelayConfigLoader.load(null, env, Map.of()));
    assertTrue(e.getMessage().startsWith("CIO_PIPELINES_WRITE_KEY: "), e.getMessage());
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> RelayConfig.builder()
        .credentials("s", "k").pipelinesWriteKey("other", "wk").build());
    assertTrue(unknown.getMessage().contains("workspace other"), unknown.getMessage());
  }

  @Test
  void cioApiPipelinesDeliversWithTheWriteKeyToTheRegionsCdpHostUnderThePipelinesRateLimit() {
    Map<String, String> env = new java.util.HashMap<>(CREDS);
    env.put("CIO_PIPELINES_WRITE_KEY", "wk-out");
    env.put("CIO_API", "pipelines");
    RelayConfig c = RelayConfigLoader.load(null, env, Map.of("relay.region", "eu")).builder().build();
    assertEquals(Api.PIPELINES, c.api("default"));
    CustomerIoConfig lib = c.toCustomerIoConfig().build();
    assertEquals(Api.PIPELINES, lib.api());
    assertEquals("wk-out", lib.pipelinesWriteKey());
    assertEquals("https://cdp-eu.customer.io", lib.client().baseUrl().toString());
    assertEquals(CustomerIoConfig.DEFAULT_PIPELINES_RATE_LIMIT.requestsPerSecond(), lib.rateLimit().requestsPerSecond());
    assertFalse(lib.toString().contains("wk-out"), lib.toString());
    assertFalse(c.toString().contains("wk-out"), c.toString());
    assertTrue(c.toString().contains("relay.api=pipelines"), c.toString());
    assertEquals("https://cdp-eu.customer.io (Pipelines API, /v1/batch)", c.deliversTo(c.workspaces().get(0)));
    RelayConfig limited = RelayConfigLoader.load(null, env, Map.of("relay.rate-limit", "50")).builder().build();
    assertEquals(50, limited.toCustomerIoConfig().build().rateLimit().requestsPerSecond(), "an explicit limit wins");
    assertEquals(Api.TRACK_V2, RelayConfigLoader.load(null, CREDS, Map.of()).builder().build().api("default"));
    assertEquals(100, RelayConfigLoader.load(null, CREDS, Map.of()).builder().build().toCustomerIoConfig().build()
        .rateLimit().requestsPerSecond(), "the Track default is unchanged");
  }

  @Test
  void aWorkspaceChoosesItsApiAndTheTargetIsThePipelinesBaseUrl() {
    Map<String, String> env = new java.util.HashMap<>(Map.of("CIO_WORKSPACE_US_API_KEY", "k1", "CIO_WORKSPACE_EU_API_KEY", "k2",
        "CIO_WORKSPACE_EU_PIPELINES_WRITE_KEY", "wk-eu"));
    RelayConfig c = RelayConfigLoader.load(null, env, Map.of("relay.workspaces", "us,eu", "relay.workspace.us.site-id", "s1",
        "relay.workspace.eu.site-id", "s2", "relay.workspace.eu.api", "pipelines",
        "relay.workspace.eu.target", "http://127.0.0.1:9")).builder().build();
    assertEquals(Api.TRACK_V2, c.api("us"));
    assertEquals(Api.PIPELINES, c.api("eu"));
    CustomerIoConfig eu = c.toCustomerIoConfig(c.workspaces().get(1)).build();
    assertEquals("http://127.0.0.1:9", eu.client().baseUrl().toString());
    assertEquals("wk-eu", eu.pipelinesWriteKey());
  }

  @Test
  void thePipelinesApiWithoutAWriteKeyOrABadApiNameIsRefusedNamingTheSetting() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RelayConfigLoader.load(null, Map.of("CIO_SITE_ID", "s", "CIO_API_KEY", "k", "CIO_API", "pipelines"), Map.of())
            .builder().build());
    assertTrue(e.getMessage().contains("CIO_PIPELINES_WRITE_KEY"), e.getMessage());
    ConfigException bad = assertThrows(ConfigException.class,
        () -> RelayConfigLoader.load(null, CREDS, Map.of("relay.api", "cdp")));
    assertTrue(bad.getMessage().contains("api must be track or pipelines but was 'cdp'"), bad.getMessage());
    IllegalArgumentException lib = assertThrows(IllegalArgumentException.class,
        () -> CustomerIoConfig.builder().api(Api.PIPELINES).build());
    assertEquals("pipelinesWriteKey must be set when api is PIPELINES", lib.getMessage());
  }
}
