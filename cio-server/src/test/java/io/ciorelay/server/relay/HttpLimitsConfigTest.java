package io.ciorelay.server.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hostile-traffic limits, listener ports and TLS settings bind from file, environment and flags like every key. */
class HttpLimitsConfigTest {
  static final Map<String, String> CREDS = Map.of("CIO_SITE_ID", "site", "CIO_API_KEY", "secret-key-value");

  @TempDir
  Path dir;

  @Test
  void defaultsAreTheDocumentedOnes() {
    HttpLimits d = HttpLimits.defaults();
    assertEquals(1000, d.maxConnections());
    assertEquals(32, d.httpThreads());
    assertEquals(Duration.ofSeconds(30), d.idleTimeout());
    assertEquals(Duration.ofSeconds(10), d.headerTimeout());
    assertEquals(Duration.ofSeconds(30), d.bodyTimeout());
    assertEquals(1024, d.minBodyRate());
    assertEquals(Duration.ofSeconds(10), d.responseTimeout());
    assertEquals(64L * 1024 * 1024, d.maxBufferedBodyBytes());
    assertEquals(50_000, d.maxJsonTokens());
    assertEquals(10_000, d.maxBatchOperations());
    assertEquals(8, d.webhookMaxConcurrent());
    RelayConfig c = RelayConfig.builder().credentials("s", "k").build();
    assertNull(c.tls());
    assertNull(c.webhookPort());
    assertNull(c.managementPort());
  }

  @Test
  void everyLimitIsReadFromTheFileTheEnvironmentAndFlags() throws Exception {
    Path f = dir.resolve("relay.properties");
    Files.writeString(f, "relay.max-connections=50\nrelay.header-timeout=3s\nrelay.body-timeout=7s\nrelay.min-body-rate=10\n"
        + "relay.max-json-tokens=1000\nrelay.webhook-port=9001\nrelay.tls.certificate=/c.pem\nrelay.tls.private-key=/k.pem\n");
    Map<String, String> env = new HashMap<>(CREDS);
    env.put("CIO_RELAY_RESPONSE_TIMEOUT", "4s");
    env.put("CIO_RELAY_MAX_BATCH_OPERATIONS", "500");
    env.put("CIO_RELAY_TLS_PROTOCOLS", "TLSv1.3");
    RelayConfig c = RelayConfigLoader.load(f, env, Map.of("relay.management-port", "9002", "relay.http-threads", "64",
        "relay.idle-timeout", "12s", "relay.max-buffered-body-bytes", "2000000", "relay.webhook-max-concurrent", "3",
        "relay.webhook-threads", "6", "relay.webhook-max-connections", "20")).builder().build();
    HttpLimits l = c.limits();
    assertEquals(50, l.maxConnections());
    assertEquals(Duration.ofSeconds(3), l.headerTimeout());
    assertEquals(Duration.ofSeconds(7), l.bodyTimeout());
    assertEquals(10, l.minBodyRate());
    assertEquals(1000, l.maxJsonTokens());
    assertEquals(Duration.ofSeconds(4), l.responseTimeout());
    assertEquals(500, l.maxBatchOperations());
    assertEquals(64, l.httpThreads());
    assertEquals(Duration.ofSeconds(12), l.idleTimeout());
    assertEquals(2_000_000, l.maxBufferedBodyBytes());
    assertEquals(3, l.webhookMaxConcurrent());
    assertEquals(6, l.webhookThreads());
    assertEquals(20, l.webhookMaxConnections());
    assertEquals(9001, c.webhookPort());
    assertEquals(9002, c.managementPort());
    assertEquals(Path.of("/c.pem"), c.tls().certificate());
    assertEquals(List.of("TLSv1.3"), c.tls().protocols());
  }

  @Test
  void badValuesAreRefusedNamingTheKeyAndTheLimit() {
    assertMessage(Map.of("relay.max-connections", "0"), "relay.max-connections = '0' (flag --set relay.max-connections): maxConnections must be in 1..1000000 but was 0");
    assertMessage(Map.of("relay.header-timeout", "10ms"), "relay.header-timeout = '10ms' (flag --set relay.header-timeout): headerTimeout must be at least 100 ms");
    assertMessage(Map.of("relay.min-body-rate", "-1"), "minBodyRate must be in 0..1000000000 bytes/s but was -1");
    assertMessage(Map.of("relay.max-buffered-body-bytes", "5000"),
        "relay.max-buffered-body-bytes (5000) must be at least relay.max-body-bytes (1000000)");
    assertMessage(Map.of("relay.webhook-port", "8080"), "must differ from relay.port (8080)");
    assertMessage(Map.of("relay.tls.certificate", "/c.pem"), "relay.tls.certificate and relay.tls.private-key must be set together");
    assertMessage(Map.of("relay.tls.keystore", "/k.p12", "relay.tls.certificate", "/c.pem", "relay.tls.private-key", "/k.pem"),
        "either relay.tls.keystore or relay.tls.certificate");
    assertMessage(Map.of("relay.tls.keystore", "/k.p12", "relay.tls.keystore-type", "PEM"), "must be PKCS12 or JKS but was 'PEM'");
    assertMessage(Map.of("relay.tls.keystore", "/k.p12", "relay.tls.protocols", "TLSv1.1"),
        "must be TLSv1.2 and/or TLSv1.3 but had 'TLSv1.1'");
    assertMessage(Map.of("relay.tls.protocols", "TLSv1.3"), "relay.tls.protocols is set but neither relay.tls.keystore");
  }

  @Test
  void theKeystorePasswordIsASecretFromTheEnvironmentOnly() throws Exception {
    Path f = dir.resolve("secret.properties");
    Files.writeString(f, "relay.tls.keystore-password=hunter22\n");
    ConfigException e = assertThrows(ConfigException.class, () -> RelayConfigLoader.load(f, CREDS, Map.of()));
    assertTrue(e.getMessage().contains("CIO_TLS_KEYSTORE_PASSWORD"), e.getMessage());
    Map<String, String> env = new HashMap<>(CREDS);
    env.put("CIO_TLS_KEYSTORE_PASSWORD", "hunter22");
    RelayConfig c = RelayConfigLoader.load(null, env, Map.of("relay.tls.keystore", "/k.p12")).builder().build();
    assertEquals("hunter22", c.tls().keystorePassword());
    assertTrue(!c.toString().contains("hunter22") && c.toString().contains("password set"), c.toString());
  }

  static void assertMessage(Map<String, String> flags, String expected) {
    Exception e = assertThrows(RuntimeException.class, () -> RelayConfigLoader.load(null, CREDS, flags).builder().build());
    assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
  }
}
