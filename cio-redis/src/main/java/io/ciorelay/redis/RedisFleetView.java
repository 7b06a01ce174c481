package io.ciorelay.redis;

import io.ciorelay.delivery.outbox.OutboxException;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScoredValue;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A read-only view of one workspace's fleet in a Redis store: the relays whose heartbeat is within
 * the lease TTL and the shards each one holds a lease on (the keys {@code :relays}, {@code :meta}
 * and {@code :lease:<shard>} that {@link RedisOutbox} writes). It never writes. For the dashboard
 * and operators.
 *
 * <p>It connects on the first {@link #snapshot()} and reconnects by itself (Lettuce); each snapshot
 * is two round trips. Thread-safe: one monitor guards the connection reference, never held during I/O.
 */
public final class RedisFleetView implements AutoCloseable {
  private final RedisStoreConfig store;
  private final Object lock = new Object();
  // Guarded by lock.
  private RedisLink link;
  private boolean closed;

  /** One relay of the fleet: its id, when Redis last heard from it, and the shards it holds. */
  public record Relay(String id, Instant lastSeen, List<Integer> shards) {
    public Relay {
      shards = List.copyOf(shards);
    }
  }

  /**
   * The fleet as Redis sees it now.
   *
   * @param shards     the workspace's shard count (0 if no relay has opened the store yet)
   * @param relays     live relays, by id
   * @param freeShards shards nobody holds a lease on
   * @param unknownHolders shards held by an id that is not (or no longer) in the heartbeat set
   */
  public record Snapshot(int shards, List<Relay> relays, List<Integer> freeShards, Map<Integer, String> unknownHolders) {
    public Snapshot {
      relays = List.copyOf(relays);
      freeShards = List.copyOf(freeShards);
      unknownHolders = Map.copyOf(unknownHolders);
    }
  }

  private RedisFleetView(RedisStoreConfig store) {
    this.store = store;
  }

  /** A view of {@code store}'s workspace (nothing is connected until the first snapshot). */
  public static RedisFleetView of(RedisStoreConfig store) {
    return new RedisFleetView(Objects.requireNonNull(store, "store must not be null"));
  }

  /** This relay's id in the fleet. */
  public String relayId() {
    return store.relayId();
  }

  /**
   * Reads the heartbeat set and every shard's lease holder.
   *
   * @throws OutboxException naming host and port (no password) if Redis cannot be reached or fails
   */
  public Snapshot snapshot() {
    RedisLink l = link();
    WorkspaceKeys ws = new WorkspaceKeys(store.keyBase(), 0);
    byte[] relaysKey = ws.relays;
    // The clock of the master holding the workspace (on a cluster, not just any node's): the one
    // the poll rounds stamp the heartbeats with.
    var time = l.slotMaster().thenCompose(n -> n.time().toCompletableFuture());
    var beats = l.async().zrangeWithScores(relaysKey, 0, -1).toCompletableFuture();
    var count = l.async().hget(ws.meta, RedisLink.b("shards")).toCompletableFuture();
    l.count("fleet-view");
    List<byte[]> now = l.await(time, "reading the Redis clock");
    List<ScoredValue<byte[]>> hb = l.await(beats, "reading the fleet's heartbeats");
    byte[] n = l.await(count, "reading the shard count");
    long nowMillis = Long.parseLong(RedisLink.s(now.get(0))) * 1000 + Long.parseLong(RedisLink.s(now.get(1))) / 1000;
    int shards = n == null ? 0 : Integer.parseInt(RedisLink.s(n));
    Map<String, Long> live = new LinkedHashMap<>();
    for (ScoredValue<byte[]> v : hb) {
      if ((long) v.getScore() >= nowMillis - store.leaseTtl().toMillis()) {
        live.put(new String(v.getValue(), StandardCharsets.UTF_8), (long) v.getScore());
      }
    }
    Map<String, List<Integer>> held = new LinkedHashMap<>();
    live.keySet().forEach(id -> held.put(id, new ArrayList<>()));
    List<Integer> free = new ArrayList<>();
    Map<Integer, String> unknown = new LinkedHashMap<>();
    if (shards > 0) {
      WorkspaceKeys all = new WorkspaceKeys(store.keyBase(), shards);
      byte[][] keys = new byte[shards][];
      for (int i = 0; i < shards; i++) {
        keys[i] = all.lease(i);
      }
      l.count("fleet-view");
      List<KeyValue<byte[], byte[]>> owners = l.await(l.async().mget(keys).toCompletableFuture(), "reading the shard leases");
      for (int i = 0; i < shards; i++) {
        KeyValue<byte[], byte[]> kv = owners.get(i);
        if (!kv.hasValue()) {
          free.add(i);
          continue;
        }
        String owner = new String(kv.getValue(), StandardCharsets.UTF_8);
        List<Integer> mine = held.get(owner);
        if (mine != null) {
          mine.add(i);
        } else {
          unknown.put(i, owner);
        }
      }
    }
    List<Relay> relays = new ArrayList<>();
    held.forEach((id, s) -> relays.add(new Relay(id, Instant.ofEpochMilli(live.get(id)), s)));
    relays.sort(java.util.Comparator.comparing(Relay::id));
    return new Snapshot(shards, relays, free, unknown);
  }

  /** The connection, made on first use; no lock is held while connecting (a racing extra one is closed). */
  private RedisLink link() {
    synchronized (lock) {
      if (closed) {
        throw new OutboxException("the fleet view of " + store.keyBase() + " is closed");
      }
      if (link != null) {
        return link;
      }
    }
    RedisLink made = RedisLink.connect(store, "fleet-view");
    RedisLink extra = null;
    RedisLink use;
    synchronized (lock) {
      if (closed || link != null) {
        extra = made;
        use = link;
      } else {
        link = made;
        use = made;
      }
    }
    if (extra != null) {
      extra.close();
    }
    if (use == null) {
      throw new OutboxException("the fleet view of " + store.keyBase() + " is closed");
    }
    return use;
  }

  /** Closes the connection, if one was made. Idempotent. */
  @Override
  public void close() {
    RedisLink l;
    synchronized (lock) {
      closed = true;
      l = link;
      link = null;
    }
    if (l != null) {
      l.close();
    }
  }
}
