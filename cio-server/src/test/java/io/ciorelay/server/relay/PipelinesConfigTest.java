package io.ciorelay.server.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
