package io.ciorelay.redis;

import static io.ciorelay.redis.RedisLink.b;
import static io.ciorelay.redis.RedisLink.l;
import static io.ciorelay.redis.RedisLink.list;
import static io.ciorelay.redis.RedisLink.s;

import io.ciorelay.delivery.outbox.AppendResult;
import io.ciorelay.delivery.outbox.DeadLetter;
import io.ciorelay.delivery.outbox.DeadLetterRequest;
import io.ciorelay.delivery.outbox.EntryKind;
import io.ciorelay.delivery.outbox.LaneHash;
import io.ciorelay.delivery.outbox.NewEntry;
import io.ciorelay.delivery.outbox.Outbox;
import io.ciorelay.delivery.outbox.OutboxArguments;
import io.ciorelay.delivery.outbox.OutboxConfig;
import io.ciorelay.delivery.outbox.OutboxException;
import io.ciorelay.delivery.outbox.OutboxFactory;
import io.ciorelay.delivery.outbox.OutboxStats;
import io.ciorelay.delivery.outbox.OverflowPolicy;
import io.ciorelay.delivery.outbox.StoredEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link Outbox} in Redis Streams, shared by several relays: one stream per shard (= lane),
 * each shard read by one relay at a time under a lease. Open it with {@link #factory} (plugged
 * into {@code CustomerIoConfig.builder().outboxFactory(..)}) or {@link #open}.
 *
 * <p><b>Keys</b> (base {@code {<prefix>:<workspace>}}, one Cluster hash slot per workspace):
 * {@code :seq} append counter, {@code :s:<shard>} stream, {@code :f:<shard>} failure records,
 * {@code :bytes} pending payload bytes, {@code :lease:<shard>} owner, {@code :relays} heartbeat
 * set, {@code :dl} / {@code :dl:<n>} / {@code :dlseq} / {@code :dlid} dead letters, {@code :rp} where
 * each replayed dead letter went (original entry id to replayed entry id), {@code :meta}
 * shard count, {@code :ap:<token>:<n>} the ids of recent appends (see Durability). An entry's stream id is {@code <counter>-<shard>} and its sequence number
 * {@code counter * 1024 + shard}, so sequence numbers follow append order across the workspace and
 * name their shard.
 *
 * <p><b>Ownership:</b> a background poller (on {@link RedisStoreConfig#scheduler()}, by default its
 * own thread {@code cio-redis-poller-<workspace>}) runs one script
 * per round that renews this relay's leases ({@code PEXPIRE} only if the value is still its id),
 * registers it in the heartbeat set, takes free shards up to {@code ceil(shards / live relays)},
 * and reads pending counts. A shard is {@linkplain #owns owned} while its lease, counted from when
 * the last successful renewal was sent, has at least {@link RedisStoreConfig#maxRequestTime()}
 * left on the injected {@linkplain RedisStoreConfig#ticker() ticker}. Acknowledged entries are
 * deleted, so a shard's stream is exactly its pending entries; the owner reads it from the start,
 * which returns the previous owner's unacknowledged entries first, in order. Extra shards (a relay
 * joined) are drained, idle ones first: a draining shard hands out no new entries but stays owned
 * until every entry read from it is acknowledged or dead-lettered (a recorded failure does not
 * count: that batch is held for re-send), however long that takes (a long back-off, a credential
 * pause), and only then is its lease released. So another relay never reads a shard while a
 * request from it is open or due again. Only at shutdown may a lease lapse with reads open
 * ({@link #close(boolean)}).
 *
 * <p><b>Durability:</b> an append's future completes when Redis has executed the append script
 * (and, with {@link RedisStoreConfig#replicasToWait()}, when that many replicas confirmed it).
 * Whether it survives a Redis crash is Redis's own persistence (AOF with {@code appendfsync}).
 * Each append carries an id chosen here ({@code <random token of this store>:<counter>}); the
 * script remembers it for {@link #appendIdTtlMillis} and, seeing it again, stores nothing and
 * answers the first run's counter. So an append that Lettuce re-sends after a reconnect (it
 * re-sends commands written before a disconnect and not yet answered) is stored once.
 *
 * <p><b>Eviction:</b> at open the store reads Redis' {@code maxmemory-policy}; anything but
 * {@code noeviction} lets Redis drop leases, limiter keys and pending entries under memory
 * pressure, so it is logged as a warning and reported in {@link OutboxStats#warning()} (health
 * DEGRADED with the reason).
 *
 * <p><b>Redis Cluster</b> ({@code redis-cluster://}): every key of the workspace carries the hash
 * tag {@code {prefix:workspace}}, so they all live in one slot and each script runs atomically on
 * the master owning it; every script call is given all the keys it touches ({@link WorkspaceKeys}).
 * Redirects, failovers and slot moves are handled by the connection ({@link RedisLink}); an append
 * refused during one (a {@code TRYAGAIN}, a {@code NOSCRIPT}, a node away) is never half-applied.
 *
 * <p><b>Failures:</b> while Redis is unreachable, {@code append} is rejected with
 * {@link AppendResult.Reason#FAILED} at once ("Redis at host:port is unreachable: …"), reads throw
 * {@link OutboxException}, and leases lapse locally after their TTL. Lettuce reconnects by itself
 * and everything resumes.
 *
 * <p><b>Concurrency:</b> thread-safe. One Lettuce connection pipelines every caller's commands.
 * Commit futures and {@link #onAppendCommitted} listeners run on one callback thread
 * ({@code cio-redis-callbacks-<workspace>}), never on Lettuce's I/O threads, so dependent actions
 * may call this store synchronously. Caps are checked against the fleet-wide count from the last
 * poll plus this relay's appends since then, so a fleet may overshoot a cap by what other relays
 * append within one poll interval. No lock is held around I/O.
 */
public final class RedisOutbox implements Outbox {
  private static final Logger log = LoggerFactory.getLogger(RedisOutbox.class);
  private static final int SHARD_BITS = 10;
  private static final int NOT_OWNED = 0;
  private static final int OWNED = 1;
  private static final int RELEASING = 2;

  private final RedisStoreConfig store;
  private final OutboxConfig config;
  private final RedisLink link;
  private final int shards;
  private final String base;
  private final WorkspaceKeys keys;
  private final long ttlNanos;

  private final int[] state;
  private final AtomicLongArray leaseValidUntil;
  private final AtomicLongArray lanePending;
  // Per shard: the entries last read (peeked) and not yet acknowledged or dead-lettered. A shard
  // with any is never released. Replaced by each peek (the caller reads a lane again only once it
  // has nothing read from it in flight or held), emptied by committed acks and dead-letter moves.
  // Guarded by the state monitor.
  private final List<Set<Long>> unresolved;
  private final LongSupplier ticker;
  private final String appendToken = java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private final AtomicLong appendIds = new AtomicLong();
  private final long appendIdTtlMillis;
  private volatile String warning;
  private final Set<Integer> toRelease = ConcurrentHashMap.newKeySet();

  // For the caps and stats between polls. An append counts as "handed" from its dispatch until
  // Redis answers; then, with the counter it got, as "own" until a poll's totals include it. The
  // poll script returns the append counter as of its run, so exactly the own appends with a
  // counter up to it are dropped: none is counted twice or missed (the order on the connection
  // does not matter). Guarded by ownLock, with totals.
  private final AtomicLong handedAppends = new AtomicLong();
  private final AtomicLong handedBytes = new AtomicLong();
  private final Object ownLock = new Object();
  private final java.util.ArrayDeque<long[]> own = new java.util.ArrayDeque<>();
  private long ownAppends;
  private long ownBytes;
  private long polledUpTo;
  private final AtomicLong uncommitted = new AtomicLong();
  private volatile long[] totals = {0, 0, -1, 0, -1, -1, -1, -1};
  private volatile long liveRelays = 1;

  private final CopyOnWriteArrayList<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final ExecutorService callbacks;
  // Poll rounds: scheduled every pollInterval, plus early rounds after acks and dead-letter moves.
  // At most one runs at a time (inRound); roundThread is the thread running one, if any.
  private final java.util.concurrent.ScheduledExecutorService scheduler;
  private final boolean ownScheduler;
  private volatile java.util.concurrent.ScheduledFuture<?> rounds;
  private final java.util.concurrent.atomic.AtomicBoolean inRound = new java.util.concurrent.atomic.AtomicBoolean();
  private final java.util.concurrent.atomic.AtomicBoolean earlyRoundQueued = new java.util.concurrent.atomic.AtomicBoolean();
  private volatile Thread roundThread;
  private volatile boolean accepting = true;
  private volatile boolean closed;
  private volatile boolean pollFailing;
  private volatile String pollError;
  private final long maxRequestNanos;
  private final Object closeLock = new Object();
  private final Object changed = new Object();

  private RedisOutbox(RedisStoreConfig store, OutboxConfig config, RedisLink link, int shards) {
    this.store = store;
    this.config = config;
    this.link = link;
    this.shards = shards;
    this.base = store.keyBase();
    this.keys = new WorkspaceKeys(base, shards);
    this.ttlNanos = store.leaseTtl().toNanos();
    this.state = new int[shards];
    this.leaseValidUntil = new AtomicLongArray(shards);
    this.maxRequestNanos = store.maxRequestTime().toNanos();
    this.lanePending = new AtomicLongArray(shards);
    this.ticker = store.ticker();
    this.appendIdTtlMillis = appendIdTtl(store).toMillis();
    this.unresolved = new ArrayList<>(shards);
    for (int i = 0; i < shards; i++) {
      unresolved.add(ConcurrentHashMap.newKeySet());
    }
    String ws = store.workspace();
    this.callbacks = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "cio-redis-callbacks-" + ws);
      t.setDaemon(true);
      return t;
    });
    this.ownScheduler = store.scheduler() == null;
    this.scheduler = ownScheduler ? Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "cio-redis-poller-" + ws);
      t.setDaemon(true);
      return t;
    }) : store.scheduler();
  }

  /**
   * The factory to plug into {@code CustomerIoConfig.builder().outboxFactory(..)}: each
   * {@code open} connects to Redis and joins the fleet of {@code store}'s workspace. If Redis cannot
   * be reached at that moment, the store starts disconnected (appends rejected FAILED, health DOWN
   * with the reason) and connects by itself once Redis answers. Its {@code describe} is the URI
   * without the password.
   */
  public static OutboxFactory factory(RedisStoreConfig store) {
    Objects.requireNonNull(store, "store must not be null");
    return new OutboxFactory() {
      @Override
      public Outbox open(OutboxConfig config) {
        return ReconnectingOutbox.open(store, config);
      }

      @Override
      public String describe(OutboxConfig config) {
        return store.describe() + " (" + store.keyBase() + ")";
      }

      @Override
      public String toString() {
        return "RedisOutbox.factory(" + store.describe() + ")";
      }
    };
  }

  /**
   * Connects, checks the shard count recorded in Redis, runs the first poll round (so the shards
   * this relay can take are owned when this returns) and starts the poller. Uses the caps,
   * overflow policy and clock of {@code config}; the lane count is {@link RedisStoreConfig#shards()}
   * if set, else {@code config.lanes()}.
   *
   * @throws OutboxException if Redis cannot be reached or holds another shard count for this workspace
   */
  public static RedisOutbox open(RedisStoreConfig store, OutboxConfig config) {
    Objects.requireNonNull(store, "store must not be null");
    Objects.requireNonNull(config, "config must not be null");
    int shards = store.shards() > 0 ? store.shards() : config.lanes();
    RedisLink link = RedisLink.connect(store, "outbox");
    try {
      String identity = store.identity() == null ? "" : identityHash(store.identity());
      List<Object> meta = list(link.await(link.eval(Script.META, new byte[][] {new WorkspaceKeys(store.keyBase(), 0).meta},
          b(store.keyBase()), b(shards), b(identity)), "recording the shard count"));
      long recorded = l(meta.get(0));
      if (recorded != shards) {
        throw new RedisStoreMismatchException("Redis store " + store.describe() + " " + store.keyBase() + " has " + recorded
            + " shards but this relay is configured with shards=" + shards
            + "; every relay of a workspace must use the same count");
      }
      String owner = s(meta.get(1));
      if (!identity.isEmpty() && owner != null && !owner.isEmpty() && !owner.equals(identity)) {
        throw new RedisStoreMismatchException("Redis store " + store.describe() + " " + store.keyBase()
            + " belongs to another workspace (other site id or target); give this fleet its own prefix"
            + " (relay.store-prefix) or workspace name");
      }
      RedisOutbox outbox = new RedisOutbox(store, config, link, shards);
      outbox.checkEvictionPolicy();
      outbox.pollOnce();
      if (store.backgroundPolling()) {
        outbox.startRounds();
      }
      log.info("Redis outbox {} {} opened by relay {}: {} shards, {} owned", store.describe(), store.keyBase(),
          store.relayId(), shards, outbox.ownedCount());
      return outbox;
    } catch (RuntimeException e) {
      link.close();
      throw e instanceof OutboxException ? e : link.failure("opening the Redis outbox", e);
    }
  }

  /**
   * How long an append's id is remembered: 10 times the command timeout, at least 30 s. Lettuce
   * re-sends a command only while it is unanswered, and every command times out after the command
   * timeout, so a re-sent append runs well within this of the first run.
   */
  static java.time.Duration appendIdTtl(RedisStoreConfig store) {
    java.time.Duration t = store.commandTimeout().multipliedBy(10);
    return t.compareTo(java.time.Duration.ofSeconds(30)) < 0 ? java.time.Duration.ofSeconds(30) : t;
  }

  /**
   * Reads Redis' {@code maxmemory-policy} ({@code INFO memory}; on a cluster, of every master) and,
   * where it is not {@code noeviction}, logs a warning naming those masters and keeps it for
   * {@link #stats()}. A Redis that refuses {@code INFO} is not checked (logged at info).
   */
  private void checkEvictionPolicy() {
    Map<String, String> infos;
    try {
      infos = link.infoOfEveryMaster("memory");
    } catch (RuntimeException e) {
      log.info("Redis store {} {}: could not read maxmemory-policy ({}); make sure it is noeviction",
          store.describe(), base, e.getMessage());
      return;
    }
    List<String> evicting = new ArrayList<>();
    infos.forEach((node, info) -> {
      String policy = evictionPolicy(info);
      if (policy != null && !policy.equals("noeviction")) {
        evicting.add(node + " has maxmemory-policy " + policy);
      }
    });
    if (!evicting.isEmpty()) {
      String who = store.cluster() ? "Redis Cluster master " : "Redis at ";
      warning = who + String.join(", ", evicting) + ": under memory pressure it may"
          + " evict leases, rate-limiter keys and pending entries; set maxmemory-policy noeviction";
      log.warn("Redis store {} {}: {}", store.describe(), base, warning);
    }
  }

  /** The {@code maxmemory_policy} of an {@code INFO memory} answer, or null if it has none. */
  static String evictionPolicy(String info) {
    if (info == null) {
      return null;
    }
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("maxmemory_policy:")) {
        return line.substring("maxmemory_policy:".length()).trim();
      }
    }
    return null;
  }

  /** While the poller cannot reach Redis: why (host and port, no password); else null. */
  @Override
  public String problem() {
    if (closed) {
      return null;
    }
    if (pollFailing) {
      return "Redis store " + base + " unreachable: " + pollError;
    }
    // The connection is down before the next poll round notices: appends are being refused now,
    // so health must not read the poller's last good round as "the store works".
    return link.isOpen() ? null
        : "Redis store " + base + " unreachable: Redis at " + store.hostAndPort() + " is not connected (reconnecting)";
  }

  /** {@inheritDoc} The poller's reach of Redis is the store's health. */
  @Override
  public boolean reportsProblems() {
    return true;
  }

  /**
   * Runs a completion on the callback thread, or here once that thread is gone (after close): an
   * answer that arrives late still completes its future instead of being dropped with it.
   */
  private void runCallback(Runnable r) {
    try {
      callbacks.execute(r);
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      r.run();
    }
  }

  /** A short, non-reversible tag of a workspace identity (site id and target), kept in the store. */
  static String identityHash(String identity) {
    try {
      byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < 12; i++) {
        sb.append(String.format("%02x", d[i]));
      }
      return sb.toString();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The store configuration (its {@code toString} has no password). */
  public RedisStoreConfig storeConfig() {
    return store;
  }

  // ------------------------------------------------------------------ appends

  @Override
  public AppendResult append(NewEntry entry) {
    Objects.requireNonNull(entry, "entry must not be null");
    Objects.requireNonNull(entry.personKey(), "entry.personKey must not be null");
    Objects.requireNonNull(entry.kind(), "entry.kind must not be null");
    Objects.requireNonNull(entry.payload(), "entry.payload must not be null");
    if (!accepting || closed) {
      return AppendResult.rejected(AppendResult.Reason.CLOSED,
          "Redis outbox " + base + " no longer accepts appends");
    }
    if (!link.isOpen()) {
      return AppendResult.rejected(AppendResult.Reason.FAILED,
          "Redis at " + store.hostAndPort() + " is unreachable: not connected (reconnecting)");
    }
    long size = entry.payload().length;
    String full = fullReason(size);
    if (full != null && config.overflowPolicy() == OverflowPolicy.BLOCK && Thread.currentThread() != roundThread) {
      long deadline = System.nanoTime() + config.blockTimeout().toNanos();
      while (full != null && accepting) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !awaitChange(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)))) {
          break;
        }
        full = fullReason(size);
      }
      if (full != null) {
        full = full + " after waiting blockTimeout=" + config.blockTimeout();
      }
    }
    if (full != null) {
      return AppendResult.rejected(AppendResult.Reason.FULL, full);
    }
    if (!accepting) {
      return AppendResult.rejected(AppendResult.Reason.CLOSED, "Redis outbox " + base + " no longer accepts appends");
    }
    int shard = LaneHash.lane(entry.personKey(), shards);
    handedAppends.incrementAndGet();
    handedBytes.addAndGet(size);
    uncommitted.incrementAndGet();
    CompletableFuture<Object> sent = appendScript(shard, entry, appendToken + ":" + appendIds.incrementAndGet());
    // Runs on the connection's thread as the answer arrives: own first, then no longer handed, so a
    // reader (handed first, then own) may count it twice for an instant but never misses it.
    sent.whenComplete((v, e) -> {
      if (e == null) {
        long counter = l(v);
        synchronized (ownLock) {
          if (counter > polledUpTo) {
            own.addLast(new long[] {counter, size});
            ownAppends++;
            ownBytes += size;
          }
        }
      }
      handedAppends.decrementAndGet();
      handedBytes.addAndGet(-size);
    });
    if (sent.isCompletedExceptionally()) {
      // Rejected before it left (disconnected): nothing was written.
      committedOne();
      return AppendResult.rejected(AppendResult.Reason.FAILED, link.describe(sent.handle((v, e) -> e).join()));
    }
    CompletableFuture<Object> durable = store.replicasToWait() == 0 ? sent : sent.thenCompose(counter -> {
      link.count("wait");
      return link.waitForReplicas(store.replicasToWait(), store.replicaTimeout().toMillis())
          .thenApply(acked -> {
            if (acked < store.replicasToWait()) {
              throw new OutboxException("append reached " + acked + " of replicasToWait=" + store.replicasToWait()
                  + " replicas within " + store.replicaTimeout() + " (Redis at " + store.hostAndPort()
                  + "); the entry is stored on the primary and may still be delivered");
            }
            return counter;
          });
    });
    CompletableFuture<Long> committed = new CompletableFuture<>();
    durable.whenCompleteAsync((counter, error) -> {
      committedOne();
      if (error != null) {
        committed.completeExceptionally(link.failure("append to " + base, error));
        return;
      }
      long seq = (l(counter) << SHARD_BITS) | shard;
      lanePending.incrementAndGet(shard);
      committed.complete(seq);
      runListeners();
    }, this::runCallback);
    return AppendResult.accepted(committed);
  }

  /**
   * Runs the append script with this append id: the first run stores the entry and answers its
   * counter; a run with an id already seen (within {@link #appendIdTtl}) stores nothing and
   * answers the same counter.
   */
  CompletableFuture<Object> appendScript(int shard, NewEntry entry, String appendId) {
    return link.evalInOrder(Script.APPEND,
        new byte[][] {keys.seq, keys.stream(shard), keys.bytes, keys.appendId(appendId)},
        b(base), b(shard), b(entry.personKey()),
        b(entry.eventId() == null ? "0" : "1" + entry.eventId()),
        b(entry.kind().code()), entry.payload(), b(entry.acceptedAtMillis()), b(appendIdTtlMillis));
  }

  /** One append is no longer uncommitted: wakes a close waiting for the last one. */
  private void committedOne() {
    if (uncommitted.decrementAndGet() == 0) {
      signalChange();
    }
  }

  /**
   * Waits (real time) until counts change (a poll round, a commit, an acknowledgement) or the
   * time is up; false if interrupted. Blocked appends and {@code close} wait here instead of
   * polling.
   */
  private boolean awaitChange(long nanos) {
    synchronized (changed) {
      try {
        TimeUnit.NANOSECONDS.timedWait(changed, nanos);
        return true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  private void signalChange() {
    synchronized (changed) {
      changed.notifyAll();
    }
  }

  private String fullReason(long size) {
    long handed = handedAppends.get();
    long handedSize = handedBytes.get();
    long pending;
    long bytes;
    synchronized (ownLock) {
      pending = totals[0] + ownAppends + handed;
      bytes = totals[1] + ownBytes + handedSize;
    }
    if (pending >= config.maxPendingOperations()) {
      return "outbox is full: " + pending + " pending operations in Redis " + base + " (maxPendingOperations="
          + config.maxPendingOperations() + ")";
    }
    if (bytes + size > config.maxPendingBytes()) {
      return "outbox is full: " + bytes + " pending bytes + " + size + " would exceed maxPendingBytes="
          + config.maxPendingBytes() + " (Redis " + base + ")";
    }
    return null;
  }

  // ------------------------------------------------------------------ lanes and reads

  @Override
  public int laneOf(String personKey) {
    Objects.requireNonNull(personKey, "personKey must not be null");
    return LaneHash.lane(personKey, shards);
  }

  @Override
  public int lanes() {
    return shards;
  }

  /**
   * {@inheritDoc} Answers in memory from the lease's expiry (as of the last renewal this relay
   * sent) and the injected {@linkplain RedisStoreConfig#ticker() ticker}: true while at least
   * {@link RedisStoreConfig#maxRequestTime()} of the lease is left, so a request started right
   * after a true answer ends (answered or timed out) before another relay can take the shard over.
   * Cheap enough to call right before each send, after everything else that may take time (the
   * limiter, the read). A shard being given up stays owned until every entry read from it is
   * acknowledged or dead-lettered, so a batch in flight or held for re-send can finish.
   */
  @Override
  public boolean owns(int lane) {
    OutboxArguments.checkLane(lane, shards);
    synchronized (state) {
      return state[lane] != NOT_OWNED && leaseLeft(lane);
    }
  }

  /** Whether at least one whole request's time is left on the lease. Call with the state monitor held. */
  private boolean leaseLeft(int lane) {
    return leaseValidUntil.get(lane) - ticker.getAsLong() >= maxRequestNanos;
  }

  /**
   * {@inheritDoc} Returns an empty list for a lane this relay does not own, or no longer owns
   * with enough lease left once the read returns (a read can take seconds on a slow Redis). A
   * shard being given up hands out no new entries: only, again, those read before and not yet
   * acknowledged or dead-lettered (the caller dropped them), so it drains. A peek means the caller
   * has nothing read from this lane in flight or held: what it read before is forgotten.
   */
  @Override
  public List<StoredEntry> peek(int lane, int maxEntries, long maxBytes) {
    OutboxArguments.checkPeek(lane, shards, maxEntries, maxBytes);
    checkOpen();
    if (maxEntries == 0) {
      return List.of();
    }
    int limit;
    synchronized (state) {
      if (state[lane] == NOT_OWNED || !leaseLeft(lane)) {
        return List.of();
      }
      limit = state[lane] == RELEASING ? Math.min(maxEntries, unresolved.get(lane).size()) : maxEntries;
    }
    if (limit == 0) {
      return List.of();
    }
    Object r = link.await(link.eval(Script.PEEK, new byte[][] {keys.stream(lane), keys.failures(lane)},
        b(base), b(limit), b(maxBytes)), "reading shard " + lane);
    List<StoredEntry> out = new ArrayList<>();
    Set<Long> read = ConcurrentHashMap.newKeySet();
    for (Object o : list(r)) {
      List<Object> e = list(o);
      StoredEntry se = entry(s(e.get(0)), list(e.get(1)), s(e.get(2)));
      out.add(se);
      read.add(se.seq());
    }
    synchronized (state) {
      // Checked again now the read is back. A shard marked for giving up meanwhile with nothing
      // read open may be in the release the poller is sending: hand nothing out from it.
      if (state[lane] == NOT_OWNED || !leaseLeft(lane)
          || (state[lane] == RELEASING && unresolved.get(lane).isEmpty())) {
        return List.of();
      }
      unresolved.set(lane, read);
    }
    return out;
  }

  private static StoredEntry entry(String id, List<Object> flat, String failure) {
    Map<String, byte[]> f = new HashMap<>();
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      f.put(s(flat.get(i)), (byte[]) flat.get(i + 1));
    }
    long seq = seqOf(id);
    String e = text(f.get("e"));
    int attempts = 0;
    long firstFailure = 0;
    if (failure != null && !failure.isEmpty()) {
      String[] parts = failure.split(":", 3);
      attempts = Integer.parseInt(parts[0]);
      firstFailure = Long.parseLong(parts[1]);
    }
    return new StoredEntry(seq, (int) (seq & ((1 << SHARD_BITS) - 1)), text(f.get("p")),
        e == null || e.startsWith("0") ? null : e.substring(1), EntryKind.ofCode(Integer.parseInt(text(f.get("k")))),
        f.get("d") == null ? new byte[0] : f.get("d"), Long.parseLong(text(f.get("a"))), attempts, firstFailure);
  }

  /**
   * {@inheritDoc} In memory: the shard's stream length at the last poll, adjusted by this relay's
   * own commits since (so briefly off by the entries of a commit that crossed a poll); 0 for a
   * lane this relay does not own.
   */
  @Override
  public long pending(int lane) {
    OutboxArguments.checkLane(lane, shards);
    return owns(lane) ? Math.max(0, lanePending.get(lane)) : 0;
  }

  // ------------------------------------------------------------------ results

  /** {@inheritDoc} Applied even on a shard this relay no longer owns (an answer that arrived late). */
  @Override
  public CompletableFuture<Void> ack(long[] seqs) {
    Objects.requireNonNull(seqs, "seqs must not be null");
    if (seqs.length == 0) {
      return CompletableFuture.completedFuture(null);
    }
    long[] copy = seqs.clone();
    byte[][] args = new byte[seqs.length + 1][];
    args[0] = b(base);
    for (int i = 0; i < seqs.length; i++) {
      args[i + 1] = b(streamId(seqs[i]));
    }
    return afterWrite(link.eval(Script.ACK, keys.withShardsOf(seqs, SHARD_BITS, keys.bytes), args), "acknowledging", r -> {
      resolve(copy);
      removed(r);
    });
  }

  /**
   * {@inheritDoc} The dead letter's time is the configured clock's at this call; its attempts are
   * the larger of the request's and the recorded count.
   */
  @Override
  public CompletableFuture<Void> deadLetter(List<DeadLetterRequest> requests) {
    Objects.requireNonNull(requests, "requests must not be null");
    if (requests.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    long[] seqs = new long[requests.size()];
    byte[][] args = new byte[2 + 5 * requests.size()][];
    args[0] = b(base);
    args[1] = b(config.clock().millis());
    for (int i = 0; i < requests.size(); i++) {
      DeadLetterRequest r = requests.get(i);
      seqs[i] = r.seq();
      args[2 + 5 * i] = b(streamId(r.seq()));
      args[3 + 5 * i] = b(r.reason() == null ? "" : r.reason());
      args[4 + 5 * i] = b(r.lastStatus());
      args[5 + 5 * i] = b(r.attempts());
    }
    // The dead letters' ids are reserved first, so the script is given their records' keys; an
    // id reserved for an entry that is gone by then (acknowledged meanwhile) is simply never used.
    link.count("incrby");
    CompletableFuture<Object> moved = link.async().incrby(keys.deadLetterIds, requests.size()).toCompletableFuture()
        .thenCompose(last -> {
          List<Long> ids = new ArrayList<>(requests.size());
          for (int i = 0; i < requests.size(); i++) {
            ids.add(last - requests.size() + 1 + i);
            args[6 + 5 * i] = b(ids.get(i));
          }
          return link.eval(Script.DEAD_LETTER, keys.withShardsOf(seqs, SHARD_BITS,
              keys.withDeadLetters(ids, new byte[][] {keys.bytes, keys.deadLetters, keys.deadLetterOfEntry}, new byte[0][])),
              args);
        });
    return afterWrite(moved, "dead-lettering", r -> {
      resolve(seqs);
      removed(r);
    });
  }

  /**
   * {@inheritDoc} The entries stay read and open (the batch is held for re-send): their shard is
   * not given up until they are acknowledged or dead-lettered.
   */
  @Override
  public CompletableFuture<Void> recordFailure(long[] seqs, long atMillis, String lastError) {
    Objects.requireNonNull(seqs, "seqs must not be null");
    if (seqs.length == 0) {
      return CompletableFuture.completedFuture(null);
    }
    byte[][] args = new byte[seqs.length + 3][];
    args[0] = b(base);
    args[1] = b(atMillis);
    args[2] = b(lastError == null ? "" : lastError);
    for (int i = 0; i < seqs.length; i++) {
      args[i + 3] = b(streamId(seqs[i]));
    }
    return afterWrite(link.eval(Script.RECORD_FAILURE, keys.withShardsOf(seqs, SHARD_BITS), args), "recording a failure",
        r -> { });
  }

  private void removed(Object r) {
    for (Object o : list(r)) {
      lanePending.decrementAndGet(shardOf(s(o)));
    }
    poll();
    signalChange();
  }

  /** Entries acknowledged or dead-lettered (committed): no longer open. */
  private void resolve(long[] seqs) {
    synchronized (state) {
      for (long seq : seqs) {
        int shard = (int) (seq & ((1 << SHARD_BITS) - 1));
        if (shard < shards) {
          unresolved.get(shard).remove(seq);
        }
      }
    }
  }

  private CompletableFuture<Void> afterWrite(CompletableFuture<Object> f, String what,
      java.util.function.Consumer<Object> onOk) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    f.whenCompleteAsync((r, e) -> {
      if (e != null) {
        done.completeExceptionally(link.failure(what + " in " + base, e));
      } else {
        try {
          onOk.accept(r);
        } finally {
          done.complete(null);
        }
      }
    }, this::runCallback);
    return done;
  }

  // ------------------------------------------------------------------ views

  /**
   * {@inheritDoc} Fleet-wide pending, bytes, oldest age and dead letters as of the last poll (at
   * most one poll interval old) plus this relay's appends since. After {@link #stopAccepting()},
   * {@code pending} counts only the shards this relay owns (plus its uncommitted appends): what a
   * closing relay is still responsible for.
   */
  @Override
  public OutboxStats stats() {
    long[] t = totals;
    long unc = uncommitted.get();
    if (!accepting) {
      long own = 0;
      for (int i = 0; i < shards; i++) {
        own += pending(i);
      }
      return new OutboxStats(own + unc, t[1], t[2], t[3], unc, warning);
    }
    long handed = handedAppends.get();
    long handedSize = handedBytes.get();
    synchronized (ownLock) {
      return new OutboxStats(totals[0] + ownAppends + handed, totals[1] + ownBytes + handedSize, t[2], t[3], unc,
          warning);
    }
  }

  @Override
  public List<DeadLetter> deadLetters(long afterId, int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0 but was " + limit);
    }
    if (limit == 0) {
      return List.of();
    }
    checkOpen();
    return readDeadLetters(deadLetterIdsAfter(afterId, limit));
  }

  @Override
  public Optional<DeadLetter> deadLetterOf(long seq) {
    checkOpen();
    link.count("hget");
    byte[] n = link.await(link.async().hget(keys.deadLetterOfEntry, b(streamId(seq))).toCompletableFuture(),
        "reading a dead letter");
    List<DeadLetter> l = n == null ? List.of() : readDeadLetters(List.of(Long.parseLong(s(n))));
    return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
  }

  /** Reads these dead letters' records (one script call); ids no longer there are left out. */
  private List<DeadLetter> readDeadLetters(List<Long> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    byte[][] args = new byte[ids.size() + 1][];
    args[0] = b(base);
    for (int i = 0; i < ids.size(); i++) {
      args[i + 1] = b(ids.get(i));
    }
    return deadLetterList(link.await(link.eval(Script.DEAD_LETTERS,
        keys.withDeadLetters(ids, new byte[0][], new byte[0][]), args), "listing dead letters"));
  }

  /** {@inheritDoc} Read from the {@code :rp} hash the replay script keeps (one field per replay). */
  @Override
  public java.util.OptionalLong replayedAs(long seq) {
    checkOpen();
    List<Object> r = list(link.await(link.eval(Script.REPLAYED_AS, new byte[][] {keys.replayedAs}, b(base), b(streamId(seq))),
        "reading where a dead letter was replayed"));
    return r.isEmpty() ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(seqOf(s(r.get(0))));
  }

  private static List<DeadLetter> deadLetterList(Object r) {
    List<DeadLetter> out = new ArrayList<>();
    for (Object o : list(r)) {
      List<Object> row = list(o);
      Map<String, byte[]> f = new HashMap<>();
      List<Object> flat = list(row.get(1));
      for (int i = 0; i + 1 < flat.size(); i += 2) {
        f.put(s(flat.get(i)), (byte[]) flat.get(i + 1));
      }
      String e = text(f.get("e"));
      out.add(new DeadLetter(Long.parseLong(s(row.get(0))), seqOf(text(f.get("id"))), text(f.get("p")),
          e == null || e.startsWith("0") ? null : e.substring(1),
          EntryKind.ofCode(Integer.parseInt(text(f.get("k")))), f.get("d") == null ? new byte[0] : f.get("d"),
          Long.parseLong(text(f.get("a"))), Long.parseLong(text(f.get("t"))), text(f.get("r")),
          Integer.parseInt(text(f.get("s"))), Integer.parseInt(text(f.get("n")))));
    }
    return out;
  }

  @Override
  public boolean isPending(long seq) {
    checkOpen();
    int shard = (int) (seq & ((1 << SHARD_BITS) - 1));
    if (seq < 0 || shard >= shards) {
      return false;
    }
    String id = streamId(seq);
    link.count("xrange");
    return !link.await(link.async().xrange(keys.stream(shard), io.lettuce.core.Range.create(id, id))
        .toCompletableFuture(), "reading an entry").isEmpty();
  }

  @Override
  public long oldestPendingSeq() {
    long[] t = freshTotals();
    return t[4] < 0 ? -1 : (t[4] << SHARD_BITS) | t[5];
  }

  /**
   * {@inheritDoc} One read of the shard stream's first entry (whoever owns the shard; acknowledged
   * entries are deleted, so the first entry is the oldest pending one). Changes no read or lease
   * state. Lets the engine hold a merge until the secondary person's earlier operations are done.
   */
  @Override
  public long oldestPendingSeq(int lane) {
    OutboxArguments.checkLane(lane, shards);
    checkOpen();
    List<Object> r = list(link.await(link.eval(Script.OLDEST, new byte[][] {keys.stream(lane)}, b(base)),
        "reading the oldest entry of a shard"));
    return r.isEmpty() ? -1 : seqOf(s(r.get(0)));
  }

  @Override
  public long newestPendingSeq() {
    long[] t = freshTotals();
    return t[6] < 0 ? -1 : (t[6] << SHARD_BITS) | t[7];
  }

  private long[] freshTotals() {
    checkOpen();
    return toLongs(list(link.await(link.eval(Script.TOTALS, keys.totals(), b(base), b(shards)),
        "counting pending entries")));
  }

  /** {@inheritDoc} Read from Redis (one round trip). */
  @Override
  public long deadLetterCount() {
    checkOpen();
    link.count("zcard");
    return link.await(link.async().zcard(keys.deadLetters).toCompletableFuture(), "counting dead letters");
  }

  /** {@inheritDoc} Unknown ids are ignored. @throws OutboxException if Redis fails or the store is closed */
  @Override
  public int replay(Collection<Long> deadLetterIds) {
    return batched(OutboxArguments.sortedIds(deadLetterIds), Script.REPLAY, "replaying dead letters");
  }

  @Override
  public int replayAll() {
    return batched(allDeadLetterIds(), Script.REPLAY, "replaying dead letters");
  }

  @Override
  public int purge(Collection<Long> deadLetterIds) {
    return batched(OutboxArguments.sortedIds(deadLetterIds), Script.PURGE, "purging dead letters");
  }

  @Override
  public int purgeAll() {
    return batched(allDeadLetterIds(), Script.PURGE, "purging dead letters");
  }

  private List<Long> allDeadLetterIds() {
    checkOpen();
    List<Long> ids = new ArrayList<>();
    long after = 0;
    while (true) {
      List<Long> page = deadLetterIdsAfter(after, 1000);
      ids.addAll(page);
      if (page.size() < 1000) {
        return ids;
      }
      after = ids.get(ids.size() - 1);
    }
  }

  /** Up to {@code limit} dead letter ids above {@code after}, ascending (one {@code ZRANGEBYSCORE}). */
  private List<Long> deadLetterIdsAfter(long after, int limit) {
    link.count("zrangebyscore");
    List<byte[]> page = link.await(link.async().zrangebyscore(keys.deadLetters,
        io.lettuce.core.Range.from(io.lettuce.core.Range.Boundary.excluding(after),
            io.lettuce.core.Range.Boundary.unbounded()),
        io.lettuce.core.Limit.create(0, limit)).toCompletableFuture(), "listing dead letters");
    List<Long> ids = new ArrayList<>(page.size());
    for (byte[] id : page) {
      ids.add(Long.parseLong(new String(id, StandardCharsets.UTF_8)));
    }
    return ids;
  }

  private int batched(List<Long> ids, Script script, String what) {
    checkOpen();
    int n = 0;
    for (int from = 0; from < ids.size(); from += 500) {
      List<Long> part = ids.subList(from, Math.min(ids.size(), from + 500));
      byte[][] args = new byte[part.size() + 1][];
      args[0] = b(base);
      for (int i = 0; i < part.size(); i++) {
        args[i + 1] = b(part.get(i));
      }
      byte[][] given = script == Script.REPLAY
          ? keys.withDeadLetters(part, new byte[][] {keys.seq, keys.bytes, keys.deadLetters, keys.deadLetterOfEntry,
              keys.replayedAs}, keys.streams())
          : keys.withDeadLetters(part, new byte[][] {keys.deadLetters, keys.deadLetterOfEntry}, new byte[0][]);
      n += (int) l(link.await(link.eval(script, given, args), what));
    }
    poll();
    return n;
  }

  // ------------------------------------------------------------------ lifecycle

  @Override
  public void onAppendCommitted(Runnable listener) {
    listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
  }

  @Override
  public void stopAccepting() {
    accepting = false;
  }

  /**
   * Stops accepting, waits (up to twice the command timeout) for appends already sent, stops the
   * poller, gives up this relay's leases so another relay takes its shards over at once, and
   * closes the connection. Idempotent.
   */
  @Override
  public void close() {
    close(false);
  }

  /**
   * {@inheritDoc} With requests in flight the leases are not released: they lapse after the TTL,
   * by which time those requests have ended, so the relay taking the shards over cannot overtake
   * them.
   */
  @Override
  public void close(boolean requestsInFlight) {
    synchronized (closeLock) {
      if (closed) {
        return;
      }
      accepting = false;
      long deadline = System.nanoTime() + store.commandTimeout().toNanos() * 2;
      while (uncommitted.get() > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !awaitChange(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)))) {
          break;
        }
      }
      closed = true;
      stopRounds();
      try {
        if (requestsInFlight) {
          log.info("Redis outbox {} closed by relay {} with requests still in flight: its leases lapse after {} "
              + "instead of being released", base, store.relayId(), store.leaseTtl());
        } else {
          long released = l(link.await(link.eval(Script.RELEASE, keys.release(),
              b(base), b(store.relayId()), b(shards)), "releasing leases"));
          log.info("Redis outbox {} closed by relay {}: {} shard lease(s) released", base, store.relayId(), released);
        }
      } catch (RuntimeException e) {
        log.warn("relay {} could not release its leases of {} (they expire after {}): {}", store.relayId(), base,
            store.leaseTtl(), e.getMessage());
      }
      synchronized (state) {
        java.util.Arrays.fill(state, NOT_OWNED);
      }
      callbacks.shutdown();
      try {
        callbacks.awaitTermination(store.commandTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      link.close();
    }
  }

  /**
   * Simulates a crash for tests: stops the poller and drops the connection without releasing
   * leases or leaving the heartbeat set, so other relays take over only after the lease TTL.
   */
  void crash() {
    synchronized (closeLock) {
      accepting = false;
      closed = true;
      stopRounds();
      callbacks.shutdownNow();
      link.abandon();
    }
  }

  // ------------------------------------------------------------------ poller

  private void startRounds() {
    long interval = store.pollInterval().toNanos();
    rounds = scheduler.scheduleWithFixedDelay(this::round, interval, interval, TimeUnit.NANOSECONDS);
  }

  /** Asks for an early round (counts changed); one queued at a time. */
  private void poll() {
    if (rounds == null || closed || !earlyRoundQueued.compareAndSet(false, true)) {
      return;
    }
    try {
      scheduler.execute(() -> {
        earlyRoundQueued.set(false);
        round();
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      earlyRoundQueued.set(false);
    }
  }

  /** One scheduled or early round; skipped if one is running already (it covers this one). */
  private void round() {
    if (closed || !inRound.compareAndSet(false, true)) {
      return;
    }
    roundThread = Thread.currentThread();
    try {
      pollOnce();
    } catch (RuntimeException e) {
      if (!closed && !pollFailing) {
        log.warn("relay {} cannot poll Redis store {}: {} (its leases lapse after {} without renewal)",
            store.relayId(), base, e.getMessage(), store.leaseTtl());
      }
      pollError = e.getMessage();
      pollFailing = true;
    } finally {
      roundThread = null;
      inRound.set(false);
      signalChange();
    }
  }

  /** Stops the rounds (closed is already set) and waits for a running one to end. */
  private void stopRounds() {
    java.util.concurrent.ScheduledFuture<?> r = rounds;
    if (r != null) {
      r.cancel(false);
    }
    long deadline = System.nanoTime() + store.commandTimeout().toNanos() * 2 + TimeUnit.MILLISECONDS.toNanos(100);
    if (ownScheduler) {
      scheduler.shutdownNow();
      if (Thread.currentThread() != roundThread) {
        try {
          scheduler.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return;
    }
    while (inRound.get() && Thread.currentThread() != roundThread) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !awaitChange(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)))) {
        return;
      }
    }
  }

  /** One round: renew, take, release, count; then wake the listeners if an owned shard has work. */
  void pollOnce() {
    List<Integer> releaseNow = releasable();
    byte[][] args = new byte[5 + releaseNow.size()][];
    args[0] = b(base);
    args[1] = b(store.relayId());
    args[2] = b(store.leaseTtl().toMillis());
    args[3] = b(shards);
    // A relay that stopped accepting (shutting down) keeps what it holds but takes no new shards,
    // so a rolling restart does not hand work to the relays that are leaving.
    args[4] = b(accepting ? Math.floorMod(store.relayId().hashCode(), shards) : -1);
    for (int i = 0; i < releaseNow.size(); i++) {
      args[5 + i] = b(releaseNow.get(i));
    }
    long sent = ticker.getAsLong();
    List<Object> r = list(link.await(link.eval(Script.TICK, keys.tick(), args), "polling"));
    if (pollFailing) {
      log.info("relay {} reaches Redis store {} again", store.relayId(), base);
      pollFailing = false;
    }
    long live = l(r.get(0));
    long max = l(r.get(1));
    List<Object> per = list(r.get(2));
    long validUntil = sent + ttlNanos - ttlNanos / 10;
    boolean work = false;
    int held = 0;
    synchronized (state) {
      for (int i = 0; i < shards; i++) {
        int st = (int) l(per.get(2 * i));
        long xlen = l(per.get(2 * i + 1));
        lanePending.set(i, xlen);
        if (st == 0) {
          if (state[i] != NOT_OWNED && !releaseNow.contains(i)) {
            log.warn("relay {} lost the lease of shard {} of {} (not renewed in time); another relay delivers it",
                store.relayId(), i, base);
          }
          state[i] = NOT_OWNED;
          unresolved.get(i).clear();
          toRelease.remove(i);
          continue;
        }
        if (st == 2 || state[i] == NOT_OWNED) {
          log.info("relay {} took shard {} of {} ({} pending)", store.relayId(), i, base, xlen);
          state[i] = OWNED;
          unresolved.get(i).clear();
        }
        leaseValidUntil.set(i, validUntil);
        held++;
        if (state[i] == OWNED && xlen > 0) {
          work = true;
        }
      }
      rebalance(held, max);
    }
    liveRelays = live;
    long[] polledTotals = toLongs(list(r.get(3)));
    long counter = l(r.get(4));
    synchronized (ownLock) {
      totals = polledTotals;
      polledUpTo = Math.max(polledUpTo, counter);
      for (java.util.Iterator<long[]> it = own.iterator(); it.hasNext(); ) {
        long[] done = it.next();
        if (done[0] <= polledUpTo) {
          it.remove();
          ownAppends--;
          ownBytes -= done[1];
        }
      }
    }
    signalChange();
    if (work) {
      runListeners();
    }
  }

  /**
   * Marks extra shards for giving up (held > max), idle ones (nothing read open) first, or takes
   * marks back (held <= max). A marked shard drains: see {@link #peek}. Call with the state
   * monitor held.
   */
  private void rebalance(int held, long max) {
    int extra = (int) Math.max(0, held - max);
    int releasing = 0;
    for (int i = 0; i < shards; i++) {
      if (state[i] == RELEASING) {
        releasing++;
      }
    }
    for (int pass = 0; pass < 2; pass++) {
      for (int i = shards - 1; i >= 0 && releasing < extra; i--) {
        if (state[i] == OWNED && (pass == 1 || unresolved.get(i).isEmpty())) {
          state[i] = RELEASING;
          releasing++;
          log.info("relay {} gives up shard {} of {} ({} relays share {} shards){}", store.relayId(), i, base,
              liveRelays, shards, unresolved.get(i).isEmpty() ? "" : " once what was read from it is answered");
        }
      }
    }
    for (int i = 0; i < shards && releasing > extra; i++) {
      if (state[i] == RELEASING) {
        state[i] = OWNED;
        releasing--;
      }
    }
  }

  /**
   * Shards being given up with nothing read open: every entry read from them acknowledged or
   * dead-lettered. No time limit: a batch held for re-send keeps its shard however long it waits.
   */
  private List<Integer> releasable() {
    List<Integer> out = new ArrayList<>();
    synchronized (state) {
      for (int i = 0; i < shards; i++) {
        if (state[i] == RELEASING && unresolved.get(i).isEmpty()) {
          out.add(i);
        }
      }
    }
    return out;
  }

  private void runListeners() {
    for (Runnable l : listeners) {
      try {
        l.run();
      } catch (RuntimeException e) {
        log.warn("an onAppendCommitted listener of Redis outbox {} failed", base, e);
      }
    }
  }

  /** Shards this relay owns now. */
  int ownedCount() {
    int n = 0;
    for (int i = 0; i < shards; i++) {
      if (owns(i)) {
        n++;
      }
    }
    return n;
  }

  /** Live relays seen by the last poll. */
  long liveRelays() {
    return liveRelays;
  }

  // ------------------------------------------------------------------ helpers

  /** The stream id of a sequence number: {@code <seq / 1024>-<seq % 1024>}. */
  static String streamId(long seq) {
    return (seq >>> SHARD_BITS) + "-" + (seq & ((1 << SHARD_BITS) - 1));
  }

  static long seqOf(String streamId) {
    int dash = streamId.indexOf('-');
    return (Long.parseLong(streamId.substring(0, dash)) << SHARD_BITS) | Long.parseLong(streamId.substring(dash + 1));
  }

  private static int shardOf(String streamId) {
    return Integer.parseInt(streamId.substring(streamId.indexOf('-') + 1));
  }

  private static long[] toLongs(List<Object> l) {
    long[] out = new long[l.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = l(l.get(i));
    }
    return out;
  }

  private static String text(byte[] bytes) {
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }



  private void checkOpen() {
    if (closed) {
      throw new OutboxException("Redis outbox " + base + " is closed");
    }
  }

}
