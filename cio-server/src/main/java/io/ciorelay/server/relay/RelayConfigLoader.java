package io.ciorelay.server.relay;

import io.ciorelay.client.Region;
import io.ciorelay.delivery.breaker.BreakerConfig;
import io.ciorelay.delivery.ratelimit.RateLimitConfig;
import io.ciorelay.delivery.retry.RetryConfig;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the relay's settings from a properties file, the environment and flags — in that order of
 * precedence, flags winning — into {@link RelayConfig.Builder} and the library's own builders, so
 * there is one validation path. Every error names the key and where its value came from.
 *
 * <p>A key {@code relay.rate-limit} is read from the file as is, from the environment as
 * {@code CIO_RELAY_RATE_LIMIT}, and from flags under its key. Secrets come only from the
 * environment ({@code CIO_API_KEY}, {@code CIO_ADMIN_TOKEN}, {@code CIO_WEBHOOK_SIGNING_KEY}) or a
 * file named by the same variable with {@code _FILE} appended; the file may not hold them.
 * Stateless and thread-safe.
 */
public final class RelayConfigLoader {
  public static final String ENV_SITE_ID = "CIO_SITE_ID";
  public static final String ENV_API_KEY = "CIO_API_KEY";
  public static final String ENV_ADMIN_TOKEN = "CIO_ADMIN_TOKEN";
  public static final String ENV_WEBHOOK_SIGNING_KEY = "CIO_WEBHOOK_SIGNING_KEY";
  /** The Data Pipelines write key of a single-workspace relay. */
  public static final String ENV_PIPELINES_WRITE_KEY = "CIO_PIPELINES_WRITE_KEY";
  /** The API a single-workspace relay delivers to ({@code relay.api}): track or pipelines. */
  public static final String ENV_API = "CIO_API";
  public static final String ENV_TLS_KEYSTORE_PASSWORD = "CIO_TLS_KEYSTORE_PASSWORD";
  public static final String ENV_DASHBOARD_VIEWER_TOKEN = "CIO_DASHBOARD_VIEWER_TOKEN";

  /** Every key the relay reads, in the order they are applied. */
  public static final List<String> KEYS = List.of(
      "relay.host", "relay.port", "relay.data", "relay.target", "relay.region", "relay.api", "relay.site-id",
      "relay.rate-limit", "relay.rate-limit-headroom",
      "relay.max-body-bytes", "relay.max-json-depth", "relay.durable-timeout", "relay.shutdown-timeout",
      "relay.request-timeout", "relay.linger", "relay.lanes", "relay.max-pending-operations",
      "relay.retry.base-delay", "relay.retry.max-delay", "relay.retry.budget", "relay.retry.max-attempts",
      "relay.retry.endpoint-retry-interval", "relay.retry.auth-retry-interval",
      "relay.breaker.failure-threshold", "relay.breaker.half-open-calls", "relay.breaker.open-wait",
      "relay.workspaces", "relay.routing", "relay.routing.attribute", "relay.routing.values", "relay.routing.default",
      "relay.store", "relay.store-prefix", "relay.store-shards", "relay.store-lease-ttl",
      "relay.max-connections", "relay.http-threads", "relay.idle-timeout", "relay.header-timeout", "relay.body-timeout",
      "relay.min-body-rate", "relay.response-timeout", "relay.max-buffered-body-bytes", "relay.max-json-tokens",
      "relay.max-batch-operations", "relay.webhook-port", "relay.webhook-max-concurrent", "relay.webhook-threads",
      "relay.webhook-max-connections", "relay.management-port",
      "relay.tls.keystore", "relay.tls.keystore-type", "relay.tls.certificate", "relay.tls.private-key",
      "relay.tls.protocols");

  /** The per-workspace keys, {@code relay.workspace.<name>.<field>}, for each name in {@code relay.workspaces}. */
  public static final List<String> WORKSPACE_FIELDS = List.of("site-id", "region", "target", "rate-limit",
      "rate-limit-headroom", "api");

  private static final Pattern WORKSPACE_KEY = Pattern.compile("relay\\.workspace\\.([^.]+)\\.([a-z-]+)");

  static final List<String> SECRET_KEYS = List.of("relay.api-key", "relay.admin-token", "relay.webhook-signing-key",
      "relay.tls.keystore-password");

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

  /** What was loaded: the builder (credentials set if given) and whether credentials and a target were given. */
  public record Result(RelayConfig.Builder builder, boolean hasCredentials, boolean hasTarget) {}

  private record Value(String text, String origin) {}

  private RelayConfigLoader() {}

  /** The environment variable for a key: {@code relay.retry.base-delay} → {@code CIO_RELAY_RETRY_BASE_DELAY}. */
  public static String envName(String key) {
    return "CIO_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /**
   * Loads the settings.
   *
   * @param file  a properties file, or null
   * @param env   the environment
   * @param flags values given on the command line, by key
   * @throws ConfigException naming the key if a value is malformed or out of range, or the file is unreadable
   */
  public static Result load(Path file, Map<String, String> env, Map<String, String> flags) {
    Map<String, Value> values = new LinkedHashMap<>();
    if (file != null) {
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        p.load(r);
      } catch (IOException e) {
        throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
      }
      for (String k : p.stringPropertyNames()) {
        if (SECRET_KEYS.contains(k)) {
          throw new ConfigException(k + " is a secret and may not be set in " + file + "; set "
              + secretEnv(k) + " or " + secretEnv(k) + "_FILE instead");
        }
        if (!known(k)) {
          throw new ConfigException("unknown key " + k + " in " + file + "; known keys: " + String.join(", ", KEYS)
              + ", relay.workspace.<name>.{" + String.join(",", WORKSPACE_FIELDS) + "}");
        }
        values.put(k, new Value(p.getProperty(k).trim(), "file " + file));
      }
    }
    for (String k : KEYS) {
      String e = env.get(envName(k));
      if (e != null && !e.isBlank()) {
        values.put(k, new Value(e.trim(), "environment " + envName(k)));
      }
    }
    String apiEnv = env.get(ENV_API);
    if (apiEnv != null && !apiEnv.isBlank()) {
      values.put("relay.api", new Value(apiEnv.trim(), "environment " + ENV_API));
    }
    String site = env.get(ENV_SITE_ID);
    if (site != null && !site.isBlank()) {
      values.put("relay.site-id", new Value(site.trim(), "environment " + ENV_SITE_ID));
    }
    for (Map.Entry<String, String> f : flags.entrySet()) {
      if (!known(f.getKey())) {
        throw new ConfigException("unknown key " + f.getKey() + "; known keys: " + String.join(", ", KEYS)
            + ", relay.workspace.<name>.{" + String.join(",", WORKSPACE_FIELDS) + "}");
      }
      if (f.getValue() != null) {
        values.put(f.getKey(), new Value(f.getValue().trim(), "flag"));
      }
    }
    // Per-workspace keys from the environment, for the names now known (a flag still wins).
    for (String name : workspaceNames(values)) {
      for (String field : WORKSPACE_FIELDS) {
        String k = "relay.workspace." + name + "." + field;
        String e = env.get(envName(k));
        Value cur = values.get(k);
        if (e != null && !e.isBlank() && (cur == null || !cur.origin().equals("flag"))) {
          values.put(k, new Value(e.trim(), "environment " + envName(k)));
        }
      }
    }
    return apply(values, env);
  }

  private static boolean known(String key) {
    Matcher m = WORKSPACE_KEY.matcher(key);
    return KEYS.contains(key) || (m.matches() && WORKSPACE_FIELDS.contains(m.group(2)));
  }

  /** The environment variable holding a workspace's Pipelines write key: {@code CIO_WORKSPACE_<NAME>_PIPELINES_WRITE_KEY}. */
  public static String workspaceWriteKeyEnv(String name) {
    return "CIO_WORKSPACE_" + name.toUpperCase(Locale.ROOT).replace('-', '_') + "_PIPELINES_WRITE_KEY";
  }

  /** The environment variable holding a workspace's API key: {@code CIO_WORKSPACE_<NAME>_API_KEY}. */
  public static String workspaceKeyEnv(String name) {
    return "CIO_WORKSPACE_" + name.toUpperCase(Locale.ROOT).replace('-', '_') + "_API_KEY";
  }

  private static List<String> workspaceNames(Map<String, Value> values) {
    Value v = values.get("relay.workspaces");
    if (v == null || v.text().isBlank()) {
      return List.of();
    }
    List<String> names = new java.util.ArrayList<>();
    for (String part : v.text().split(",")) {
      String n = part.trim();
      if (n.isEmpty()) {
        throw new ConfigException("relay.workspaces must be a comma-separated list of names but was '" + v.text()
            + "' (from " + v.origin() + ")");
      }
      if (names.contains(n)) {
        throw new ConfigException("relay.workspaces lists " + n + " twice (from " + v.origin() + ")");
      }
      names.add(n);
    }
    return names;
  }

  private static Result apply(Map<String, Value> v, Map<String, String> env) {
    RelayConfig.Builder b = RelayConfig.builder();
    set(v, "relay.host", s -> b.host(s));
    set(v, "relay.port", s -> b.port(integer("relay.port", s)));
    set(v, "relay.data", s -> b.dataDir(Path.of(s)));
    set(v, "relay.store", s -> b.store(storeUri(s)));
    set(v, "relay.store-prefix", s -> b.storePrefix(s));
    set(v, "relay.store-shards", s -> b.storeShards(integer("relay.store-shards", s)));
    set(v, "relay.store-lease-ttl", s -> b.storeLeaseTtl(duration("relay.store-lease-ttl", s)));
    set(v, "relay.target", s -> b.target(uri("relay.target", s)));
    set(v, "relay.region", s -> b.region(region(s)));
    set(v, "relay.api", s -> b.api(io.ciorelay.delivery.Api.parse(s)));
    set(v, "relay.max-body-bytes", s -> b.maxBodyBytes(integer("relay.max-body-bytes", s)));
    set(v, "relay.max-json-depth", s -> b.maxJsonDepth(integer("relay.max-json-depth", s)));
    set(v, "relay.durable-timeout", s -> b.durableTimeout(duration("relay.durable-timeout", s)));
    set(v, "relay.shutdown-timeout", s -> b.shutdownTimeout(duration("relay.shutdown-timeout", s)));
    set(v, "relay.request-timeout", s -> b.requestTimeout(duration("relay.request-timeout", s)));
    set(v, "relay.linger", s -> b.linger(duration("relay.linger", s)));
    set(v, "relay.lanes", s -> b.lanes(integer("relay.lanes", s)));
    set(v, "relay.max-pending-operations", s -> b.maxPendingOperations(longValue("relay.max-pending-operations", s)));

    double[] rate = {RateLimitConfig.DEFAULT_REQUESTS_PER_SECOND, RateLimitConfig.DEFAULT_HEADROOM};
    set(v, "relay.rate-limit", s -> rate[0] = number("relay.rate-limit", s));
    set(v, "relay.rate-limit-headroom", s -> rate[1] = number("relay.rate-limit-headroom", s));
    String rateKey = v.containsKey("relay.rate-limit") ? "relay.rate-limit" : "relay.rate-limit-headroom";
    if (v.containsKey(rateKey)) { // unset: each workspace gets its API's default
      guard(v, rateKey, () -> b.rateLimit(RateLimitConfig.of(rate[0], rate[1])));
    }

    RetryConfig.Builder retry = RetryConfig.builder();
    set(v, "relay.retry.base-delay", s -> retry.baseDelay(duration("relay.retry.base-delay", s)));
    set(v, "relay.retry.max-delay", s -> retry.maxDelay(duration("relay.retry.max-delay", s)));
    set(v, "relay.retry.budget", s -> retry.budget(duration("relay.retry.budget", s)));
    set(v, "relay.retry.max-attempts", s -> retry.maxAttempts(integer("relay.retry.max-attempts", s)));
    set(v, "relay.retry.endpoint-retry-interval",
        s -> retry.endpointRetryInterval(duration("relay.retry.endpoint-retry-interval", s)));
    set(v, "relay.retry.auth-retry-interval",
        s -> retry.authRetryInterval(duration("relay.retry.auth-retry-interval", s)));
    guard(v, "relay.retry.base-delay", () -> b.retry(retry.build()));

    BreakerConfig.Builder breaker = BreakerConfig.builder();
    set(v, "relay.breaker.failure-threshold", s -> breaker.failureThreshold(integer("relay.breaker.failure-threshold", s)));
    set(v, "relay.breaker.half-open-calls", s -> breaker.halfOpenCalls(integer("relay.breaker.half-open-calls", s)));
    set(v, "relay.breaker.open-wait", s -> breaker.openWait(duration("relay.breaker.open-wait", s)));
    guard(v, "relay.breaker.open-wait", () -> b.breaker(breaker.build()));

    HttpLimits.Builder limits = HttpLimits.builder();
    set(v, "relay.max-connections", s -> limits.maxConnections(integer("relay.max-connections", s)));
    set(v, "relay.http-threads", s -> limits.httpThreads(integer("relay.http-threads", s)));
    set(v, "relay.idle-timeout", s -> limits.idleTimeout(duration("relay.idle-timeout", s)));
    set(v, "relay.header-timeout", s -> limits.headerTimeout(duration("relay.header-timeout", s)));
    set(v, "relay.body-timeout", s -> limits.bodyTimeout(duration("relay.body-timeout", s)));
    set(v, "relay.min-body-rate", s -> limits.minBodyRate(longValue("relay.min-body-rate", s)));
    set(v, "relay.response-timeout", s -> limits.responseTimeout(duration("relay.response-timeout", s)));
    set(v, "relay.max-buffered-body-bytes", s -> limits.maxBufferedBodyBytes(longValue("relay.max-buffered-body-bytes", s)));
    set(v, "relay.max-json-tokens", s -> limits.maxJsonTokens(longValue("relay.max-json-tokens", s)));
    set(v, "relay.max-batch-operations", s -> limits.maxBatchOperations(integer("relay.max-batch-operations", s)));
    set(v, "relay.webhook-max-concurrent", s -> limits.webhookMaxConcurrent(integer("relay.webhook-max-concurrent", s)));
    set(v, "relay.webhook-threads", s -> limits.webhookThreads(integer("relay.webhook-threads", s)));
    set(v, "relay.webhook-max-connections", s -> limits.webhookMaxConnections(integer("relay.webhook-max-connections", s)));
    b.limits(limits.build());
    set(v, "relay.webhook-port", s -> b.webhookPort(integer("relay.webhook-port", s)));
    set(v, "relay.management-port", s -> b.managementPort(integer("relay.management-port", s)));
    tls(v, env, b);

    List<String> names = workspaceNames(v);
    for (String k : v.keySet()) {
      Matcher m = WORKSPACE_KEY.matcher(k);
      if (m.matches() && !names.contains(m.group(1))) {
        throw new ConfigException(k + " is set but workspace " + m.group(1) + " is not listed in relay.workspaces"
            + (names.isEmpty() ? " (not set)" : " " + names) + " (from " + v.get(k).origin() + ")");
      }
    }
    List<RelayWorkspace> workspaces = new java.util.ArrayList<>();
    for (String name : names) {
      workspaces.add(workspace(name, v, env));
    }
    workspaces.forEach(w -> guard(v, "relay.workspaces", () -> b.workspace(w)));
    for (String name : names) {
      String k = "relay.workspace." + name + ".api";
      set(v, k, s -> b.api(name, io.ciorelay.delivery.Api.parse(s)));
    }
    if (v.containsKey("relay.routing")) {
      io.ciorelay.delivery.routing.Routing r = routing(v, workspaces.isEmpty()
          ? List.of(RelayWorkspace.DEFAULT_NAME) : names, workspaces);
      b.routing(r);
    } else {
      for (String k : List.of("relay.routing.attribute", "relay.routing.values", "relay.routing.default")) {
        if (v.containsKey(k)) {
          throw new ConfigException(k + " is set but relay.routing is not (from " + v.get(k).origin() + ")");
        }
      }
    }
    String site = v.containsKey("relay.site-id") ? v.get("relay.site-id").text() : null;
    String key = secret(env, ENV_API_KEY);
    boolean creds = (site != null && key != null) || !workspaces.isEmpty();
    if (!workspaces.isEmpty()) {
      // relay.site-id and CIO_API_KEY are not used by a multi-workspace relay.
    } else if (creds) {
      b.credentials(site, key);
    } else if (site != null || key != null) {
      throw new ConfigException("credentials are incomplete: set both " + ENV_SITE_ID + " and " + ENV_API_KEY
          + " (or " + ENV_API_KEY + "_FILE); " + (site == null ? ENV_SITE_ID : ENV_API_KEY) + " is missing");
    }
    String admin = secret(env, ENV_ADMIN_TOKEN);
    try {
      b.adminToken(admin);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(ENV_ADMIN_TOKEN + ": " + e.getMessage());
    }
    try {
      b.dashboardViewerToken(secret(env, ENV_DASHBOARD_VIEWER_TOKEN));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(ENV_DASHBOARD_VIEWER_TOKEN + ": " + e.getMessage());
    }
    b.webhookSigningKey(secret(env, ENV_WEBHOOK_SIGNING_KEY));
    String envName = null;
    try {
      if (workspaces.isEmpty()) {
        envName = ENV_PIPELINES_WRITE_KEY;
        b.pipelinesWriteKey(RelayWorkspace.DEFAULT_NAME, secret(env, envName));
      } else {
        for (RelayWorkspace w : workspaces) {
          envName = workspaceWriteKeyEnv(w.name());
          b.pipelinesWriteKey(w.name(), secret(env, envName));
        }
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException(envName + ": " + e.getMessage());
    }
    return new Result(b, creds, v.containsKey("relay.target"));
  }

  /** {@code relay.tls.keystore} (+ type, password from the environment) or {@code relay.tls.certificate} and {@code private-key}. */
  private static void tls(Map<String, Value> v, Map<String, String> env, RelayConfig.Builder b) {
    boolean store = v.containsKey("relay.tls.keystore");
    boolean pem = v.containsKey("relay.tls.certificate") || v.containsKey("relay.tls.private-key");
    if (store && pem) {
      throw new ConfigException("set either relay.tls.keystore or relay.tls.certificate with relay.tls.private-key, not both");
    }
    if (!store && !pem) {
      for (String k : List.of("relay.tls.keystore-type", "relay.tls.protocols")) {
        if (v.containsKey(k)) {
          throw new ConfigException(k + " is set but neither relay.tls.keystore nor relay.tls.certificate is (from "
              + v.get(k).origin() + ")");
        }
      }
      return;
    }
    TlsConfig[] tls = new TlsConfig[1];
    if (store) {
      String type = v.containsKey("relay.tls.keystore-type") ? v.get("relay.tls.keystore-type").text() : null;
      String password = secret(env, ENV_TLS_KEYSTORE_PASSWORD);
      set(v, "relay.tls.keystore", s -> tls[0] = TlsConfig.keystore(Path.of(s), type, password));
    } else {
      if (!v.containsKey("relay.tls.certificate") || !v.containsKey("relay.tls.private-key")) {
        throw new ConfigException("relay.tls.certificate and relay.tls.private-key must be set together (PEM files)");
      }
      set(v, "relay.tls.certificate", s -> tls[0] = TlsConfig.pem(Path.of(s),
          Path.of(v.get("relay.tls.private-key").text())));
    }
    set(v, "relay.tls.protocols", s -> tls[0] = tls[0].protocols(java.util.Arrays.stream(s.split(","))
        .map(String::trim).toList()));
    b.tls(tls[0]);
  }

  private static RelayWorkspace workspace(String name, Map<String, Value> v, Map<String, String> env) {
    String p = "relay.workspace." + name + ".";
    Value site = v.get(p + "site-id");
    if (site == null) {
      throw new ConfigException(p + "site-id must be set for workspace " + name + " (or " + envName(p + "site-id") + ")");
    }
    String key = secret(env, workspaceKeyEnv(name));
    if (key == null) {
      throw new ConfigException("workspace " + name + " has no API key: set " + workspaceKeyEnv(name) + " or "
          + workspaceKeyEnv(name) + "_FILE");
    }
    io.ciorelay.client.Region[] region = {io.ciorelay.client.Region.US};
    URI[] target = {null};
    set(v, p + "region", s -> region[0] = region(p + "region", s));
    set(v, p + "target", s -> target[0] = RelayConfig.normalizeTarget(uri(p + "target", s)));
    RateLimitConfig rate = null;
    if (v.containsKey(p + "rate-limit") || v.containsKey(p + "rate-limit-headroom")) {
      double[] r = {RateLimitConfig.DEFAULT_REQUESTS_PER_SECOND, RateLimitConfig.DEFAULT_HEADROOM};
      set(v, p + "rate-limit", s -> r[0] = number(p + "rate-limit", s));
      set(v, p + "rate-limit-headroom", s -> r[1] = number(p + "rate-limit-headroom", s));
      String rk = v.containsKey(p + "rate-limit") ? p + "rate-limit" : p + "rate-limit-headroom";
      RateLimitConfig[] out = new RateLimitConfig[1];
      guard(v, rk, () -> out[0] = RateLimitConfig.of(r[0], r[1]));
      rate = out[0];
    }
    try {
      return new RelayWorkspace(name, site.text(), key, region[0], target[0], rate);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("relay.workspaces: " + e.getMessage());
    }
  }

  private static io.ciorelay.delivery.routing.Routing routing(Map<String, Value> v, List<String> names,
      List<RelayWorkspace> workspaces) {
    Value rule = v.get("relay.routing");
    String attr = v.containsKey("relay.routing.attribute") ? v.get("relay.routing.attribute").text() : null;
    String dflt = v.containsKey("relay.routing.default") ? v.get("relay.routing.default").text() : null;
    if (dflt != null && !names.contains(dflt)) {
      throw new ConfigException("relay.routing.default names workspace " + dflt + " which is not configured "
          + names + " (from " + v.get("relay.routing.default").origin() + ")");
    }
    try {
      return switch (rule.text().toLowerCase(Locale.ROOT)) {
        case "credentials" -> null;
        case "hash" -> io.ciorelay.delivery.routing.Routing.byHash(names);
        case "attribute" -> {
          if (attr == null) {
            throw new ConfigException("relay.routing=attribute needs relay.routing.attribute (the attribute to route by)");
          }
          Value vals = v.get("relay.routing.values");
          if (vals == null) {
            throw new ConfigException("relay.routing=attribute needs relay.routing.values, e.g. acme=us,globex=eu");
          }
          Map<String, String> map = new LinkedHashMap<>();
          for (String pair : vals.text().split(",")) {
            String[] kv = pair.split("=", 2);
            if (kv.length != 2 || kv[0].isBlank() || !names.contains(kv[1].trim())) {
              throw new ConfigException("relay.routing.values must be value=workspace pairs naming configured workspaces "
                  + names + " but had '" + pair.trim() + "' (from " + vals.origin() + ")");
            }
            map.put(kv[0].trim(), kv[1].trim());
          }
          yield io.ciorelay.delivery.routing.Routing.byAttribute(attr, map, dflt);
        }
        case "region-hint" -> {
          Map<io.ciorelay.client.Region, String> regions = new java.util.EnumMap<>(io.ciorelay.client.Region.class);
          for (RelayWorkspace w : workspaces) {
            String prev = regions.putIfAbsent(w.region(), w.name());
            if (prev != null) {
              throw new ConfigException("relay.routing=region-hint: workspaces " + prev + " and " + w.name()
                  + " are both in region " + w.region() + "; a hint could not choose between them");
            }
          }
          if (regions.isEmpty()) {
            throw new ConfigException("relay.routing=region-hint needs relay.workspaces");
          }
          yield io.ciorelay.delivery.routing.Routing.byRegionHint(attr == null ? "region" : attr, regions, dflt);
        }
        default -> throw new ConfigException("relay.routing must be credentials, hash, attribute or region-hint but was '"
            + rule.text() + "' (from " + rule.origin() + ")");
      };
    } catch (IllegalArgumentException e) {
      throw new ConfigException("relay.routing: " + e.getMessage());
    }
  }

  /** A secret from {@code NAME} or from the file named by {@code NAME_FILE} (trailing newline removed); null if neither. */
  public static String secret(Map<String, String> env, String name) {
    String direct = env.get(name);
    if (direct != null && !direct.isBlank()) {
      return direct;
    }
    String file = env.get(name + "_FILE");
    if (file == null || file.isBlank()) {
      return null;
    }
    try {
      String s = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
      if (s.isEmpty()) {
        throw new ConfigException(name + "_FILE names an empty file: " + file);
      }
      return s;
    } catch (IOException e) {
      throw new ConfigException(name + "_FILE: cannot read " + file + ": " + e.getClass().getSimpleName());
    }
  }

  private static String secretEnv(String key) {
    return switch (key) {
      case "relay.api-key" -> ENV_API_KEY;
      case "relay.admin-token" -> ENV_ADMIN_TOKEN;
      case "relay.tls.keystore-password" -> ENV_TLS_KEYSTORE_PASSWORD;
      default -> ENV_WEBHOOK_SIGNING_KEY;
    };
  }

  private static void set(Map<String, Value> values, String key, Consumer<String> setter) {
    Value val = values.get(key);
    if (val == null) {
      return;
    }
    try {
      setter.accept(val.text());
    } catch (ConfigException e) {
      throw new ConfigException(e.getMessage() + " (from " + val.origin() + ")");
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key + ": " + e.getMessage() + " (from " + val.origin() + ")");
    }
  }

  private static void guard(Map<String, Value> values, String key, Runnable r) {
    try {
      r.run();
    } catch (IllegalArgumentException e) {
      Value val = values.get(key);
      throw new ConfigException(key + ": " + e.getMessage() + (val == null ? "" : " (from " + val.origin() + ")"));
    }
  }

  static int integer(String key, String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new ConfigException(key + " must be a whole number but was '" + s + "'");
    }
  }

  static long longValue(String key, String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new ConfigException(key + " must be a whole number but was '" + s + "'");
    }
  }

  static double number(String key, String s) {
    try {
      double d = Double.parseDouble(s);
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      throw new ConfigException(key + " must be a number but was '" + s + "'");
    }
  }

  /** {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, or ISO-8601 ({@code PT10S}). */
  static Duration duration(String key, String s) {
    Matcher m = DURATION.matcher(s.toLowerCase(Locale.ROOT));
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      };
    }
    try {
      return Duration.parse(s);
    } catch (DateTimeParseException e) {
      throw new ConfigException(key + " must be a duration like 500ms, 10s, 2m or 1h but was '" + s + "'");
    }
  }

  static URI uri(String key, String s) {
    try {
      return URI.create(s);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key + " must be a URL like https://track.customer.io but was '" + s + "'");
    }
  }

  static URI storeUri(String s) {
    try {
      return URI.create(s);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("relay.store must be redis://host:port/db, rediss://host:port/db,"
          + " redis-cluster://host:port,host:port,… or sqlite but is not a URI");
    }
  }

  static Region region(String s) {
    return region("relay.region", s);
  }

  static Region region(String key, String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "us" -> Region.US;
      case "eu" -> Region.EU;
      default -> throw new ConfigException(key + " must be us or eu but was '" + s + "'");
    };
  }
}
