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
        + "relay.breaker.open-wait=PT45S\nrelay.region=eu\nrelay.rate-limit-headroom=0.5\n"
        + "relay.retry.endpoint-retry-interval=10s\nrelay.retry.auth-retry-interval=2m\n");
    RelayConfig c = RelayConfigLoader.load(f, CREDS, Map.of()).builder().build();
    assertEquals(Duration.ofMillis(250), c.retry().baseDelay());
    assertEquals(7, c.retry().maxAttempts());
    assertEquals(Duration.ofSeconds(10), c.retry().endpointRetryInterval(), "how often a wrong endpoint is probed");
    assertEquals(Duration.ofMinutes(2), c.retry().authRetryInterval());
    assertEquals(9, c.breaker().failureThreshold());
    assertEquals(Duration.ofSeconds(45), c.breaker().openWait());
    assertEquals(0.5, c.rateLimit().headroom());
    assertEquals(URI.create("https://track-eu.customer.io"), c.target());
    assertEquals(Path.of("cio-data/outbox.db"), c.toCustomerIoConfig().build().outbox().path());
  }

  @Test
  void errorsNameTheKeyTheValueAndWhereItCameFrom() throws Exception {
    assertMessage("relay.rate-limit = 'abc' (flag --set relay.rate-limit): must be a number",
        () -> RelayConfigLoader.load(null, CREDS, Map.of("relay.rate-limit", "abc")));
    assertMessage("relay.port = '70000' (environment CIO_RELAY_PORT): port must be in 0..65535 but was 70000",
        () -> RelayConfigLoader.load(null, with("CIO_RELAY_PORT", "70000"), Map.of()));
    Path f = file("relay.durable-timeout=soon\n");
    assertMessage("relay.durable-timeout = 'soon' (file " + f + ":1): must be a duration like 500ms, 10s, 2m or 1h",
        () -> RelayConfigLoader.load(f, CREDS, Map.of()));
    assertMessage("relay.rate-limit = '0' (flag --rate-limit): requestsPerSecond must be in 0.1..100000 but was 0.0",
        () -> RelayConfigLoader.load(null, CREDS, Map.of("--rate-limit", "0")));
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

  static final String TWO = "relay.workspaces=us,eu\nrelay.workspace.us.site-id=s1\n"
      + "relay.workspace.eu.site-id=s2\nrelay.workspace.eu.region=eu\n";
  static final Map<String, String> TWO_KEYS = Map.of("CIO_WORKSPACE_US_API_KEY", "k1-secret", "CIO_WORKSPACE_EU_API_KEY",
      "k2-secret");

  @Test
  void severalWorkspacesEachWithTheirOwnStoreLimitAndRegion() throws Exception {
    Map<String, String> env = new HashMap<>(TWO_KEYS);
    env.put("CIO_RELAY_WORKSPACE_EU_RATE_LIMIT", "50");
    RelayConfig c = RelayConfigLoader.load(file(TWO + "relay.data=/d\n"), env, Map.of("relay.workspace.us.target",
        "http://127.0.0.1:9/api/v1")).builder().build();
    assertEquals(2, c.workspaces().size());
    RelayWorkspace us = c.workspaces().get(0);
    RelayWorkspace eu = c.workspaces().get(1);
    assertEquals(URI.create("http://127.0.0.1:9"), us.baseUrl(), "flag, /api/v1 dropped");
    assertEquals(URI.create("https://track-eu.customer.io"), eu.baseUrl());
    assertEquals(50, eu.rateLimit().requestsPerSecond(), "from the environment");
    assertEquals(null, us.rateLimit(), "the relay's limit applies");
    assertEquals(Path.of("/d/eu/outbox.db"), c.toCustomerIoConfig(eu).build().outbox().path());
    assertEquals("eu", c.toCustomerIoConfig(eu).build().workspace());
    assertEquals(null, c.routing(), "by credentials");
    assertFalse(c.toString().contains("k1-secret") || c.toString().contains("k2-secret"), c.toString());
    RelayConfig hashed = RelayConfigLoader.load(file(TWO + "relay.routing=hash\n"), TWO_KEYS, Map.of()).builder().build();
    assertEquals(java.util.Set.of("us", "eu"), hashed.routing().targets());
  }

  @Test
  void workspaceAndRoutingMistakesAreNamed() throws Exception {
    assertTrue(message(() -> RelayConfigLoader.load(file(TWO), Map.of("CIO_WORKSPACE_US_API_KEY", "k"), Map.of()))
        .contains("workspace eu has no API key: set CIO_WORKSPACE_EU_API_KEY"));
    assertTrue(message(() -> RelayConfigLoader.load(file(TWO + "relay.workspace.apac.site-id=x\n"), TWO_KEYS, Map.of()))
        .contains("relay.workspace.apac.site-id is set but workspace apac is not listed in relay.workspaces"));
    assertTrue(message(() -> RelayConfigLoader.load(file("relay.workspaces=us,,eu\n"), TWO_KEYS, Map.of()))
        .contains("comma-separated list"));
    assertTrue(message(() -> RelayConfigLoader.load(file("relay.workspaces=us\n"), TWO_KEYS, Map.of()))
        .contains("relay.workspace.us.site-id must be set"));
    assertTrue(message(() -> RelayConfigLoader.load(file(TWO + "relay.workspace.us.colour=red\n"), TWO_KEYS, Map.of()))
        .contains("unknown key relay.workspace.us.colour"));
    assertTrue(message(() -> RelayConfigLoader.load(file(TWO + "relay.workspace.eu.region=apac\n"), TWO_KEYS, Map.of()))
        .contains("relay.workspace.eu.region = 'apac' (file "));
    assertTrue(message(() -> RelayConfigLoader.load(file(TWO + "relay.routing=random\n"), TWO_KEYS, Map.of()))
        .contains("relay.routing = 'random' (file "));
    assertTrue(message(() -> RelayConfigLoader.load(file(TWO + "relay.routing=attribute\nrelay.routing.attribute=t\n"),
        TWO_KEYS, Map.of())).contains("needs relay.routing.values"));
    assertTrue(message(() -> RelayConfigLoader.load(file(TWO + "relay.routing=attribute\nrelay.routing.attribute=t\n"
        + "relay.routing.values=a=us,b=apac\n"), TWO_KEYS, Map.of())).contains("had 'b=apac'"));
    String apac = message(() -> RelayConfigLoader.load(file(TWO + "relay.routing=hash\nrelay.routing.default=apac\n"),
        TWO_KEYS, Map.of()));
    assertTrue(apac.contains("relay.routing.default = 'apac' (file ") && apac.contains("names workspace apac which is not configured"),
        apac);
    assertTrue(message(() -> RelayConfigLoader.load(file(TWO.replace("region=eu", "region=us") + "relay.routing=region-hint\n"),
        TWO_KEYS, Map.of())).contains("are both in region US"));
    assertTrue(message(() -> RelayConfigLoader.load(file(TWO + "relay.routing.attribute=t\n"), TWO_KEYS, Map.of()))
        .contains("relay.routing.attribute is set but relay.routing is not"));
    assertTrue(message(() -> RelayConfigLoader.load(file("relay.workspaces=US\nrelay.workspace.US.site-id=s\n"),
        Map.of("CIO_WORKSPACE_US_API_KEY", "k"), Map.of())).contains("workspace name must be 1-32 of a-z"));
  }

  @Test
  void aRedisClusterStoreIsTakenFromTheFileAndTheEnvironmentWithoutShowingThePassword() throws Exception {
    String uri = "redis-cluster://:s3cret-pw@10.0.0.5:7000,10.0.0.6:7000,10.0.0.7:7000";
    RelayConfig fromFile = RelayConfigLoader.load(file("relay.store=" + uri + "\n"), CREDS, Map.of()).builder().build();
    assertEquals(URI.create(uri), fromFile.store());
    assertFalse(fromFile.toString().contains("s3cret-pw"), fromFile.toString());
    assertTrue(fromFile.toString().contains("redis-cluster://***@10.0.0.5:7000,10.0.0.6:7000"), fromFile.toString());
    assertEquals(URI.create(uri), RelayConfigLoader.load(null, CREDS, Map.of("relay.store", uri)).builder().build().store(),
        "--store");
    Map<String, String> env = new java.util.HashMap<>(CREDS);
    env.put("CIO_RELAY_STORE", uri);
    assertEquals(URI.create(uri), RelayConfigLoader.load(null, env, Map.of()).builder().build().store(), "environment");
    // The relay hands the URI to the Redis store's builder, which picks the cluster client for it.
    assertTrue(io.ciorelay.redis.RedisStoreConfig.builder().uri(fromFile.store().toString()).build().cluster());
  }

  @Test
  void theSharedStoreIsConfiguredAndBadValuesAreNamedWithoutThePassword() throws Exception {
    RelayConfig c = RelayConfigLoader.load(file("relay.store=redis://:s3cret-pw@10.0.0.5:6380/2\nrelay.store-prefix=fleet-a\n"
        + "relay.store-shards=32\nrelay.store-lease-ttl=15s\n"), CREDS, Map.of()).builder().build();
    assertEquals(URI.create("redis://:s3cret-pw@10.0.0.5:6380/2"), c.store());
    assertEquals("fleet-a", c.storePrefix());
    assertEquals(32, c.storeShards());
    assertEquals(Duration.ofSeconds(15), c.storeLeaseTtl());
    assertFalse(c.toString().contains("s3cret-pw"), c.toString());
    assertTrue(c.toString().contains("redis://***@10.0.0.5:6380/2"), c.toString());
    // An unencoded '@' in the password: the URI has no host, the error must not show the password.
    String unencoded = message(() -> RelayConfigLoader.load(null, CREDS, Map.of("relay.store", "redis://:p@ss@host:6379/0")));
    assertFalse(unencoded.contains("p@ss") || unencoded.contains(":p@"), unencoded);
    assertEquals(null, RelayConfigLoader.load(null, CREDS, Map.of("relay.store", "sqlite")).builder().build().store());

    String wrongScheme = message(() -> RelayConfigLoader.load(null, CREDS, Map.of("relay.store", "http://:pw123@h:1/0")));
    assertTrue(wrongScheme.contains("relay.store = 'http://***@h:1/0' (flag --set relay.store): store must be redis://host:port/db"),
        wrongScheme);
    assertFalse(wrongScheme.contains("pw123"), wrongScheme);
    assertTrue(message(() -> RelayConfigLoader.load(null, CREDS, Map.of("relay.store", "redis:// bad")))
        .contains("relay.store = 'redis:// bad' (flag --set relay.store): must be redis://host:port/db"));
    assertTrue(message(() -> RelayConfigLoader.load(null, CREDS, Map.of("relay.store-shards", "0")))
        .contains("relay.store-shards = '0' (flag --set relay.store-shards): shards must be in 1..1024 but was 0"));
    assertTrue(message(() -> RelayConfigLoader.load(null, CREDS, Map.of("relay.store-prefix", "has space")))
        .contains("prefix must be 1..64 of [A-Za-z0-9._:-] but was 'has space'"));
    assertTrue(message(() -> RelayConfigLoader.load(null, CREDS, Map.of("relay.store-lease-ttl", "soon")))
        .contains("relay.store-lease-ttl = 'soon' (flag --set relay.store-lease-ttl): must be a duration"));
    IllegalArgumentException shortLease = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> RelayConfigLoader.load(null, CREDS, Map.of("relay.store", "redis://127.0.0.1:6379/0",
            "relay.store-lease-ttl", "5s", "relay.request-timeout", "10s")).builder().build());
    assertTrue(shortLease.getMessage().contains("relay.store-lease-ttl (5000 ms) must be at least 1.5 times relay.request-timeout"),
        shortLease.getMessage());
  }

  static String message(Call c) {
    return assertThrows(ConfigException.class, c::run).getMessage();
  }

  static void assertMessage(String expected, Call c) {
    assertEquals(expected, message(c));
  }
}
