package io.ciorelay.server.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.server.relay.ConfigException;
import io.ciorelay.server.relay.RelayConfig;
import io.ciorelay.server.relay.RelayConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CIO_DASHBOARD_VIEWER_TOKEN: from the environment or a file, checked like the admin token, never shown. */
class ViewerTokenConfigTest {
  static final Map<String, String> CREDS = Map.of("CIO_SITE_ID", "site", "CIO_API_KEY", "key");

  static RelayConfig load(Map<String, String> extra) {
    java.util.HashMap<String, String> env = new java.util.HashMap<>(CREDS);
    env.putAll(extra);
    return RelayConfigLoader.load(null, env, Map.of()).builder().build();
  }

  @Test
  void readFromTheEnvironmentOrAFileAndNeverShown(@TempDir Path dir) throws Exception {
    assertNull(load(Map.of()).dashboardViewerToken());
    RelayConfig c = load(Map.of("CIO_DASHBOARD_VIEWER_TOKEN", "viewer-secret-1"));
    assertEquals("viewer-secret-1", c.dashboardViewerToken());
    assertTrue(!c.toString().contains("viewer-secret-1"), c.toString());
    Path file = dir.resolve("viewer");
    Files.writeString(file, "viewer-secret-2\n");
    assertEquals("viewer-secret-2", load(Map.of("CIO_DASHBOARD_VIEWER_TOKEN_FILE", file.toString())).dashboardViewerToken());
  }

  @Test
  void aShortTokenOrTheAdminTokenIsRefused() {
    ConfigException shortOne = assertThrows(ConfigException.class, () -> load(Map.of("CIO_DASHBOARD_VIEWER_TOKEN", "short")));
    assertEquals("CIO_DASHBOARD_VIEWER_TOKEN: dashboard viewer token must be at least 8 characters but was 5",
        shortOne.getMessage());
    IllegalArgumentException same = assertThrows(IllegalArgumentException.class, () -> load(Map.of(
        "CIO_DASHBOARD_VIEWER_TOKEN", "same-token-1", "CIO_ADMIN_TOKEN", "same-token-1")));
    assertEquals("the dashboard viewer token must differ from the admin token", same.getMessage());
  }
}
