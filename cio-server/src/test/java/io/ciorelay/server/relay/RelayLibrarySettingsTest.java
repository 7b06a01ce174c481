package io.ciorelay.server.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.delivery.CustomerIoConfig;
import io.ciorelay.delivery.outbox.Durability;
import io.ciorelay.delivery.outbox.OverflowPolicy;
import io.ciorelay.redis.RedisStoreConfig;
import io.ciorelay.server.webhook.WebhookConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library's settings reach the relay through the key table, refused by the library's own setters. */
class RelayLibrarySettingsTest {
  static final Map<String, String> CREDS = RelayConfigLoaderTest.CREDS;

  @TempDir
  Path dir;

  Path file(String content) throws Exception {
    Path f = dir.resolve("relay.properties");
    Files.writeString(f, content);
    return f;
  }

  static String message(Runnable r) {
    return assertThrows(ConfigException.class, r::run).getMessage();
  }

  /**
   * Regression: {@code relay.linger=2m} passed the loader (its own rule took any non-negative
   * duration) and then the relay refused to start with the library's message and no key named.
   */
  @Test
  void lingerOfTwoMinutesIsRefusedWhileLoadingNamingKeyFileLineValueAndRule() throws Exception {
    Path f = file("# delivery\nrelay.port=8080\nrelay.linger=2m\n");
    assertEquals("relay.linger = '2m' (file " + f + ":3): linger must be in 0..PT1M but was PT2M",
        message(() -> RelayConfigLoader.load(f, CREDS, Map.of())));
    assertEquals("relay.linger = '2m' (environment CIO_RELAY_LINGER): linger must be in 0..PT1M but was PT2M",
        message(() -> RelayConfigLoader.load(null, with("CIO_RELAY_LINGER", "2m"), Map.of())));
    assertEquals("relay.linger = '2m' (flag --linger): linger must be in 0..PT1M but was PT2M",
        message(() -> RelayConfigLoader.load(null, CREDS, Map.of("--linger", "2m"))));
  }

  /** Regression: durability, max batch operations, HTTP threads and identify dedup could not be set on the relay at all. */
  @Test
  void durabilityBatchSizeHttpThreadsAndIdentifyDedupAreSetFromFileEnvironmentAndFlags() throws Exception {
    Path f = file("relay.durability=async\nrelay.async-commit-interval=20ms\nrelay.delivery.max-batch-operations=50\n"
        + "relay.identify-dedup-window=10m\n");
    Map<String, String> env = with("CIO_RELAY_DELIVERY_HTTP_THREADS", "8");
    env.put("CIO_RELAY_IDENTIFY_DEDUP_SIZE", "500");
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("--delivery-max-batch-bytes", "100000");
    flags.put("relay.max-pending-bytes", "1000000");
    CustomerIoConfig c = RelayConfigLoader.load(f, env, flags).builder().build().toCustomerIoConfig().build();
    assertEquals(Durability.ASYNC, c.outbox().durability());
    assertEquals(Duration.ofMillis(20), c.outbox().asyncCommitInterval());
    assertEquals(50, c.maxBatchOperations());
    assertEquals(100_000, c.maxBatchBytes());
    assertEquals(8, c.httpThreads());
    assertEquals(Duration.ofMinutes(10), c.identifyDedupWindow());
    assertEquals(500, c.identifyDedupSize());
    assertEquals(1_000_000, c.outbox().maxPendingBytes());
    assertEquals(10_000, RelayConfigLoader.load(f, env, flags).builder().build().limits().maxBatchOperations(),
        "relay.max-batch-operations (what a client may send) is another setting");
  }

  @Test
  void theRestOfTheLibrarySettingsReachEveryWorkspace() throws Exception {
    Path f = file("relay.workspaces=us,eu\nrelay.workspace.us.site-id=s1\nrelay.workspace.eu.site-id=s2\n"
        + "relay.connect-timeout=2s\nrelay.overflow-policy=block\nrelay.block-timeout=3s\nrelay.max-pending-age=1m\n"
        + "relay.retry.jitter=0.1\nrelay.retry.retry-after-cap=1m\nrelay.breaker.slow-call-threshold=4s\n");
    RelayConfig relay = RelayConfigLoader.load(f, Map.of("CIO_WORKSPACE_US_API_KEY", "k1", "CIO_WORKSPACE_EU_API_KEY", "k2"),
        Map.of()).builder().build();
    for (RelayWorkspace w : relay.workspaces()) {
      CustomerIoConfig c = relay.toCustomerIoConfig(w).build();
      assertEquals(Duration.ofSeconds(2), c.client().connectTimeout(), w.name());
      assertEquals(OverflowPolicy.BLOCK, c.outbox().overflowPolicy());
      assertEquals(Duration.ofSeconds(3), c.outbox().blockTimeout());
      assertEquals(Duration.ofMinutes(1), c.health().maxPendingAge());
      assertEquals(0.1, c.retry().jitter());
      assertEquals(Duration.ofMinutes(1), c.retry().retryAfterCap());
      assertEquals(Duration.ofSeconds(4), c.breaker().slowCallThreshold());
    }
  }

  @Test
  void aRuleSpanningSettingsIsNamedAfterTheKeyOfTheSetterItsMessageStartsWith() throws Exception {
    Path f = file("relay.overflow-policy=block\n");
    assertEquals("relay.overflow-policy = 'block' (file " + f + ":1): overflowPolicy=BLOCK needs a blockTimeout above 0s "
        + "but was PT0S", message(() -> RelayConfigLoader.load(f, CREDS, Map.of())));
    assertEquals("relay.retry.max-delay = '500ms' (flag --retry-max-delay): maxDelay must be at least baseDelay (PT1S) "
        + "but was PT0.5S", message(() -> RelayConfigLoader.load(null, CREDS, Map.of("--retry-max-delay", "500ms"))));
    assertEquals("relay.durability = 'later' (flag --set relay.durability): must be one of sync, async",
        message(() -> RelayConfigLoader.load(null, CREDS, Map.of("relay.durability", "later"))));
  }

  @Test
  void redisStoreSettingsAreCheckedByTheStoresBuilderAndReachIt() {
    Map<String, String> flags = Map.of("relay.store", "redis://127.0.0.1:6379/0", "--store-poll-interval", "20ms",
        "--store-replicas-to-wait", "1", "--store-relay-id", "relay-a");
    RelayConfig c = RelayConfigLoader.load(null, CREDS, flags).builder().build();
    RedisStoreConfig.Builder rb = RedisStoreConfig.builder().uri(c.store().toString());
    c.applyRedis(rb);
    RedisStoreConfig store = rb.build();
    assertEquals(Duration.ofMillis(20), store.pollInterval());
    assertEquals(1, store.replicasToWait());
    assertEquals("relay-a", store.relayId());
    assertEquals("relay.store-poll-interval = '5ms' (flag --store-poll-interval): pollInterval must be in 10ms..1s but "
        + "was PT0.005S", message(() -> RelayConfigLoader.load(null, CREDS, Map.of("--store-poll-interval", "5ms"))));
  }

  @Test
  void webhookSettingsAreKeysToo() throws Exception {
    Path f = file("relay.webhook.lanes=2\nrelay.webhook.tolerance=1m\n");
    Map<String, String> env = with("CIO_WEBHOOK_MAX_ATTEMPTS", "7");
    RelayConfig c = RelayConfigLoader.load(f, env, Map.of("--webhook-forward-url", "http://127.0.0.1:9/hook")).builder()
        .build();
    WebhookConfig w = c.webhookConfig().signingKey(new byte[] {1}).storePath(dir.resolve("w.db")).build();
    assertEquals(2, w.lanes());
    assertEquals(7, w.maxAttempts(), "the environment variable users already set");
    assertEquals(Duration.ofMinutes(1), w.tolerance());
    assertEquals("http://127.0.0.1:9/hook", w.forwardUrl().toString());
    assertEquals("relay.webhook.max-attempts = '0' (environment CIO_WEBHOOK_MAX_ATTEMPTS): maxAttempts must be in "
        + "1..1000000 but was 0", message(() -> RelayConfigLoader.load(null, with("CIO_WEBHOOK_MAX_ATTEMPTS", "0"), Map.of())));
  }

  @Test
  void logLevelsComeFromTheFileTheEnvironmentAndFlags() throws Exception {
    Path f = file("relay.log.level=debug\nrelay.log.level.org.eclipse.jetty=info\nrelay.log.format=json\n");
    Map<String, String> env = with("CIO_LOG_LEVEL_IO_LETTUCE", "error");
    RelayConfigLoader.LogSettings logs = RelayConfigLoader.load(f, env, Map.of("--log-level-of com.zaxxer", "warn")).logs();
    assertEquals("debug", logs.level());
    assertEquals("json", logs.format());
    assertEquals(Map.of("org.eclipse.jetty", "info", "io.lettuce", "error", "com.zaxxer", "warn"), logs.levels());
    assertEquals("warn", RelayConfigLoader.load(f, with("CIO_LOG_LEVEL", "warn"), Map.of()).logs().level(),
        "the environment beats the file");
    assertEquals("relay.log.level = 'loud' (flag --log-level): must be one of trace, debug, info, warn, error, off",
        message(() -> RelayConfigLoader.load(null, CREDS, Map.of("--log-level", "loud"))));
    assertEquals("relay.log.level.org.x = 'loud' (flag --log-level-of org.x): must be one of trace, debug, info, warn, "
        + "error, off", message(() -> RelayConfigLoader.load(null, CREDS, Map.of("--log-level-of org.x", "loud"))));
    assertEquals("relay.log.format = 'xml' (environment CIO_LOG_FORMAT): must be text or json",
        message(() -> RelayConfigLoader.load(null, with("CIO_LOG_FORMAT", "xml"), Map.of())));
  }

  @Test
  void anUnknownFlagIsNamed() {
    assertTrue(message(() -> RelayConfigLoader.load(null, CREDS, Map.of("--lingr", "1s"))).startsWith("unknown flag --lingr"));
  }

  private static Map<String, String> with(String k, String v) {
    Map<String, String> env = new HashMap<>(CREDS);
    env.put(k, v);
    return env;
  }
}
