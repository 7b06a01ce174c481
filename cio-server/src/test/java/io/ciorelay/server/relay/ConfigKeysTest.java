package io.ciorelay.server.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The one key table: unique names, the keys users already set, and the README's copy of it. */
class ConfigKeysTest {
  static final String BEGIN = "<!-- config-keys:begin (generated from ConfigKeys by ConfigKeysTest) -->\n";
  static final String END = "<!-- config-keys:end -->";

  @Test
  void everyNameIsUsedOnce() {
    assertUnique("file", k -> k.file() == null ? List.of() : List.of(k.file()));
    assertUnique("environment", ConfigKey::env);
    assertUnique("flag", k -> k.flag() == null ? List.of() : List.of(k.flag()));
    assertUnique("spring", k -> k.spring() == null ? List.of() : List.of(k.spring()));
    for (ConfigKey k : ConfigKeys.ALL) {
      assertTrue(k.setter() != null && k.defaultValue() != null && k.description() != null, String.valueOf(k));
      assertTrue(k.kind() != ConfigKey.Kind.SETTING || k.binding() != null, k.file() + " has no binding");
    }
  }

  /** The keys and variables of earlier releases keep working (users have them in files and manifests). */
  @Test
  void theKeysUsersAlreadySetAreStillRead() {
    for (String key : List.of("relay.host", "relay.port", "relay.data", "relay.target", "relay.region", "relay.site-id",
        "relay.rate-limit", "relay.rate-limit-headroom", "relay.max-body-bytes", "relay.max-json-depth",
        "relay.durable-timeout", "relay.shutdown-timeout", "relay.request-timeout", "relay.linger", "relay.lanes",
        "relay.max-pending-operations", "relay.retry.base-delay", "relay.retry.max-delay", "relay.retry.budget",
        "relay.retry.max-attempts", "relay.retry.endpoint-retry-interval", "relay.retry.auth-retry-interval",
        "relay.breaker.failure-threshold", "relay.breaker.half-open-calls", "relay.breaker.open-wait",
        "relay.workspaces", "relay.routing", "relay.routing.attribute", "relay.routing.values", "relay.routing.default",
        "relay.store", "relay.store-prefix", "relay.store-shards", "relay.store-lease-ttl", "relay.max-connections",
        "relay.http-threads", "relay.idle-timeout", "relay.header-timeout", "relay.body-timeout", "relay.min-body-rate",
        "relay.response-timeout", "relay.max-buffered-body-bytes", "relay.max-json-tokens", "relay.max-batch-operations",
        "relay.webhook-port", "relay.webhook-max-concurrent", "relay.webhook-threads", "relay.webhook-max-connections",
        "relay.management-port", "relay.tls.keystore", "relay.tls.keystore-type", "relay.tls.certificate",
        "relay.tls.private-key", "relay.tls.protocols", "relay.workspace.us.site-id", "relay.workspace.us.region",
        "relay.workspace.us.target", "relay.workspace.us.rate-limit", "relay.workspace.us.rate-limit-headroom")) {
      assertTrue(ConfigKeys.byFile(key).isPresent(), key);
      if (!key.startsWith("relay.workspace.")) {
        assertTrue(ConfigKeys.byFile(key).get().env().contains(ConfigKey.envName(key)), key);
      }
    }
    Set<String> env = new HashSet<>();
    ConfigKeys.ALL.forEach(k -> env.addAll(k.env()));
    assertTrue(env.containsAll(List.of("CIO_SITE_ID", "CIO_API_KEY", "CIO_ADMIN_TOKEN", "CIO_WEBHOOK_SIGNING_KEY",
        "CIO_WEBHOOK_FORWARD_URL", "CIO_WEBHOOK_MAX_ATTEMPTS", "CIO_LOG_FORMAT", "CIO_LOG_LEVEL",
        "CIO_TLS_KEYSTORE_PASSWORD", "CIO_DASHBOARD_VIEWER_TOKEN", "CIO_PIPELINES_WRITE_KEY")), env.toString());
    for (String flag : List.of("--port", "--host", "--data", "--store", "--target", "--rate-limit",
        "--webhook-forward-url", "--log-format", "--log-level")) {
      assertTrue(ConfigKeys.byFlag(flag).isPresent(), flag);
    }
  }

  /**
   * Every setting of the builders the table binds onto has a key: a setter added to one of them
   * without a row fails here. The setters left out are objects, not settings (a clock, a registry, a
   * store factory) or are set by the relay itself from other keys.
   */
  @Test
  void everyBuilderSettingHasAKey() {
    Map<Class<?>, Set<String>> notSettings = Map.of(
        io.ciorelay.delivery.CustomerIoConfig.Builder.class, Set.of("workspace", "rateLimit", "retry", "breaker",
            "rateLimiter", "outboxFactory", "health", "meterRegistry", "clock", "ticker", "random"),
        io.ciorelay.delivery.retry.RetryConfig.Builder.class, Set.of(),
        io.ciorelay.delivery.breaker.BreakerConfig.Builder.class, Set.of(),
        io.ciorelay.redis.RedisStoreConfig.Builder.class, Set.of("workspace", "identity", "maxRequestTime",
            "meterRegistry", "clock", "ticker", "scheduler"),
        io.ciorelay.server.webhook.WebhookConfig.Builder.class, Set.of("signingKey", "storePath", "clock",
            "forwardHeader"),
        HttpLimits.Builder.class, Set.of());
    Set<String> bound = new HashSet<>();
    for (ConfigKey k : ConfigKeys.ALL) {
      for (String setter : k.setter().split(",\\s*")) {
        bound.add(setter.trim());
      }
    }
    for (Map.Entry<Class<?>, Set<String>> e : notSettings.entrySet()) {
      String owner = e.getKey().getEnclosingClass().getSimpleName() + ".Builder#";
      for (java.lang.reflect.Method m : e.getKey().getMethods()) {
        if (m.getReturnType() == e.getKey() && !e.getValue().contains(m.getName()) && !m.getName().equals("toBuilder")) {
          assertTrue(bound.contains(owner + m.getName()), owner + m.getName() + " has no key in ConfigKeys");
        }
      }
    }
  }

  /** cio-server/README.md lists every key once, as the table has it; on a difference the table to paste is in target/. */
  @Test
  void theReadmeKeyTableIsTheCodeTable() throws Exception {
    String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
    int begin = readme.indexOf(BEGIN);
    int end = readme.indexOf(END);
    String expected = ConfigKeys.markdown();
    Path generated = Path.of("target", "config-keys.md");
    Files.createDirectories(generated.getParent());
    Files.writeString(generated, BEGIN + expected + END + "\n");
    assertTrue(begin >= 0 && end > begin, "cio-server/README.md has no " + BEGIN.strip() + " … " + END + " section");
    assertEquals(expected, readme.substring(begin + BEGIN.length(), end),
        "cio-server/README.md's key table differs from ConfigKeys; the generated one is in " + generated.toAbsolutePath());
  }

  private static void assertUnique(String what, Function<ConfigKey, List<String>> names) {
    Set<String> seen = new HashSet<>();
    for (ConfigKey k : ConfigKeys.ALL) {
      for (String n : names.apply(k)) {
        assertTrue(seen.add(n), what + " name " + n + " is used twice");
      }
    }
  }
}
