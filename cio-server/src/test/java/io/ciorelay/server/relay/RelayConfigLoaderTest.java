package io.ciorelay.server.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RelayConfigLoaderTest {
  @TempDir
  Path dir;

  static final Map<String, String> CREDS = Map.of("CIO_SITE_ID", "site", "CIO_API_KEY", "secret-key-value");

  Path file(String content) throws Exception {
    Path f = dir.resolve("relay.properties");
    Files.writeString(f, content);
    return f;
  }

  @Test
  void flagsBeatEnvironmentWhichBeatsTheFile() throws Exception {
    Path f = file("relay.port=1111\nrelay.rate-limit=10\nrelay.shutdown-timeout=7s\nrelay.data=/from-file\n");
    Map<String, String> env = new HashMap<>(CREDS);
    env.put("CIO_RELAY_PORT", "2222");
    env.put("CIO_RELAY_RATE_LIMIT", "20");
    RelayConfig c = RelayConfigLoader.load(f, env, Map.of("relay.port", "3333")).builder().build();
    assertEquals(3333, c.port(), "flag wins");
    assertEquals(20, c.rateLimit().requestsPerSecond(), "environment beats the file");
    assertEquals(Duration.ofSeconds(7), c.shutdownTimeout(), "file beats the default");
    assertEquals(Path.of("/from-file"), c.dataDir());
    assertEquals(RelayConfig.DEFAULT_DURABLE_TIMEOUT, c.durableTimeout(), "default");
    assertEquals(URI.create("https://track.customer.io"), c.target(), "US region by default");
  }

  @Test
  void libraryPoliciesAreBuiltWithTheLibrarysBuilders() throws Exception {
    Path f = file("relay.retry.base-delay=250ms\nrelay.retry.max-attempts=7\nrelay.breaker.failure-threshold=9\n"
        + "relay.breaker.open-wait=PT45S\nrelay.region=eu\nrelay.rate-limit-headroom=0.5\n");
    RelayConfig c = RelayConfigLoader.load(f, CREDS, Map.of()).builder().build();
    assertEquals(Duration.ofMillis(250), c.retry().baseDelay());
    assertEquals(7, c.retry().maxAttempts());
    assertEquals(9, c.breaker().failureThreshold());
    assertEquals(Duration.ofSeconds(45), c.breaker().openWait());
    assertEquals(0.5, c.rateLimit().headroom());
    assertEquals(URI.create("https://track-eu.customer.io"), c.target());
    assertEquals(Path.of("cio-data/outbox.db"), c.toCustomerIoConfig().build().outbox().path());
  }

  @Test
  void errorsNameTheKeyTheValueAndWhereItCameFrom() throws Exception {
    assertMessage("relay.rate-limit must be a number but was 'abc' (from flag)",
        () -> RelayConfigLoader.load(null, CREDS, Map.of("relay.rate-limit", "abc")));
    assertMessage("relay.port: port must be in 0..65535 but was 70000 (from environment CIO_RELAY_PORT)",
        () -> RelayConfigLoader.load(null, with("CIO_RELAY_PORT", "70000"), Map.of()));
    Path f = file("relay.durable-timeout=soon\n");
    assertMessage("relay.durable-timeout must be a duration like 500ms, 10s, 2m or 1h but was 'soon' (from file " + f + ")",
        () -> RelayConfigLoader.load(f, CREDS, Map.of()));
    assertMessage("relay.rate-limit: requestsPerSecond must be in 0.1..100000 but was 0.0 (from flag)",
        () -> RelayConfigLoader.load(null, CREDS, Map.of("relay.rate-limit", "0")));
    assertTrue(message(() -> RelayConfigLoader.load(file("relay.colour=blue\n"), CREDS, Map.of()))
        .startsWith("unknown key relay.colour"));
    assertTrue(message(() -> RelayConfigLoader.load(null, Map.of("CIO_SITE_ID", "s"), Map.of()))
        .contains("CIO_API_KEY is missing"));
  }

  @Test
  void secretsNeverComeFromTheFileAndNeverShowInToString() throws Exception {
    String m = message(() -> RelayConfigLoader.load(file("relay.api-key=oops\n"), CREDS, Map.of()));
    assertTrue(m.contains("relay.api-key is a secret") && m.contains("CIO_API_KEY"), m);
    assertFalse(m.contains("oops"), m);

    Path keyFile = dir.resolve("key");
    Files.writeString(keyFile, "key-from-file\n");
    Path tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, "admin-token-from-file\n");
    RelayConfig c = RelayConfigLoader.load(null, Map.of("CIO_SITE_ID", "site", "CIO_API_KEY_FILE", keyFile.toString(),
        "CIO_ADMIN_TOKEN_FILE", tokenFile.toString()), Map.of()).builder().build();
    assertEquals("key-from-file", c.apiKey());
    assertEquals("admin-token-from-file", c.adminToken());
    assertFalse(c.toString().contains("key-from-file"), c.toString());
    assertFalse(c.toString().contains("admin-token-from-file"), c.toString());
  }

  @Test
  void noCredentialsIsReportedNotFailedSoTheCommandCanStartTheSimulator() {
    RelayConfigLoader.Result r = RelayConfigLoader.load(null, Map.of(), Map.of());
    assertFalse(r.hasCredentials());
    assertFalse(r.hasTarget());
    assertThrows(IllegalArgumentException.class, () -> r.builder().build());
  }

  static Map<String, String> with(String k, String v) {
    Map<String, String> m = new HashMap<>(CREDS);
    m.put(k, v);
    return m;
  }

  interface Call {
    Object run() throws Exception;
  }

  static String message(Call c) {
    return assertThrows(ConfigException.class, c::run).getMessage();
  }

  static void assertMessage(String expected, Call c) {
    assertEquals(expected, message(c));
  }
}
