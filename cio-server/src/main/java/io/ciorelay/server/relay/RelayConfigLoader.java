package io.ciorelay.server.relay;

import io.ciorelay.delivery.ratelimit.RateLimitConfig;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the relay's settings from a properties file, the environment and flags — in that order of
 * precedence, flags winning — through the one key table {@link ConfigKeys}, onto
 * {@link RelayConfig.Builder} and the library's own builders; the builders' setters are the only
 * validation. Every error names the key, where its value came from (file and line, environment
 * variable, flag), the value and the rule: {@code relay.linger = '2m' (file relay.properties:3):
 * linger must be in 0..PT1M but was PT2M}.
 *
 * <p>Each key's environment variables and flag are in its row of {@link ConfigKeys}; by default
 * {@code relay.retry.base-delay} is {@code CIO_RELAY_RETRY_BASE_DELAY} and {@code --retry-base-delay},
 * and any key is also {@code --set relay.retry.base-delay=…}. Secrets come only from the
 * environment ({@code CIO_API_KEY}, {@code CIO_ADMIN_TOKEN}, …) or a file named by the same
 * variable with {@code _FILE} appended; the properties file may not hold them. Stateless and
 * thread-safe.
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

  /** Every (non-pattern, non-secret) key the relay reads, in the order of {@link ConfigKeys#ALL}. */
  public static final List<String> KEYS = ConfigKeys.ALL.stream()
      .filter(k -> k.relay() && !k.isPattern() && k.kind() != ConfigKey.Kind.SECRET).map(ConfigKey::file).toList();

  /** The per-workspace keys, {@code relay.workspace.<name>.<field>}, for each name in {@code relay.workspaces}. */
  public static final List<String> WORKSPACE_FIELDS = ConfigKeys.ALL.stream()
      .filter(k -> k.relay() && k.kind() != ConfigKey.Kind.SECRET && k.file().startsWith("relay.workspace.<name>."))
      .map(k -> k.file().substring("relay.workspace.<name>.".length())).toList();

  private static final Pattern WORKSPACE_KEY = Pattern.compile("relay\\.workspace\\.([^.]+)\\.([a-z-]+)");
  private static final String LOG_LEVEL_OF = "--log-level-of ";
  private static final String LOG_LEVEL_ENV = "CIO_LOG_LEVEL_";

  /** The log settings of {@code relay.log.*}: format and levels as given (checked), null when not set. */
  public record LogSettings(String format, String level, Map<String, String> levels) {}

  /**
   * What was loaded: the builder (credentials set if given), whether credentials and a target were
   * given, and the log settings.
   */
  public record Result(RelayConfig.Builder builder, boolean hasCredentials, boolean hasTarget, LogSettings logs) {}

  /** A value and where it came from ({@code file relay.properties:3}, {@code environment CIO_RELAY_PORT}, {@code flag --port}). */
  private record Value(String text, String origin) {}

  private RelayConfigLoader() {}

  /** The environment variable for a key: {@code relay.retry.base-delay} → {@code CIO_RELAY_RETRY_BASE_DELAY}. */
  public static String envName(String key) {
    return ConfigKey.envName(key);
  }

  /**
   * Loads the settings.
   *
   * @param file  a properties file, or null
   * @param env   the environment
   * @param flags values given on the command line: by key ({@code relay.port}, as {@code --set} gives
   *     them), by flag ({@code --port}), or {@code --log-level-of LOGGER} for a logger's level
   * @throws ConfigException naming the key, its source, its value and the rule if a value is refused,
   *     or the file is unreadable
   */
  public static Result load(Path file, Map<String, String> env, Map<String, String> flags) {
    Map<String, Value> values = new LinkedHashMap<>();
    if (file != null) {
      readFile(file, values);
    }
    for (ConfigKey k : ConfigKeys.ALL) {
      if (!k.relay() || k.isPattern() || k.kind() == ConfigKey.Kind.SECRET) {
        continue;
      }
      for (String name : k.env()) {
        String e = env.get(name);
        if (e != null && !e.isBlank()) {
          values.put(k.file(), new Value(e.trim(), "environment " + name));
          break;
        }
      }
    }
    env.entrySet().stream().filter(e -> e.getKey().startsWith(LOG_LEVEL_ENV) && e.getValue() != null
            && !e.getValue().isBlank()).sorted(Map.Entry.comparingByKey())
        .forEach(e -> values.put("relay.log.level." + e.getKey().substring(LOG_LEVEL_ENV.length())
            .toLowerCase(Locale.ROOT).replace('_', '.'), new Value(e.getValue().trim(), "environment " + e.getKey())));
    for (Map.Entry<String, String> f : flags.entrySet()) {
      if (f.getValue() == null) {
        continue;
      }
      String name = f.getKey();
      String key;
      String origin;
      if (name.startsWith(LOG_LEVEL_OF)) {
        key = "relay.log.level." + name.substring(LOG_LEVEL_OF.length());
        origin = "flag " + name;
      } else if (name.startsWith("--")) {
        key = ConfigKeys.byFlag(name).map(ConfigKey::file)
            .orElseThrow(() -> new ConfigException("unknown flag " + name + "; the keys and their flags are listed "
                + "in cio-server/README.md (Configuration), and --set KEY=VALUE takes any key"));
        origin = "flag " + name;
      } else {
        key = name;
        origin = "flag --set " + name;
      }
      known(key, origin);
      values.put(key, new Value(f.getValue().trim(), origin));
    }
    // Per-workspace keys from the environment, for the names now known (a flag still wins).
    for (String name : workspaceNames(values)) {
      for (String field : WORKSPACE_FIELDS) {
        String k = "relay.workspace." + name + "." + field;
        String e = env.get(envName(k));
        Value cur = values.get(k);
        if (e != null && !e.isBlank() && (cur == null || !cur.origin().startsWith("flag"))) {
          values.put(k, new Value(e.trim(), "environment " + envName(k)));
        }
      }
    }
    return apply(values, env);
  }

  /** Reads the file's keys, each with its line number for messages. */
  private static void readFile(Path file, Map<String, Value> values) {
    String text;
    Properties p = new Properties();
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
      try (Reader r = new StringReader(text)) {
        p.load(r);
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    }
    Map<String, Integer> lines = lineNumbers(text);
    List<String> keys = new ArrayList<>(p.stringPropertyNames());
    keys.sort(java.util.Comparator.comparing(k -> lines.getOrDefault(k, Integer.MAX_VALUE)));
    for (String k : keys) {
      Integer line = lines.get(k);
      String origin = "file " + file + (line == null ? "" : ":" + line);
      known(k, origin);
      values.put(k, new Value(p.getProperty(k).trim(), origin));
    }
  }

  /** The line each key is on (the first line of its entry), as {@link Properties#load(Reader)} reads keys. */
  static Map<String, Integer> lineNumbers(String text) {
    Map<String, Integer> lines = new LinkedHashMap<>();
    boolean continued = false;
    String[] all = text.split("\r\n|\r|\n", -1);
    for (int i = 0; i < all.length; i++) {
      String line = all[i].stripLeading();
      boolean wasContinued = continued;
      int slashes = 0;
      for (int j = line.length() - 1; j >= 0 && line.charAt(j) == '\\'; j--) {
        slashes++;
      }
      continued = slashes % 2 == 1 && !(line.startsWith("#") || line.startsWith("!"));
      if (wasContinued || line.isEmpty() || line.startsWith("#") || line.startsWith("!")) {
        continue;
      }
      StringBuilder key = new StringBuilder();
      for (int j = 0; j < line.length(); j++) {
        char c = line.charAt(j);
        if (c == '\\' && j + 1 < line.length()) {
          key.append(line.charAt(++j));
        } else if (c == '=' || c == ':' || Character.isWhitespace(c)) {
          break;
        } else {
          key.append(c);
        }
      }
      lines.put(key.toString(), i + 1);
    }
    return lines;
  }

  /** @throws ConfigException if the key is not in the table or is a secret */
  private static ConfigKey known(String key, String origin) {
    Optional<ConfigKey> k = ConfigKeys.byFile(key);
    if (k.isEmpty()) {
      throw new ConfigException("unknown key " + key + " (" + origin + "); the keys are listed in cio-server/README.md "
          + "(Configuration)");
    }
    if (k.get().kind() == ConfigKey.Kind.SECRET) {
      String env = k.get().env().get(0);
      Matcher m = WORKSPACE_KEY.matcher(key);
      if (m.matches()) {
        env = env.replace("<NAME>", m.group(1).toUpperCase(Locale.ROOT).replace('-', '_'));
      }
      throw new ConfigException(key + " is a secret and may not be set in " + origin.replaceFirst("^file ", "")
          + "; set " + env + " or " + env + "_FILE instead");
    }
    return k.get();
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
    List<String> names = new ArrayList<>();
    for (String part : v.text().split(",")) {
      String n = part.trim();
      if (n.isEmpty()) {
        throw refused("relay.workspaces", v, "must be a comma-separated list of names");
      }
      if (names.contains(n)) {
        throw refused("relay.workspaces", v, "lists " + n + " twice");
      }
      names.add(n);
    }
    return names;
  }

  private static Result apply(Map<String, Value> v, Map<String, String> env) {
    ConfigTarget t = new ConfigTarget();
    for (ConfigKey k : ConfigKeys.ALL) {
      if (k.binding() == null) {
        continue;
      }
      if (!k.isPattern()) {
        bind(k, k.file(), v.get(k.file()), t);
        continue;
      }
      for (Map.Entry<String, Value> e : v.entrySet()) {
        if (k.pattern().matcher(e.getKey()).matches()) {
          bind(k, e.getKey(), e.getValue(), t);
        }
      }
    }
    RelayConfig.Builder b = t.relay;
    if (v.containsKey("relay.rate-limit") || v.containsKey("relay.rate-limit-headroom")) {
      built(v, () -> b.rateLimit(RateLimitConfig.of(t.requestsPerSecond, t.headroom)));
    }
    built(v, () -> b.retry(t.retry.build()));
    built(v, () -> b.breaker(t.breaker.build()));
    built(v, () -> b.limits(t.limits.build()));
    tls(v, env, b);

    List<String> names = workspaceNames(v);
    for (String k : v.keySet()) {
      Matcher m = WORKSPACE_KEY.matcher(k);
      if (m.matches() && !names.contains(m.group(1))) {
        throw new ConfigException(k + " is set but workspace " + m.group(1) + " is not listed in relay.workspaces"
            + (names.isEmpty() ? " (not set)" : " " + names) + " (" + v.get(k).origin() + ")");
      }
    }
    List<RelayWorkspace> workspaces = new ArrayList<>();
    for (String name : names) {
      workspaces.add(workspace(name, v, env));
    }
    workspaces.forEach(w -> guard(v, "relay.workspaces", () -> b.workspace(w)));
    for (String name : names) {
      set(v, "relay.workspace." + name + ".api", s -> b.api(name, io.ciorelay.delivery.Api.parse(s)));
    }
    if (v.containsKey("relay.routing")) {
      io.ciorelay.delivery.routing.Routing r = routing(v, workspaces.isEmpty()
          ? List.of(RelayWorkspace.DEFAULT_NAME) : names, workspaces);
      b.routing(r);
    } else {
      for (String k : List.of("relay.routing.attribute", "relay.routing.values", "relay.routing.default")) {
        if (v.containsKey(k)) {
          throw new ConfigException(k + " is set but relay.routing is not (" + v.get(k).origin() + ")");
        }
      }
    }
    String site = v.containsKey("relay.site-id") ? v.get("relay.site-id").text() : null;
    String key = secret(env, ENV_API_KEY);
    boolean creds = (site != null && key != null) || !workspaces.isEmpty();
    if (!workspaces.isEmpty()) {
      // relay.site-id and CIO_API_KEY are not used by a multi-workspace relay.
    } else if (creds) {
      guard(v, "relay.site-id", () -> b.credentials(site, key));
    } else if (site != null || key != null) {
      throw new ConfigException("credentials are incomplete: set both " + ENV_SITE_ID + " and " + ENV_API_KEY
          + " (or " + ENV_API_KEY + "_FILE); " + (site == null ? ENV_SITE_ID : ENV_API_KEY) + " is missing");
    }
    secretSetting(ENV_ADMIN_TOKEN, () -> b.adminToken(secret(env, ENV_ADMIN_TOKEN)));
    secretSetting(ENV_DASHBOARD_VIEWER_TOKEN, () -> b.dashboardViewerToken(secret(env, ENV_DASHBOARD_VIEWER_TOKEN)));
    b.webhookSigningKey(secret(env, ENV_WEBHOOK_SIGNING_KEY));
    if (workspaces.isEmpty()) {
      secretSetting(ENV_PIPELINES_WRITE_KEY,
          () -> b.pipelinesWriteKey(RelayWorkspace.DEFAULT_NAME, secret(env, ENV_PIPELINES_WRITE_KEY)));
    } else {
      for (RelayWorkspace w : workspaces) {
        String name = workspaceWriteKeyEnv(w.name());
        secretSetting(name, () -> b.pipelinesWriteKey(w.name(), secret(env, name)));
      }
    }
    built(v, b::checkDelivery);
    return new Result(b, creds, v.containsKey("relay.target"),
        new LogSettings(t.logFormat, t.logLevel, Map.copyOf(t.logLevels)));
  }

  private static void bind(ConfigKey k, String key, Value val, ConfigTarget t) {
    if (val == null) {
      return;
    }
    try {
      k.binding().apply(t, key, val.text());
    } catch (IllegalArgumentException | NullPointerException | IllegalStateException e) {
      throw refused(key, val, e.getMessage());
    }
  }

  /** {@code <key> = '<value>' (<origin>): <rule>}. */
  private static ConfigException refused(String key, Value val, String rule) {
    // A URL's user info (a Redis password) is never shown, even when it does not parse.
    String shown = val.text().replaceFirst("(?<=://).*@", "***@");
    return new ConfigException(key + " = '" + shown + "' (" + val.origin() + "): " + rule);
  }

  /**
   * Runs a build that checks rules spanning settings; a refusal is named after the key whose setter
   * its message starts with ({@code maxDelay must be …} → {@code relay.retry.max-delay}).
   */
  private static void built(Map<String, Value> values, Runnable build) {
    try {
      build.run();
    } catch (IllegalArgumentException | IllegalStateException e) {
      String msg = String.valueOf(e.getMessage());
      String first = msg.split("[ =:(]", 2)[0];
      for (ConfigKey k : ConfigKeys.ALL) {
        Value val = k.file() == null ? null : values.get(k.file());
        if (val != null && k.setter() != null && k.setter().matches(".*#" + Pattern.quote(first) + "\\b.*")) {
          throw refused(k.file(), val, msg);
        }
      }
      throw new ConfigException(msg);
    }
  }

  private static void secretSetting(String env, Runnable r) {
    try {
      r.run();
    } catch (IllegalArgumentException e) {
      throw new ConfigException(env + ": " + e.getMessage());
    }
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
          throw new ConfigException(k + " is set but neither relay.tls.keystore nor relay.tls.certificate is ("
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
    set(v, p + "region", s -> region[0] = ConfigValues.region(s));
    set(v, p + "target", s -> target[0] = RelayConfig.normalizeTarget(ConfigValues.uri(s)));
    RateLimitConfig rate = null;
    if (v.containsKey(p + "rate-limit") || v.containsKey(p + "rate-limit-headroom")) {
      double[] r = {RateLimitConfig.DEFAULT_REQUESTS_PER_SECOND, RateLimitConfig.DEFAULT_HEADROOM};
      set(v, p + "rate-limit", s -> r[0] = ConfigValues.number(s));
      set(v, p + "rate-limit-headroom", s -> r[1] = ConfigValues.number(s));
      String rk = v.containsKey(p + "rate-limit") ? p + "rate-limit" : p + "rate-limit-headroom";
      RateLimitConfig[] out = new RateLimitConfig[1];
      guard(v, rk, () -> out[0] = RateLimitConfig.of(r[0], r[1]));
      rate = out[0];
    }
    try {
      return new RelayWorkspace(name, site.text(), key, region[0], target[0], rate);
    } catch (IllegalArgumentException e) {
      throw refused("relay.workspaces", v.get("relay.workspaces"), e.getMessage());
    }
  }

  private static io.ciorelay.delivery.routing.Routing routing(Map<String, Value> v, List<String> names,
      List<RelayWorkspace> workspaces) {
    Value rule = v.get("relay.routing");
    String attr = v.containsKey("relay.routing.attribute") ? v.get("relay.routing.attribute").text() : null;
    Value dflt = v.get("relay.routing.default");
    if (dflt != null && !names.contains(dflt.text())) {
      throw refused("relay.routing.default", dflt, "names workspace " + dflt.text() + " which is not configured " + names);
    }
    String fallback = dflt == null ? null : dflt.text();
    try {
      return switch (rule.text().toLowerCase(Locale.ROOT)) {
        case "credentials" -> null;
        case "hash" -> io.ciorelay.delivery.routing.Routing.byHash(names);
        case "attribute" -> {
          if (attr == null) {
            throw refused("relay.routing", rule, "attribute needs relay.routing.attribute (the attribute to route by)");
          }
          Value vals = v.get("relay.routing.values");
          if (vals == null) {
            throw refused("relay.routing", rule, "attribute needs relay.routing.values, e.g. acme=us,globex=eu");
          }
          Map<String, String> map = new LinkedHashMap<>();
          for (String pair : vals.text().split(",")) {
            String[] kv = pair.split("=", 2);
            if (kv.length != 2 || kv[0].isBlank() || !names.contains(kv[1].trim())) {
              throw refused("relay.routing.values", vals, "must be value=workspace pairs naming configured workspaces "
                  + names + " but had '" + pair.trim() + "'");
            }
            map.put(kv[0].trim(), kv[1].trim());
          }
          yield io.ciorelay.delivery.routing.Routing.byAttribute(attr, map, fallback);
        }
        case "region-hint" -> {
          Map<io.ciorelay.client.Region, String> regions = new java.util.EnumMap<>(io.ciorelay.client.Region.class);
          for (RelayWorkspace w : workspaces) {
            String prev = regions.putIfAbsent(w.region(), w.name());
            if (prev != null) {
              throw refused("relay.routing", rule, "workspaces " + prev + " and " + w.name()
                  + " are both in region " + w.region() + "; a hint could not choose between them");
            }
          }
          if (regions.isEmpty()) {
            throw refused("relay.routing", rule, "region-hint needs relay.workspaces");
          }
          yield io.ciorelay.delivery.routing.Routing.byRegionHint(attr == null ? "region" : attr, regions, fallback);
        }
        default -> throw refused("relay.routing", rule, "must be credentials, hash, attribute or region-hint");
      };
    } catch (IllegalArgumentException e) {
      throw refused("relay.routing", rule, e.getMessage());
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

  private static void set(Map<String, Value> values, String key, Consumer<String> setter) {
    Value val = values.get(key);
    if (val == null) {
      return;
    }
    try {
      setter.accept(val.text());
    } catch (ConfigException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw refused(key, val, e.getMessage());
    }
  }

  private static void guard(Map<String, Value> values, String key, Runnable r) {
    try {
      r.run();
    } catch (ConfigException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      Value val = values.get(key);
      throw val == null ? new ConfigException(key + ": " + e.getMessage()) : refused(key, val, e.getMessage());
    }
  }
}
