package io.ciorelay.redis;

import io.ciorelay.delivery.outbox.OutboxException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.micrometer.core.instrument.Counter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One Lettuce connection (binary codec, one multiplexed TCP connection that pipelines concurrent
 * commands; with a Redis Cluster, Lettuce's cluster connection: one such connection per node,
 * each command routed by its first key's slot) with the store's connection policy, script calls
 * and the round-trip counter.
 *
 * <p>Policy: auto-reconnect (100 ms doubling to 2 s), commands rejected at once while
 * disconnected ({@code REJECT_COMMANDS}), every command timed out after the configured command
 * timeout. {@code EVALSHA} falls back to {@code EVAL} on {@code NOSCRIPT} (a restarted Redis has
 * an empty script cache). With a cluster: {@code MOVED}/{@code ASK} redirects followed (at most 5
 * per command), the topology refreshed every 10 s and at once on a redirect, a reconnect or a
 * refused connection (adaptive triggers), and the scripts loaded on every node whenever a
 * connection to any node opens. Thread-safe.
 */
final class RedisLink implements AutoCloseable {
  /** How often a cluster client re-reads the topology without being prompted. */
  static final Duration CLUSTER_REFRESH_PERIOD = Duration.ofSeconds(10);

  private final RedisStoreConfig config;
  private final String component;
  private final RedisConnections.Opened<byte[], byte[]> opened;
  private final RedisClusterAsyncCommands<byte[], byte[]> async;
  private final ConcurrentHashMap<String, Counter> roundTrips = new ConcurrentHashMap<>();
  /** When a cluster connection event last loaded the scripts (ticker nanoseconds); see {@link #onClusterConnected}. */
  private final java.util.concurrent.atomic.AtomicLong lastClusterLoad = new java.util.concurrent.atomic.AtomicLong(Long.MIN_VALUE);

  private RedisLink(RedisStoreConfig config, String component, RedisConnections.Opened<byte[], byte[]> opened) {
    this.config = config;
    this.component = component;
    this.opened = opened;
    this.async = opened.async();
    // A connection that opens (or re-opens after Redis restarted, or to a node just promoted or
    // added) loads the scripts first, so appends, which are not re-sent on NOSCRIPT, find them.
    opened.client().addListener(new io.lettuce.core.RedisConnectionStateListener() {
      @Override
      public void onRedisConnected(io.lettuce.core.RedisChannelHandler<?, ?> c, java.net.SocketAddress address) {
        if (config.cluster()) {
          onClusterConnected();
        } else if (c == opened.connection()) {
          loadScripts();
        }
      }
    });
    loadScripts();
  }

  /**
   * Connects to the configured Redis (or Redis Cluster).
   *
   * @throws RedisUnreachableException naming host and port (never the password) if Redis cannot be reached
   */
  static RedisLink connect(RedisStoreConfig config, String component) {
    RedisConnections.Opened<byte[], byte[]> opened;
    try {
      opened = RedisConnections.open(config, ByteArrayCodec.INSTANCE);
    } catch (RuntimeException e) {
      throw new RedisUnreachableException("cannot connect to Redis at " + config.hostAndPort() + " ("
          + config.describe() + "): " + config.redact(rootMessage(e)));
    }
    return new RedisLink(config, component, opened);
  }

  RedisClusterAsyncCommands<byte[], byte[]> async() {
    return async;
  }

  boolean isOpen() {
    return opened.connection().isOpen();
  }

  /**
   * {@code WAIT replicas timeout} on the connection that carried this workspace's writes: the one
   * connection, or with a cluster the connection to the master owning the workspace's slot
   * (Lettuce routes a key's commands over the node connection of that master, so {@code WAIT} there
   * covers the appends sent before it).
   */
  CompletableFuture<Long> waitForReplicas(int replicas, long timeoutMillis) {
    return slotMaster().thenCompose(n -> n.waitForReplication(replicas, timeoutMillis).toCompletableFuture());
  }

  /**
   * The commands of the connection this workspace's keys are sent over: the one connection, or
   * with a cluster the node connection of the master that owns the workspace's slot (by the
   * client's current view of the topology).
   */
  @SuppressWarnings("unchecked")
  CompletableFuture<RedisClusterAsyncCommands<byte[], byte[]>> slotMaster() {
    if (!(opened.connection() instanceof io.lettuce.core.cluster.api.StatefulRedisClusterConnection<?, ?> c)) {
      return CompletableFuture.completedFuture(async);
    }
    io.lettuce.core.cluster.models.partitions.RedisClusterNode owner =
        c.getPartitions().getPartitionBySlot(io.lettuce.core.cluster.SlotHash.getSlot(config.keyBase()));
    if (owner == null) {
      return CompletableFuture.failedFuture(new io.lettuce.core.RedisException(
          "no master of the Redis Cluster at " + config.hostAndPort() + " owns the workspace's slot"));
    }
    return c.getConnectionAsync(owner.getUri().getHost(), owner.getUri().getPort())
        .thenApply(n -> (RedisClusterAsyncCommands<byte[], byte[]>) n.async());
  }

  /**
   * {@code INFO <section>} of every master (the one Redis, or each master of a cluster), keyed by
   * {@code host:port}; waits like {@link #await}.
   */
  java.util.Map<String, String> infoOfEveryMaster(String section) {
    if (!(async instanceof io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands<byte[], byte[]> c)) {
      count("info");
      return java.util.Map.of(config.hostAndPort(), await(async.info(section).toCompletableFuture(), "reading INFO " + section));
    }
    java.util.Map<String, String> out = new java.util.TreeMap<>();
    c.masters().commands().info(section).asMap().forEach((node, f) -> {
      count("info");
      out.put(node.getUri().getHost() + ":" + node.getUri().getPort(),
          await(f.toCompletableFuture(), "reading INFO " + section));
    });
    return out;
  }

  /**
   * Runs a script whose order relative to the calls sent after it matters (an append: a person's
   * operations must land in the stream in the order they were handed over). On {@code NOSCRIPT} (a
   * restarted Redis, or a flushed script cache) it is not re-sent as {@code EVAL} — calls sent after
   * it may already have run, and the re-sent one would land behind them — but fails, nothing
   * stored; the scripts are loaded again so later calls find them.
   */
  CompletableFuture<Object> evalInOrder(Script script, byte[][] keys, byte[]... args) {
    count(script.name);
    CompletableFuture<Object> first = async.evalsha(script.sha, script.output, keys, args).toCompletableFuture();
    return first.exceptionallyCompose(e -> {
      Throwable c = unwrap(e);
      if (c.getMessage() != null && c.getMessage().startsWith("NOSCRIPT")) {
        loadScripts();
        return CompletableFuture.failedFuture(new io.lettuce.core.RedisException("Redis at " + config.hostAndPort()
            + " had lost its copy of the " + script.name + " script (restarted, or its scripts were flushed);"
            + " nothing was stored and the scripts are being loaded again: retry"));
      }
      return CompletableFuture.failedFuture(c);
    });
  }

  /**
   * Loads every script into Redis' cache (asynchronously; failures are left to the calls that need
   * them). On a cluster, into every node, and first over the connection to the master of the
   * workspace's slot: written there ahead of any later call on that connection, so an append sent
   * after this returns finds the scripts, as on one Redis.
   */
  void loadScripts() {
    if (config.cluster()) {
      slotMaster().thenAccept(n -> Script.ALL.forEach(s -> {
        count("script_load");
        n.scriptLoad(s.source);
      }));
    }
    for (Script s : Script.ALL) {
      count("script_load");
      async.scriptLoad(s.source);
    }
  }

  /**
   * A connection to some node opened: a node connection (a new or promoted master, a reconnect)
   * or one of the topology refresh's short-lived ones (every refresh opens one per node). Loads
   * the scripts everywhere, at most once a second: a refresh's burst of connections loads them
   * once, and a node that lost them in between is caught by the {@code NOSCRIPT} handling.
   */
  private void onClusterConnected() {
    long now = config.ticker().getAsLong();
    long last = lastClusterLoad.get();
    if ((last == Long.MIN_VALUE || now - last >= 1_000_000_000L) && lastClusterLoad.compareAndSet(last, now)) {
      loadScripts();
    }
  }

  /** Runs a script (one round trip); the future completes on a Lettuce I/O thread. */
  CompletableFuture<Object> eval(Script script, byte[][] keys, byte[]... args) {
    count(script.name);
    CompletableFuture<Object> first = async.evalsha(script.sha, script.output, keys, args).toCompletableFuture();
    return first.exceptionallyCompose(e -> {
      Throwable c = unwrap(e);
      if (c.getMessage() != null && c.getMessage().startsWith("NOSCRIPT")) {
        count(script.name);
        return async.<Object>eval(script.source, script.output, keys, args).toCompletableFuture();
      }
      return CompletableFuture.failedFuture(c);
    });
  }

  /** Waits for a future for at most twice the command timeout, mapping failures to {@link OutboxException}. */
  <T> T await(CompletableFuture<T> f, String what) {
    try {
      return f.get(config.commandTimeout().toMillis() * 2 + 100, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OutboxException("interrupted while " + what + " in Redis at " + config.hostAndPort(), e);
    } catch (ExecutionException | CompletionException | TimeoutException e) {
      throw failure(what, e);
    }
  }

  /** An {@link OutboxException} saying what failed, with host and port and no password. */
  OutboxException failure(String what, Throwable e) {
    Throwable c = unwrap(e);
    if (c instanceof OutboxException oe) {
      return oe;
    }
    return new OutboxException(what + " failed: " + describe(c));
  }

  /** A one-line reason: "Redis at host:port is unreachable: …" or the Redis error. */
  String describe(Throwable e) {
    Throwable c = unwrap(e);
    String msg = config.redact(rootMessage(c));
    if (c instanceof RedisConnectionException || c instanceof RedisCommandTimeoutException
        || c instanceof TimeoutException || !isOpen()
        || (c.getMessage() != null && c.getMessage().contains("not connected"))) {
      return "Redis at " + config.hostAndPort() + " is unreachable: " + msg;
    }
    return "Redis at " + config.hostAndPort() + " answered: " + msg;
  }

  void count(String op) {
    roundTrips.computeIfAbsent(op, o -> Counter.builder("cio.redis.round.trips")
        .description("Redis commands and scripts issued (each one round trip, pipelined with others)")
        .tag("component", component)
        .tag("workspace", config.workspace())
        .tag("op", o)
        .register(config.meterRegistry())).increment();
  }

  @Override
  public void close() {
    opened.close();
  }

  /** Closes the connection without any goodbye (tests simulate a crash with it). */
  void abandon() {
    close();
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] b(long v) {
    return Long.toString(v).getBytes(StandardCharsets.UTF_8);
  }

  static String s(Object o) {
    return o == null ? null : new String((byte[]) o, StandardCharsets.UTF_8);
  }

  static long l(Object o) {
    if (o instanceof Long v) {
      return v;
    }
    return Long.parseLong(s(o));
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object o) {
    return (List<Object>) o;
  }

  static Throwable unwrap(Throwable e) {
    Throwable c = e;
    while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  private static String rootMessage(Throwable e) {
    Throwable c = e;
    StringBuilder sb = new StringBuilder(String.valueOf(c.getMessage()));
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
      if (c.getMessage() != null && !sb.toString().contains(c.getMessage())) {
        sb.append(": ").append(c.getMessage());
      }
    }
    return sb.toString();
  }
}
