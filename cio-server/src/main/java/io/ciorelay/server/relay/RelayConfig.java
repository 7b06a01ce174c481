package io.ciorelay.server.relay;

import io.ciorelay.client.Region;
import io.ciorelay.delivery.CustomerIoConfig;
import io.ciorelay.delivery.breaker.BreakerConfig;
import io.ciorelay.delivery.ratelimit.RateLimitConfig;
import io.ciorelay.delivery.retry.RetryConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The relay's settings: where it listens, where it stores the outbox, where it delivers, its
 * request limits, and the library settings it passes on ({@link RetryConfig}, {@link BreakerConfig},
 * {@link RateLimitConfig}).
 *
 * <p>Built with {@link #builder()} or read from a properties file, the environment and flags by
 * {@link RelayConfigLoader}. Defaults: port {@value #DEFAULT_PORT} on {@code 0.0.0.0}, data in
 * {@code ./cio-data}, the workspace's region (US), request bodies up to
 * {@value #DEFAULT_MAX_BODY_BYTES} bytes, JSON nesting up to {@value #DEFAULT_MAX_JSON_DEPTH},
 * durability wait 10 s, shutdown deadline 20 s. Secrets (API key, admin token, webhook signing key)
 * are held but never shown by {@link #toString()}. Immutable and thread-safe.
 */
public final class RelayConfig {
  public static final int DEFAULT_PORT = 8080;
  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final Path DEFAULT_DATA_DIR = Path.of("cio-data");
  public static final int DEFAULT_MAX_BODY_BYTES = 1_000_000;
  public static final int DEFAULT_MAX_JSON_DEPTH = 32;
  public static final Duration DEFAULT_DURABLE_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(20);
  public static final int DEFAULT_RETRY_AFTER_SECONDS = 5;
  public static final String DEFAULT_STORE_PREFIX = "cio";
  public static final long DEFAULT_MAX_JSON_TOKENS = 50_000;
  public static final int DEFAULT_MAX_BATCH_OPERATIONS = 10_000;

  private final int port;
  private final String host;
  private final Path dataDir;
  private final URI target;
  private final Region region;
  private final String siteId;
  private final String apiKey;
  private final String adminToken;
  private final String webhookSigningKey;
  private final String dashboardViewerToken;
  private final int maxBodyBytes;
  private final int maxJsonDepth;
  private final Duration durableTimeout;
  private final Duration shutdownTimeout;
  private final java.util.List<java.util.function.Consumer<CustomerIoConfig.Builder>> delivery;
  private final CustomerIoConfig deliveryProbe;
  private final java.util.List<java.util.function.Consumer<io.ciorelay.redis.RedisStoreConfig.Builder>> redis;
  private final java.util.List<java.util.function.Consumer<io.ciorelay.server.webhook.WebhookConfig.Builder>> webhook;
  /** Whether relay.rate-limit was set (else each workspace uses its API's default). */
  private final boolean rateLimitSet;
  private final io.ciorelay.delivery.Api api;
  private final java.util.Map<String, io.ciorelay.delivery.Api> apis;
  private final java.util.List<RelayWorkspace> workspaces;
  private final io.ciorelay.delivery.routing.Routing routing;
  private final URI store;
  private final String storePrefix;
  private final Integer storeShards;
  private final Duration storeLeaseTtl;
  private final java.util.Map<String, String> pipelinesWriteKeys;
  private final HttpLimits limits;
  private final TlsConfig tls;
  private final Integer webhookPort;
  private final Integer managementPort;

  private RelayConfig(Builder b) {
    this.pipelinesWriteKeys = java.util.Map.copyOf(b.pipelinesWriteKeys);
    this.limits = b.limits;
    this.tls = b.tls;
    this.webhookPort = b.webhookPort;
    this.managementPort = b.managementPort;
    this.port = b.port;
    this.host = b.host;
    this.dataDir = b.dataDir;
    this.target = b.target;
    this.region = b.region;
    this.siteId = b.siteId;
    this.apiKey = b.apiKey;
    this.adminToken = b.adminToken;
    this.webhookSigningKey = b.webhookSigningKey;
    this.dashboardViewerToken = b.dashboardViewerToken;
    this.maxBodyBytes = b.maxBodyBytes;
    this.maxJsonDepth = b.maxJsonDepth;
    this.durableTimeout = b.durableTimeout;
    this.shutdownTimeout = b.shutdownTimeout;
    this.delivery = java.util.List.copyOf(b.delivery);
    this.deliveryProbe = b.checkDelivery();
    this.redis = java.util.List.copyOf(b.redis);
    this.webhook = java.util.List.copyOf(b.webhook);
    this.rateLimitSet = b.rateLimitSet;
    this.api = b.api;
    this.apis = java.util.Map.copyOf(b.apis);
    this.workspaces = b.workspaces.isEmpty()
        ? java.util.List.of(new RelayWorkspace(RelayWorkspace.DEFAULT_NAME, b.siteId, b.apiKey, b.region, b.target, null))
        : java.util.List.copyOf(b.workspaces);
    this.routing = b.routing;
    this.store = b.store;
    this.storePrefix = b.storePrefix;
    this.storeShards = b.storeShards;
    this.storeLeaseTtl = b.storeLeaseTtl;
  }

  /** The limits on connections, threads, reading, writing and per-request work (see {@link HttpLimits}). */
  public HttpLimits limits() {
    return limits;
  }

  /** How HTTPS is served on every listener, or null for plain HTTP. */
  public TlsConfig tls() {
    return tls;
  }

  /**
   * The port of the webhook route's own listener (own threads and connection cap; the route is
   * then not served on the main port), or null to serve it on the main port.
   */
  public Integer webhookPort() {
    return webhookPort;
  }

  /**
   * The port of the management listener that alone serves {@code /metrics} and
   * {@code /health/customerio} (liveness and readiness stay on the main port too), or null to serve
   * them on the main port.
   */
  public Integer managementPort() {
    return managementPort;
  }

  /** The shared store ({@code redis://…}), or null for the embedded SQLite file under {@link #dataDir()}. */
  public URI store() {
    return store;
  }

  /** The key prefix in the shared store (default {@value #DEFAULT_STORE_PREFIX}). */
  public String storePrefix() {
    return storePrefix;
  }

  /** Shards (ordered partitions) per workspace in the shared store, or null for the store's default. */
  public Integer storeShards() {
    return storeShards;
  }

  /** How long a relay's claim on a shard lasts without renewal, or null for the store's default. */
  public Duration storeLeaseTtl() {
    return storeLeaseTtl;
  }

  /**
   * The Data Pipelines write keys clients authenticate with on {@code /v1/batch} and friends, by
   * workspace name (secrets); empty when the Pipelines routes are not enabled.
   */
  public java.util.Map<String, String> pipelinesWriteKeys() {
    return pipelinesWriteKeys;
  }

  /** The timeout of one request to Customer.io. */
  public Duration requestTimeout() {
    return deliveryProbe.client().requestTimeout();
  }

  /** How long a part-full batch waits for more operations. */
  public Duration linger() {
    return deliveryProbe.linger();
  }

  /**
   * The Redis store's settings of {@code relay.store-*} beyond URI, prefix, shards and lease (poll
   * interval, command timeout, replicas, relay id), in the order they were set; each was checked by
   * {@link io.ciorelay.redis.RedisStoreConfig.Builder} when it was set.
   */
  public void applyRedis(io.ciorelay.redis.RedisStoreConfig.Builder b) {
    redis.forEach(s -> s.accept(b));
  }

  /**
   * The webhook receiver's builder with every {@code relay.webhook.*} setting applied (signing key
   * and store path still to be set); each was checked by {@link io.ciorelay.server.webhook.WebhookConfig.Builder}
   * when it was set.
   */
  public io.ciorelay.server.webhook.WebhookConfig.Builder webhookConfig() {
    io.ciorelay.server.webhook.WebhookConfig.Builder b = io.ciorelay.server.webhook.WebhookConfig.builder();
    webhook.forEach(s -> s.accept(b));
    return b;
  }

  /** The store URI with any password replaced by {@code ***}. */
  public static String redact(URI uri) {
    if (uri == null) {
      return "sqlite";
    }
    // Everything between "://" and the last '@' is masked, whether or not the URI parsed it as user
    // info (an unencoded '@' in a password leaves getRawUserInfo() null).
    String text = uri.toString();
    int scheme = text.indexOf("://");
    int at = text.lastIndexOf('@');
    return scheme >= 0 && at > scheme ? text.substring(0, scheme + 3) + "***" + text.substring(at) : text;
  }

  public static Builder builder() {
    return new Builder();
  }

  public int port() {
    return port;
  }

  public String host() {
    return host;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** The Customer.io base URL to deliver to (without {@code /api/v1}); the region's when not set. */
  public URI target() {
    return target != null ? target : region.trackBaseUrl();
  }

  /** Whether a target was given explicitly. */
  public boolean hasTarget() {
    return target != null;
  }

  public Region region() {
    return region;
  }

  public String siteId() {
    return siteId;
  }

  /** The workspace API key (secret). */
  public String apiKey() {
    return apiKey;
  }

  /** The admin API bearer token (secret), or null when the admin API is disabled. */
  public String adminToken() {
    return adminToken;
  }

  /** The dashboard's read-only viewer token (secret), or null when there is none. */
  public String dashboardViewerToken() {
    return dashboardViewerToken;
  }

  /** The webhook signing key (secret), or null; for the webhook receiver. */
  public String webhookSigningKey() {
    return webhookSigningKey;
  }

  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  public int maxJsonDepth() {
    return maxJsonDepth;
  }

  /** How long a request waits for its operations to be committed to disk before answering 503. */
  public Duration durableTimeout() {
    return durableTimeout;
  }

  /** How long shutdown keeps delivering before leaving the rest on disk. */
  public Duration shutdownTimeout() {
    return shutdownTimeout;
  }

  public RetryConfig retry() {
    return deliveryProbe.retry();
  }

  public BreakerConfig breaker() {
    return deliveryProbe.breaker();
  }

  public RateLimitConfig rateLimit() {
    return deliveryProbe.rateLimit();
  }

  /** The library settings every workspace delivers with (those of the first, or only, workspace). */
  public CustomerIoConfig delivery() {
    return deliveryProbe;
  }

  /** The API a workspace delivers to: its {@code relay.workspace.<name>.api}, else {@code relay.api} (default track). */
  public io.ciorelay.delivery.Api api(String workspace) {
    return apis.getOrDefault(workspace, api);
  }

  /** Where and how a workspace delivers, for the banner: e.g. {@code https://cdp.customer.io (Pipelines API)}. */
  public String deliversTo(RelayWorkspace ws) {
    io.ciorelay.delivery.Api a = api(ws.name());
    java.net.URI base = ws.target() != null ? ws.target() : a.baseUrl(ws.region());
    return base + (a == io.ciorelay.delivery.Api.PIPELINES ? " (Pipelines API, /v1/batch)" : " (Track API v2)");
  }

  /**
   * The rate limit a workspace delivers under: its own, else {@code relay.rate-limit} if set, else
   * its API's default (the Pipelines API's 3,000 requests per 3 s, or the Track default).
   */
  public RateLimitConfig rateLimit(RelayWorkspace ws) {
    if (ws.rateLimit() != null) {
      return ws.rateLimit();
    }
    if (rateLimitSet || api(ws.name()) != io.ciorelay.delivery.Api.PIPELINES) {
      return rateLimit();
    }
    return CustomerIoConfig.DEFAULT_PIPELINES_RATE_LIMIT;
  }

  /**
   * The workspaces delivered to, in configuration order: the ones of {@code relay.workspaces}, or
   * one named {@value RelayWorkspace#DEFAULT_NAME} from {@code relay.site-id} and friends.
   */
  public java.util.List<RelayWorkspace> workspaces() {
    return workspaces;
  }

  /**
   * The rule that picks each operation's workspace, or null to route by the credentials the
   * client authenticated with (the default).
   */
  public io.ciorelay.delivery.routing.Routing routing() {
    return routing;
  }

  /** The library configuration of the first (or only) workspace. */
  public CustomerIoConfig.Builder toCustomerIoConfig() {
    return toCustomerIoConfig(workspaces.get(0));
  }

  /**
   * The library configuration one workspace delivers with (credentials, API and write key, target,
   * store, policies).
   * The single default workspace keeps its outbox at {@code data/outbox.db}; named workspaces of
   * {@code relay.workspaces} each get {@code data/<name>/outbox.db}.
   */
  public CustomerIoConfig.Builder toCustomerIoConfig(RelayWorkspace ws) {
    boolean single = workspaces.size() == 1 && ws.name().equals(RelayWorkspace.DEFAULT_NAME);
    CustomerIoConfig.Builder b = CustomerIoConfig.builder()
        .workspace(ws.name())
        .credentials(ws.siteId(), ws.apiKey())
        .region(ws.region())
        .storagePath(single ? dataDir.resolve("outbox.db") : dataDir.resolve(ws.name()).resolve("outbox.db"))
        .api(api(ws.name()));
    if (api(ws.name()) == io.ciorelay.delivery.Api.PIPELINES) {
      // The write key clients authenticate with is the one the relay delivers with.
      b.pipelinesWriteKey(pipelinesWriteKeys.get(ws.name()));
    }
    // A rate limit the relay does not set is the workspace API's default, chosen by the library.
    delivery.forEach(s -> s.accept(b));
    if (ws.rateLimit() != null) {
      b.rateLimit(ws.rateLimit());
    }
    if (ws.target() != null) {
      b.baseUrl(ws.target());
    }
    return b;
  }

  /** The settings without secrets (a secret shows as set or not set). */
  @Override
  public String toString() {
    return "relay.host=" + host + "\nrelay.port=" + port + "\nrelay.data=" + dataDir
        + "\nrelay.store=" + redact(store) + (store == null ? "" : " (prefix " + storePrefix + ")")
        + "\nrelay.target=" + target() + (target == null ? " (region " + region.name().toLowerCase(java.util.Locale.ROOT) + ")" : "")
        + "\nrelay.site-id=" + (siteId == null ? "(not set)" : siteId)
        + (workspaces.size() > 1 || !workspaces.get(0).name().equals(RelayWorkspace.DEFAULT_NAME)
            ? "\n" + workspaces.stream().map(RelayWorkspace::toString).collect(java.util.stream.Collectors.joining("\n"))
                + "\nrelay.routing=" + (routing == null ? "credentials" : routing)
            : "")
        + "\napi key: " + (apiKey == null ? "not set" : "set") + ", admin token: " + (adminToken == null ? "not set" : "set")
        + ", webhook signing key: " + (webhookSigningKey == null ? "not set" : "set")
        + ", pipelines write keys: " + (pipelinesWriteKeys.isEmpty() ? "not set" : new java.util.TreeSet<>(pipelinesWriteKeys.keySet()))
        + "\nrelay.max-body-bytes=" + maxBodyBytes + "\nrelay.max-json-depth=" + maxJsonDepth
        + "\nrelay.durable-timeout=" + durableTimeout + "\nrelay.shutdown-timeout=" + shutdownTimeout
        + "\nrelay.request-timeout=" + requestTimeout() + "\nrelay.linger=" + linger()
        + "\nrelay.webhook-port=" + (webhookPort == null ? "(main port)" : webhookPort)
        + "\nrelay.management-port=" + (managementPort == null ? "(main port)" : managementPort)
        + "\n" + limits + (tls == null ? "\nrelay.tls: off" : "\n" + tls)
        + "\n" + retry() + "\n" + breaker() + "\n" + rateLimit()
        + "\nrelay.api=" + api.name().toLowerCase(java.util.Locale.ROOT) + (apis.isEmpty() ? "" : " " + apis);
  }

  /**
   * Checks a Customer.io base URL (http or https with a host) and drops a trailing {@code /api/v1}.
   *
   * @throws IllegalArgumentException naming the problem
   */
  static URI normalizeTarget(URI v) {
    String s = v.toString();
    if (v.getScheme() == null || !(v.getScheme().equals("http") || v.getScheme().equals("https")) || v.getHost() == null) {
      throw new IllegalArgumentException("target must be an http(s) URL like https://track.customer.io but was '" + s + "'");
    }
    s = s.replaceAll("/+$", "");
    if (s.endsWith("/api/v1")) {
      s = s.substring(0, s.length() - "/api/v1".length());
    }
    return URI.create(s);
  }

  /** Builder for {@link RelayConfig}; setters reject bad values at once. Not thread-safe. */
  public static final class Builder {
    private int port = DEFAULT_PORT;
    private String host = DEFAULT_HOST;
    private Path dataDir = DEFAULT_DATA_DIR;
    private URI target;
    private Region region = Region.US;
    private String siteId;
    private String apiKey;
    private String adminToken;
    private String webhookSigningKey;
    private String dashboardViewerToken;
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private int maxJsonDepth = DEFAULT_MAX_JSON_DEPTH;
    private Duration durableTimeout = DEFAULT_DURABLE_TIMEOUT;
    private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
    private Duration requestTimeout = io.ciorelay.client.TrackClientConfig.DEFAULT_REQUEST_TIMEOUT;
    /** The library settings, replayed onto each workspace's builder; each checked on {@link #deliveryCheck} first. */
    private final java.util.List<java.util.function.Consumer<CustomerIoConfig.Builder>> delivery = new java.util.ArrayList<>();
    private final CustomerIoConfig.Builder deliveryCheck = CustomerIoConfig.builder().credentials("check", "check");
    private final java.util.List<java.util.function.Consumer<io.ciorelay.redis.RedisStoreConfig.Builder>> redis =
        new java.util.ArrayList<>();
    private final io.ciorelay.redis.RedisStoreConfig.Builder redisCheck = io.ciorelay.redis.RedisStoreConfig.builder();
    private final java.util.List<java.util.function.Consumer<io.ciorelay.server.webhook.WebhookConfig.Builder>> webhook =
        new java.util.ArrayList<>();
    private final io.ciorelay.server.webhook.WebhookConfig.Builder webhookCheck =
        io.ciorelay.server.webhook.WebhookConfig.builder();
    private boolean rateLimitSet;
    private io.ciorelay.delivery.Api api = CustomerIoConfig.DEFAULT_API;
    private final java.util.Map<String, io.ciorelay.delivery.Api> apis = new java.util.LinkedHashMap<>();
    private final java.util.List<RelayWorkspace> workspaces = new java.util.ArrayList<>();
    private io.ciorelay.delivery.routing.Routing routing;
    private URI store;
    private String storePrefix = DEFAULT_STORE_PREFIX;
    private Integer storeShards;
    private Duration storeLeaseTtl;
    private final java.util.Map<String, String> pipelinesWriteKeys = new java.util.LinkedHashMap<>();
    private HttpLimits limits = HttpLimits.defaults();
    private TlsConfig tls;
    private Integer webhookPort;
    private Integer managementPort;

    private Builder() {}

    public Builder limits(HttpLimits v) {
      this.limits = Objects.requireNonNull(v, "limits");
      return this;
    }

    /** Serves HTTPS with this certificate on every listener; null for plain HTTP. */
    public Builder tls(TlsConfig v) {
      this.tls = v;
      return this;
    }

    /** Gives the webhook route its own listener on this port (0 picks a free one); null keeps it on the main port. */
    public Builder webhookPort(Integer v) {
      this.webhookPort = v == null ? null : checkPort("webhookPort", v);
      return this;
    }

    /** Serves {@code /metrics} and {@code /health/customerio} only on this port (0 picks a free one); null keeps them on the main port. */
    public Builder managementPort(Integer v) {
      this.managementPort = v == null ? null : checkPort("managementPort", v);
      return this;
    }

    private static int checkPort(String name, int v) {
      if (v < 0 || v > 65535) {
        throw new IllegalArgumentException(name + " must be in 0..65535 but was " + v);
      }
      return v;
    }

    /**
     * Sets the Data Pipelines write key of a workspace ({@value RelayWorkspace#DEFAULT_NAME} for a
     * single-workspace relay); null removes it.
     */
    public Builder pipelinesWriteKey(String workspace, String writeKey) {
      Objects.requireNonNull(workspace, "workspace");
      if (writeKey == null) {
        pipelinesWriteKeys.remove(workspace);
        return this;
      }
      if (writeKey.isBlank() || writeKey.contains(":")) {
        throw new IllegalArgumentException("pipelines write key of workspace " + workspace
            + " must not be blank or contain ':'");
      }
      pipelinesWriteKeys.put(workspace, writeKey);
      return this;
    }

    /**
     * Keeps the outbox in a shared Redis ({@code redis://[:password@]host:port/db} or
     * {@code rediss://…}), or a Redis Cluster ({@code redis-cluster://[:password@]host:port,host:port,…}),
     * so several relays serve one workspace; null (or {@code sqlite}) for the embedded SQLite file.
     */
    public Builder store(URI v) {
      if (v == null || "sqlite".equals(v.toString())) {
        this.store = null;
        return this;
      }
      boolean cluster = "redis-cluster".equals(v.getScheme()) || "rediss-cluster".equals(v.getScheme());
      if (cluster ? v.getRawAuthority() == null
          : !("redis".equals(v.getScheme()) || "rediss".equals(v.getScheme())) || v.getHost() == null) {
        throw new IllegalArgumentException("store must be redis://host:port/db, rediss://host:port/db,"
            + " redis-cluster://host:port,host:port,… or sqlite but was '" + redact(v) + "'");
      }
      redisCheck.uri(v.toString());
      this.store = v;
      return this;
    }

    /** The key prefix; checked by {@link io.ciorelay.redis.RedisStoreConfig.Builder#prefix}. */
    public Builder storePrefix(String v) {
      redisCheck.prefix(v);
      this.storePrefix = v;
      return this;
    }

    /** Shards per workspace; checked by {@link io.ciorelay.redis.RedisStoreConfig.Builder#shards}. */
    public Builder storeShards(int v) {
      redisCheck.shards(v);
      this.storeShards = v;
      return this;
    }

    /** The shard lease; checked by {@link io.ciorelay.redis.RedisStoreConfig.Builder#leaseTtl}. */
    public Builder storeLeaseTtl(Duration v) {
      redisCheck.leaseTtl(v);
      this.storeLeaseTtl = v;
      return this;
    }

    /**
     * Adds a workspace (several make a multi-workspace relay; the single-workspace settings
     * {@code credentials}, {@code region} and {@code target} are then not used).
     */
    public Builder workspace(RelayWorkspace v) {
      Objects.requireNonNull(v, "workspace");
      for (RelayWorkspace w : workspaces) {
        if (w.name().equals(v.name())) {
          throw new IllegalArgumentException("workspace " + v.name() + " is configured twice");
        }
        if (w.siteId().equals(v.siteId()) && w.apiKey().equals(v.apiKey())) {
          throw new IllegalArgumentException("workspaces " + w.name() + " and " + v.name()
              + " have the same credentials; clients could not be told apart");
        }
      }
      workspaces.add(v);
      return this;
    }

    /** Routes operations by this rule instead of by the client's credentials. */
    public Builder routing(io.ciorelay.delivery.routing.Routing v) {
      this.routing = v;
      return this;
    }

    public Builder port(int v) {
      if (v < 0 || v > 65535) {
        throw new IllegalArgumentException("port must be in 0..65535 but was " + v);
      }
      this.port = v;
      return this;
    }

    public Builder host(String v) {
      if (v == null || v.isBlank()) {
        throw new IllegalArgumentException("host must not be blank but was '" + v + "'");
      }
      this.host = v;
      return this;
    }

    public Builder dataDir(Path v) {
      this.dataDir = Objects.requireNonNull(v, "dataDir");
      return this;
    }

    /** The Customer.io base URL (scheme, host, optional port); a trailing {@code /api/v1} is ignored. */
    public Builder target(URI v) {
      this.target = v == null ? null : normalizeTarget(v);
      return this;
    }

    public Builder region(Region v) {
      this.region = Objects.requireNonNull(v, "region");
      return this;
    }

    public Builder credentials(String siteId, String apiKey) {
      if (siteId == null || siteId.isBlank()) {
        throw new IllegalArgumentException("site id must not be blank");
      }
      if (apiKey == null || apiKey.isBlank()) {
        throw new IllegalArgumentException("API key must not be blank");
      }
      this.siteId = siteId;
      this.apiKey = apiKey;
      return this;
    }

    /** Enables the admin API with this bearer token; null disables it. */
    public Builder adminToken(String v) {
      if (v != null && v.length() < 8) {
        throw new IllegalArgumentException("admin token must be at least 8 characters but was " + v.length());
      }
      this.adminToken = v;
      return this;
    }

    /** A read-only token for the dashboard (it sees, but cannot act); null for none. */
    public Builder dashboardViewerToken(String v) {
      if (v != null && v.length() < 8) {
        throw new IllegalArgumentException("dashboard viewer token must be at least 8 characters but was " + v.length());
      }
      this.dashboardViewerToken = v;
      return this;
    }

    public Builder webhookSigningKey(String v) {
      this.webhookSigningKey = v;
      return this;
    }

    public Builder maxBodyBytes(int v) {
      if (v < 1024 || v > 100_000_000) {
        throw new IllegalArgumentException("maxBodyBytes must be in 1024..100000000 but was " + v);
      }
      this.maxBodyBytes = v;
      return this;
    }

    public Builder maxJsonDepth(int v) {
      if (v < 4 || v > 1000) {
        throw new IllegalArgumentException("maxJsonDepth must be in 4..1000 but was " + v);
      }
      this.maxJsonDepth = v;
      return this;
    }

    public Builder durableTimeout(Duration v) {
      this.durableTimeout = positive("durableTimeout", v);
      return this;
    }

    public Builder shutdownTimeout(Duration v) {
      if (v == null || v.isNegative()) {
        throw new IllegalArgumentException("shutdownTimeout must be zero or positive but was " + v);
      }
      this.shutdownTimeout = v;
      return this;
    }

    /**
     * A library setting every workspace delivers with, e.g. {@code b -> b.linger(d)}. It is applied
     * at once to a builder of the library's, so a bad value is refused here, by the library's own
     * rule ({@link CustomerIoConfig.Builder}); then replayed onto each workspace's builder.
     *
     * @throws IllegalArgumentException from the library's setter
     */
    public Builder delivery(java.util.function.Consumer<CustomerIoConfig.Builder> setting) {
      setting.accept(deliveryCheck);
      delivery.add(setting);
      return this;
    }

    /** A Redis store setting ({@link io.ciorelay.redis.RedisStoreConfig.Builder}), checked at once as {@link #delivery}. */
    public Builder redis(java.util.function.Consumer<io.ciorelay.redis.RedisStoreConfig.Builder> setting) {
      setting.accept(redisCheck);
      redis.add(setting);
      return this;
    }

    /** A webhook receiver setting ({@link io.ciorelay.server.webhook.WebhookConfig.Builder}), checked at once as {@link #delivery}. */
    public Builder webhook(java.util.function.Consumer<io.ciorelay.server.webhook.WebhookConfig.Builder> setting) {
      setting.accept(webhookCheck);
      webhook.add(setting);
      return this;
    }

    /** The library's rules that span settings ({@link CustomerIoConfig.Builder#build()}), on the settings so far. */
    CustomerIoConfig checkDelivery() {
      try {
        return deliveryCheck.build();
      } catch (IllegalStateException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }

    public Builder requestTimeout(Duration v) {
      delivery(b -> b.requestTimeout(v));
      this.requestTimeout = v;
      return this;
    }

    public Builder linger(Duration v) {
      return delivery(b -> b.linger(v));
    }

    public Builder lanes(int v) {
      return delivery(b -> b.lanes(v));
    }

    public Builder maxPendingOperations(long v) {
      return delivery(b -> b.maxPendingOperations(v));
    }

    public Builder retry(RetryConfig v) {
      return delivery(b -> b.retry(v));
    }

    public Builder breaker(BreakerConfig v) {
      return delivery(b -> b.breaker(v));
    }

    public Builder rateLimit(RateLimitConfig v) {
      delivery(b -> b.rateLimit(v));
      this.rateLimitSet = true;
      return this;
    }

    /** The API every workspace delivers to unless its own is set ({@code relay.api}, default track). */
    public Builder api(io.ciorelay.delivery.Api v) {
      this.api = Objects.requireNonNull(v, "api");
      return this;
    }

    /** The API one workspace delivers to ({@code relay.workspace.<name>.api}). */
    public Builder api(String workspace, io.ciorelay.delivery.Api v) {
      apis.put(Objects.requireNonNull(workspace, "workspace"), Objects.requireNonNull(v, "api"));
      return this;
    }

    /** @throws IllegalArgumentException if credentials are missing or a rule spanning settings is broken */
    public RelayConfig build() {
      checkDelivery();
      if (dashboardViewerToken != null && dashboardViewerToken.equals(adminToken)) {
        throw new IllegalArgumentException("the dashboard viewer token must differ from the admin token");
      }
      if (workspaces.isEmpty() && (siteId == null || apiKey == null)) {
        throw new IllegalArgumentException("credentials must be set (CIO_SITE_ID and CIO_API_KEY)");
      }
      if (store != null) {
        Duration lease = storeLeaseTtl != null ? storeLeaseTtl : io.ciorelay.redis.RedisStoreConfig.DEFAULT_LEASE_TTL;
        if (requestTimeout.multipliedBy(3).compareTo(lease.multipliedBy(2)) > 0) {
          throw new IllegalArgumentException("relay.store-lease-ttl (" + lease.toMillis() + " ms) must be at least 1.5 times "
              + "relay.request-timeout (" + requestTimeout.toMillis() + " ms): a relay starts a request only while its lease "
              + "outlasts it, so no other relay can take the shard over while it is in flight");
        }
      }
      java.util.Set<String> known = new java.util.TreeSet<>(workspaces.isEmpty()
          ? java.util.List.of(RelayWorkspace.DEFAULT_NAME) : workspaces.stream().map(RelayWorkspace::name).toList());
      for (String ws : pipelinesWriteKeys.keySet()) {
        if (!known.contains(ws)) {
          throw new IllegalArgumentException("a pipelines write key is set for workspace " + ws
              + " which is not configured (configured: " + known + ")");
        }
      }
      for (String ws : known) {
        if ((apis.getOrDefault(ws, api) == io.ciorelay.delivery.Api.PIPELINES) && !pipelinesWriteKeys.containsKey(ws)) {
          throw new IllegalArgumentException("workspace " + ws + " delivers to the Pipelines API but has no write key: set "
              + (ws.equals(RelayWorkspace.DEFAULT_NAME) && workspaces.isEmpty() ? RelayConfigLoader.ENV_PIPELINES_WRITE_KEY
                  : RelayConfigLoader.workspaceWriteKeyEnv(ws)));
        }
      }
      for (String ws : apis.keySet()) {
        if (!known.contains(ws)) {
          throw new IllegalArgumentException("an api is set for workspace " + ws + " which is not configured (configured: "
              + known + ")");
        }
      }
      if (new java.util.HashSet<>(pipelinesWriteKeys.values()).size() < pipelinesWriteKeys.size()) {
        throw new IllegalArgumentException("two workspaces have the same pipelines write key; clients could not be told apart");
      }
      if (limits.maxBufferedBodyBytes() < maxBodyBytes) {
        throw new IllegalArgumentException("relay.max-buffered-body-bytes (" + limits.maxBufferedBodyBytes()
            + ") must be at least relay.max-body-bytes (" + maxBodyBytes + "), or no largest request could be read");
      }
      for (Integer other : new Integer[] {webhookPort, managementPort}) {
        if (other != null && other != 0 && other == port) {
          throw new IllegalArgumentException("relay.webhook-port and relay.management-port must differ from relay.port ("
              + port + ")");
        }
      }
      if (webhookPort != null && managementPort != null && webhookPort != 0 && webhookPort.equals(managementPort)) {
        throw new IllegalArgumentException("relay.webhook-port and relay.management-port must differ but both are "
            + webhookPort);
      }
      if (routing != null) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        (workspaces.isEmpty() ? java.util.List.of(RelayWorkspace.DEFAULT_NAME)
            : workspaces.stream().map(RelayWorkspace::name).toList()).forEach(names::add);
        java.util.Set<String> unknown = new java.util.TreeSet<>(routing.targets());
        unknown.removeAll(names);
        if (!unknown.isEmpty()) {
          throw new IllegalArgumentException("relay.routing names workspace(s) " + unknown
              + " that are not configured (configured: " + names + ")");
        }
      }
      return new RelayConfig(this);
    }

    private static Duration positive(String name, Duration v) {
      if (v == null || v.isZero() || v.isNegative()) {
        throw new IllegalArgumentException(name + " must be positive but was " + v);
      }
      return v;
    }
  }
}
