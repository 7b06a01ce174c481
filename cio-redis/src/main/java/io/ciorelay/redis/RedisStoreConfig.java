package io.ciorelay.redis;

import io.lettuce.core.RedisURI;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Immutable settings of the Redis store ({@link RedisOutbox}) and the shared rate limiter
 * ({@link RedisRateLimiter}), built with {@link #builder()}.
 *
 * <p>Defaults: key prefix {@value #DEFAULT_PREFIX}, workspace {@value #DEFAULT_WORKSPACE}, shard
 * count taken from the outbox's lane count (16 unless configured), lease TTL 10 s, poll interval
 * 50 ms, command timeout 2 s, no replica wait, relay id {@code <hostname>-<pid>-<random>}, and a
 * private {@link SimpleMeterRegistry}. The Redis URI has no default and must be set.
 *
 * <p>Setters reject a bad value at once with an {@link IllegalArgumentException} (or a
 * {@link NullPointerException} for null) naming the setting and the value; the password of the URI
 * never appears in a message, in {@link #toString()} or in {@link #describe()}.
 *
 * <p>Thread-safe (immutable). The builder is not thread-safe.
 */
public final class RedisStoreConfig {
  public static final String DEFAULT_PREFIX = "cio";
  public static final String DEFAULT_WORKSPACE = "default";
  public static final int MAX_SHARDS = 1024;
  public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(20);
  /** The library's default HTTP request timeout. */
  public static final Duration DEFAULT_MAX_REQUEST_TIME = Duration.ofSeconds(10);
  public static final Duration MIN_LEASE_TTL = Duration.ofMillis(500);
  public static final Duration MAX_LEASE_TTL = Duration.ofMinutes(10);
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(50);
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);
  public static final int DEFAULT_REPLICAS_TO_WAIT = 0;
  public static final Duration DEFAULT_REPLICA_TIMEOUT = Duration.ofSeconds(1);

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  private static final Pattern RELAY_ID = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");

  private final RedisURI uri;
  private final java.util.List<RedisURI> clusterSeeds;
  private final String prefix;
  private final String workspace;
  private final int shards;
  private final Duration leaseTtl;
  private final Duration pollInterval;
  private final String relayId;
  private final Duration commandTimeout;
  private final int replicasToWait;
  private final Duration replicaTimeout;
  private final MeterRegistry meterRegistry;
  private final String identity;
  private final Duration maxRequestTime;
  private final LongSupplier ticker;
  private final Clock clock;
  private final boolean backgroundPolling;
  private final java.util.concurrent.ScheduledExecutorService scheduler;

  private RedisStoreConfig(Builder b) {
    this.uri = b.uri;
    this.clusterSeeds = b.clusterSeeds;
    this.prefix = b.prefix;
    this.workspace = b.workspace;
    this.shards = b.shards;
    this.leaseTtl = b.leaseTtl;
    this.pollInterval = b.pollInterval;
    this.relayId = b.relayId != null ? b.relayId : defaultRelayId();
    this.commandTimeout = b.commandTimeout;
    this.replicasToWait = b.replicasToWait;
    this.replicaTimeout = b.replicaTimeout;
    this.meterRegistry = b.meterRegistry != null ? b.meterRegistry : new SimpleMeterRegistry();
    this.identity = b.identity;
    this.maxRequestTime = b.maxRequestTime;
    this.ticker = b.ticker;
    this.clock = b.clock;
    this.backgroundPolling = b.backgroundPolling;
    this.scheduler = b.scheduler;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this configuration's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.uri = uri;
    b.clusterSeeds = clusterSeeds;
    b.prefix = prefix;
    b.workspace = workspace;
    b.shards = shards;
    b.leaseTtl = leaseTtl;
    b.pollInterval = pollInterval;
    b.relayId = relayId;
    b.commandTimeout = commandTimeout;
    b.replicasToWait = replicasToWait;
    b.replicaTimeout = replicaTimeout;
    b.meterRegistry = meterRegistry;
    b.identity = identity;
    b.maxRequestTime = maxRequestTime;
    b.ticker = ticker;
    b.clock = clock;
    b.backgroundPolling = backgroundPolling;
    b.scheduler = scheduler;
    return b;
  }

  /**
   * The monotonic time source, in nanoseconds, of leases (how long a lease is still good for,
   * {@link RedisOutbox#owns}) and of the rate limiter's cached state; default {@code System::nanoTime}.
   */
  public LongSupplier ticker() {
    return ticker;
  }

  /** The wall clock of the rate limiter's pauses (epoch milliseconds); default {@link Clock#systemUTC()}. */
  public Clock clock() {
    return clock;
  }

  /**
   * What runs the store's poll rounds, or null (the default) for a private single daemon thread
   * {@code cio-redis-poller-<workspace>} that the store shuts down when it closes. A given scheduler
   * is not shut down by the store.
   */
  public java.util.concurrent.ScheduledExecutorService scheduler() {
    return scheduler;
  }

  /** Whether the store polls on its own thread (always, except in tests that run the rounds by hand). */
  boolean backgroundPolling() {
    return backgroundPolling;
  }

  /**
   * What the store's keys belong to (e.g. the site id and target), or null. Recorded (hashed) on
   * first open; a relay of another workspace configured with the same prefix and workspace name is
   * refused instead of delivering that workspace's operations with its own credentials.
   */
  public String identity() {
    return identity;
  }

  /**
   * The longest a delivery request can take (the HTTP request timeout). A relay starts a request
   * from a shard only while its lease on that shard has at least this long left, so a request can
   * never still be in flight when another relay takes the shard over.
   */
  public Duration maxRequestTime() {
    return maxRequestTime;
  }

  /** The parsed Redis URI, the first seed node of a cluster (holds the password: never log it; use {@link #describe()}). */
  RedisURI uri() {
    return uri;
  }

  /** Whether the URI names a Redis Cluster ({@code redis-cluster://…}): the store uses Lettuce's cluster client. */
  public boolean cluster() {
    return !clusterSeeds.isEmpty();
  }

  /** The seed nodes of a cluster URI (each with the password: never log them), or an empty list. */
  java.util.List<RedisURI> clusterSeeds() {
    return clusterSeeds;
  }

  /** Key prefix; every key of a workspace starts with {@code {<prefix>:<workspace>}}. */
  public String prefix() {
    return prefix;
  }

  public String workspace() {
    return workspace;
  }

  /** Shard (= lane) count, or 0 to use the outbox configuration's lane count. */
  public int shards() {
    return shards;
  }

  /** How long a relay's claim on a shard lasts without renewal. */
  public Duration leaseTtl() {
    return leaseTtl;
  }

  /** How often the background poller renews leases and refreshes counts. */
  public Duration pollInterval() {
    return pollInterval;
  }

  /** This process's name in the heartbeat set and in lease values. */
  public String relayId() {
    return relayId;
  }

  public Duration commandTimeout() {
    return commandTimeout;
  }

  /** Replicas that must confirm an append ({@code WAIT}) before its commit future completes; 0 = none. */
  public int replicasToWait() {
    return replicasToWait;
  }

  public Duration replicaTimeout() {
    return replicaTimeout;
  }

  public MeterRegistry meterRegistry() {
    return meterRegistry;
  }

  /** The hash-tagged base of every key of this workspace: {@code {<prefix>:<workspace>}}. */
  String keyBase() {
    return "{" + prefix + ":" + workspace + "}";
  }

  /** {@code host:port} (of every seed node of a cluster, comma-separated), for messages. */
  String hostAndPort() {
    if (cluster()) {
      return String.join(",", clusterSeeds.stream().map(u -> u.getHost() + ":" + u.getPort()).toList());
    }
    if (uri.getSocket() != null) {
      return uri.getSocket();
    }
    return uri.getHost() + ":" + uri.getPort();
  }

  /**
   * The URI without its password, e.g. {@code redis://127.0.0.1:6379/0} or
   * {@code redis-cluster://10.0.0.1:7000,10.0.0.2:7000}.
   */
  public String describe() {
    String scheme = (uri.isSsl() ? "rediss" : "redis") + (cluster() ? "-cluster" : "");
    String user = uri.getUsername() != null ? uri.getUsername() + (uri.getPassword() != null ? ":***@" : "@")
        : uri.getPassword() != null ? ":***@" : "";
    return scheme + "://" + user + hostAndPort() + (cluster() ? "" : "/" + uri.getDatabase());
  }

  /** Replaces the password, if it occurs in {@code text}, with {@code ***}. */
  String redact(String text) {
    if (text == null) {
      return null;
    }
    char[] pw = uri.getPassword();
    if (pw == null || pw.length == 0) {
      return text;
    }
    return text.replace(new String(pw), "***");
  }

  @Override
  public String toString() {
    return "RedisStoreConfig{uri=" + describe() + ", prefix=" + prefix + ", workspace=" + workspace
        + ", shards=" + (shards == 0 ? "lanes" : String.valueOf(shards)) + ", leaseTtl=" + leaseTtl
        + ", pollInterval=" + pollInterval + ", relayId=" + relayId + ", commandTimeout=" + commandTimeout
        + ", replicasToWait=" + replicasToWait + ", replicaTimeout=" + replicaTimeout + "}";
  }

  private static String defaultRelayId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = "host";
    }
    host = host.replaceAll("[^A-Za-z0-9._-]", "_");
    if (host.length() > 64) {
      host = host.substring(0, 64);
    }
    long pid = ProcessHandle.current().pid();
    return host + "-" + pid + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Builds a {@link RedisStoreConfig}; each setter validates its value at once. Not thread-safe. */
  public static final class Builder {
    private RedisURI uri;
    private java.util.List<RedisURI> clusterSeeds = java.util.List.of();
    private String prefix = DEFAULT_PREFIX;
    private String workspace = DEFAULT_WORKSPACE;
    private String identity;
    private Duration maxRequestTime = DEFAULT_MAX_REQUEST_TIME;
    private int shards;
    private Duration leaseTtl = DEFAULT_LEASE_TTL;
    private Duration pollInterval = DEFAULT_POLL_INTERVAL;
    private String relayId;
    private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
    private int replicasToWait = DEFAULT_REPLICAS_TO_WAIT;
    private Duration replicaTimeout = DEFAULT_REPLICA_TIMEOUT;
    private MeterRegistry meterRegistry;
    private LongSupplier ticker = System::nanoTime;
    private Clock clock = Clock.systemUTC();
    private boolean backgroundPolling = true;
    private java.util.concurrent.ScheduledExecutorService scheduler;

    private Builder() {}

    /** See {@link RedisStoreConfig#scheduler()}. */
    public Builder scheduler(java.util.concurrent.ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler must not be null");
      return this;
    }

    /** See {@link RedisStoreConfig#ticker()}; tests pass a fake one they move by hand. */
    public Builder ticker(LongSupplier ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker must not be null");
      return this;
    }

    /** See {@link RedisStoreConfig#clock()}. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock must not be null");
      return this;
    }

    /** Tests only: no poller thread; the test runs each poll round itself. */
    Builder backgroundPolling(boolean on) {
      this.backgroundPolling = on;
      return this;
    }

    /**
     * The Redis server: {@code redis://[[user]:password@]host[:port][/database]} or
     * {@code rediss://…} for TLS; or a Redis Cluster, {@code redis-cluster://[[user]:password@]host:port,host:port,…}
     * (seed nodes: any reachable one yields the topology; {@code rediss-cluster://} for TLS; no
     * database). Required.
     *
     * @throws IllegalArgumentException naming the setting (never the password) if it cannot be parsed
     */
    public Builder uri(String uri) {
      Objects.requireNonNull(uri, "uri must not be null");
      String scheme = uri.contains("://") ? uri.substring(0, uri.indexOf("://")) : "";
      if (scheme.equals("redis-cluster") || scheme.equals("rediss-cluster")) {
        return clusterUri(uri, scheme.substring(0, scheme.indexOf('-')));
      }
      if (!scheme.equals("redis") && !scheme.equals("rediss")) {
        throw new IllegalArgumentException("uri must start with redis://, rediss://, redis-cluster:// or rediss-cluster:// but was "
            + (scheme.isEmpty() ? "'" + redactRaw(uri) + "'" : scheme + "://…"));
      }
      this.uri = parse(uri, uri);
      this.clusterSeeds = java.util.List.of();
      return this;
    }

    private Builder clusterUri(String raw, String scheme) {
      String rest = raw.substring(raw.indexOf("://") + 3);
      int at = rest.lastIndexOf('@');
      String user = at >= 0 ? rest.substring(0, at + 1) : "";
      String hosts = at >= 0 ? rest.substring(at + 1) : rest;
      int slash = hosts.indexOf('/');
      if (slash >= 0) {
        String db = hosts.substring(slash + 1);
        if (!db.isEmpty() && !db.equals("0")) {
          throw new IllegalArgumentException("uri of a Redis Cluster has no database but names '" + db + "'");
        }
        hosts = hosts.substring(0, slash);
      }
      java.util.List<RedisURI> seeds = new java.util.ArrayList<>();
      for (String host : hosts.split(",", -1)) {
        if (host.isBlank()) {
          throw new IllegalArgumentException("uri has an empty host in its node list: '" + redactRaw(raw) + "'");
        }
        try {
          seeds.add(parse(scheme + "://" + user + host.trim(), raw));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(e.getMessage() + " (node '" + host.trim() + "')");
        }
      }
      this.uri = seeds.get(0);
      this.clusterSeeds = java.util.List.copyOf(seeds);
      return this;
    }

    private static RedisURI parse(String one, String raw) {
      RedisURI parsed;
      try {
        parsed = RedisURI.create(one);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("uri is not a valid Redis URI: '" + redactRaw(raw) + "'");
      }
      if (parsed.getHost() == null || parsed.getHost().isEmpty()) {
        throw new IllegalArgumentException("uri has no host: '" + redactRaw(raw) + "'");
      }
      if (parsed.getPort() < 1 || parsed.getPort() > 65535) {
        throw new IllegalArgumentException("uri port must be in 1..65535 but was " + parsed.getPort());
      }
      if (parsed.getDatabase() < 0) {
        throw new IllegalArgumentException("uri database must be >= 0 but was " + parsed.getDatabase());
      }
      return parsed;
    }

    /** Key prefix, 1..64 of {@code [A-Za-z0-9._:-]}; default {@value RedisStoreConfig#DEFAULT_PREFIX}. */
    public Builder prefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix must not be null");
      requireArgument(NAME.matcher(prefix).matches(), "prefix must be 1..64 of [A-Za-z0-9._:-] but was '%s'", prefix);
      this.prefix = prefix;
      return this;
    }

    /** Workspace name, 1..64 of {@code [A-Za-z0-9._:-]}; default {@value RedisStoreConfig#DEFAULT_WORKSPACE}. */
    /** See {@link RedisStoreConfig#identity()}; null for none. */
    public Builder identity(String identity) {
      this.identity = identity;
      return this;
    }

    /** See {@link RedisStoreConfig#maxRequestTime()} (default 10 s); the lease TTL must be at least 1.5 times it. */
    public Builder maxRequestTime(Duration v) {
      requireArgument(v != null && !v.isNegative() && !v.isZero(), "maxRequestTime must be positive but was %s", v);
      this.maxRequestTime = v;
      return this;
    }

    public Builder workspace(String workspace) {
      Objects.requireNonNull(workspace, "workspace must not be null");
      requireArgument(NAME.matcher(workspace).matches(),
          "workspace must be 1..64 of [A-Za-z0-9._:-] but was '%s'", workspace);
      this.workspace = workspace;
      return this;
    }

    /**
     * Shard count, 1..{@value RedisStoreConfig#MAX_SHARDS}: the outbox's lanes. Every relay of a
     * workspace must use the same count (it is recorded in Redis and checked on open). Unset: the
     * {@code CustomerIo}'s lane count (default 16).
     */
    public Builder shards(int shards) {
      requireArgument(shards >= 1 && shards <= MAX_SHARDS, "shards must be in 1..%d but was %d", MAX_SHARDS, shards);
      this.shards = shards;
      return this;
    }

    /** Lease time-to-live, 500 ms..10 min; default 10 s. Renewed every third of it. */
    public Builder leaseTtl(Duration ttl) {
      Objects.requireNonNull(ttl, "leaseTtl must not be null");
      requireArgument(ttl.compareTo(MIN_LEASE_TTL) >= 0 && ttl.compareTo(MAX_LEASE_TTL) <= 0,
          "leaseTtl must be in %s..%s but was %s", MIN_LEASE_TTL, MAX_LEASE_TTL, ttl);
      this.leaseTtl = ttl;
      return this;
    }

    /** Poll interval, 10 ms..1 s; default 50 ms. Must be below a third of the lease TTL. */
    public Builder pollInterval(Duration interval) {
      Objects.requireNonNull(interval, "pollInterval must not be null");
      requireArgument(interval.toMillis() >= 10 && interval.toMillis() <= 1000,
          "pollInterval must be in 10ms..1s but was %s", interval);
      this.pollInterval = interval;
      return this;
    }

    /** This process's id, 1..128 of {@code [A-Za-z0-9._:@-]}; default {@code <hostname>-<pid>-<random>}. */
    public Builder relayId(String id) {
      Objects.requireNonNull(id, "relayId must not be null");
      requireArgument(RELAY_ID.matcher(id).matches(), "relayId must be 1..128 of [A-Za-z0-9._:@-] but was '%s'", id);
      this.relayId = id;
      return this;
    }

    /** Timeout of each Redis command, 10 ms..1 min; default 2 s. */
    public Builder commandTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "commandTimeout must not be null");
      requireArgument(timeout.toMillis() >= 10 && timeout.compareTo(Duration.ofMinutes(1)) <= 0,
          "commandTimeout must be in 10ms..1m but was %s", timeout);
      this.commandTimeout = timeout;
      return this;
    }

    /** Replicas that must acknowledge each append ({@code WAIT n timeout}), 0..16; default 0. */
    public Builder replicasToWait(int replicas) {
      requireArgument(replicas >= 0 && replicas <= 16, "replicasToWait must be in 0..16 but was %d", replicas);
      this.replicasToWait = replicas;
      return this;
    }

    /** How long {@code WAIT} waits for the replicas, 1 ms..1 min; default 1 s. */
    public Builder replicaTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "replicaTimeout must not be null");
      requireArgument(timeout.toMillis() >= 1 && timeout.compareTo(Duration.ofMinutes(1)) <= 0,
          "replicaTimeout must be in 1ms..1m but was %s", timeout);
      this.replicaTimeout = timeout;
      return this;
    }

    /** Where the {@code cio.redis.round.trips} counter is registered; default a private registry. */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "meterRegistry must not be null");
      return this;
    }

    /**
     * Checks the rules that span settings.
     *
     * @throws IllegalStateException if the URI is missing or the poll interval is not below a third of the lease TTL
     */
    public RedisStoreConfig build() {
      if (uri == null) {
        throw new IllegalStateException("uri must be set");
      }
      if (pollInterval.multipliedBy(3).compareTo(leaseTtl) >= 0) {
        throw new IllegalStateException("pollInterval=" + pollInterval + " must be below a third of leaseTtl=" + leaseTtl);
      }
      if (maxRequestTime.multipliedBy(3).compareTo(leaseTtl.multipliedBy(2)) > 0) {
        throw new IllegalStateException("leaseTtl=" + leaseTtl + " must be at least 1.5 times maxRequestTime="
            + maxRequestTime + " (the request timeout), so a request started under a lease ends before the lease can lapse");
      }
      this.uri = RedisURI.builder(uri).withTimeout(commandTimeout).build();
      this.clusterSeeds = clusterSeeds.stream().map(u -> RedisURI.builder(u).withTimeout(commandTimeout).build()).toList();
      return new RedisStoreConfig(this);
    }

    /** Masks everything between {@code ://} and the last {@code @} (a password may itself hold '@' or '/'). */
    static String redactRaw(String uri) {
      int scheme = uri.indexOf("://");
      int at = uri.lastIndexOf('@');
      return scheme >= 0 && at > scheme ? uri.substring(0, scheme + 3) + "***" + uri.substring(at) : uri;
    }

    private static void requireArgument(boolean ok, String format, Object... args) {
      if (!ok) {
        throw new IllegalArgumentException(String.format(format, args));
      }
    }
  }
}
