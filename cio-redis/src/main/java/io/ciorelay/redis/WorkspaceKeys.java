package io.ciorelay.redis;

import static io.ciorelay.redis.RedisLink.b;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The names of one workspace's keys, and the {@code KEYS} list of each script call. Every name
 * starts with the hash-tagged base {@code {prefix:workspace}}, so on a Redis Cluster all of a
 * workspace's keys hash to one slot and every script runs on one master; different workspaces
 * hash to different slots. Each script call is given every key it touches (the scripts refuse
 * any other, see {@code common.lua}): a cluster routes a script by its keys and moves them with
 * their slot. Immutable; thread-safe (the arrays handed out are shared and must not be changed).
 */
final class WorkspaceKeys {
  private final String base;
  private final int shards;
  final byte[] seq;
  final byte[] bytes;
  final byte[] deadLetters;
  final byte[] deadLetterIds;
  final byte[] deadLetterOfEntry;
  final byte[] replayedAs;
  final byte[] relays;
  final byte[] meta;
  final byte[] rateLimitBucket;
  final byte[] pausedUntil;
  private final byte[][] streams;
  private final byte[][] failures;
  private final byte[][] leases;
  private final byte[][] tick;
  private final byte[][] release;
  private final byte[][] totals;

  WorkspaceKeys(String base, int shards) {
    this.base = base;
    this.shards = shards;
    this.seq = b(base + ":seq");
    this.bytes = b(base + ":bytes");
    this.deadLetters = b(base + ":dl");
    this.deadLetterIds = b(base + ":dlid");
    this.deadLetterOfEntry = b(base + ":dlseq");
    this.replayedAs = b(base + ":rp");
    this.relays = b(base + ":relays");
    this.meta = b(base + ":meta");
    this.rateLimitBucket = b(base + ":rl");
    this.pausedUntil = b(base + ":paused-until");
    this.streams = new byte[shards][];
    this.failures = new byte[shards][];
    this.leases = new byte[shards][];
    for (int i = 0; i < shards; i++) {
      streams[i] = b(base + ":s:" + i);
      failures[i] = b(base + ":f:" + i);
      leases[i] = b(base + ":lease:" + i);
    }
    this.tick = concat(List.of(new byte[][] {relays, seq, bytes, deadLetters}, leases, streams));
    this.release = concat(List.of(new byte[][] {relays}, leases));
    this.totals = concat(List.of(new byte[][] {bytes, deadLetters}, streams));
  }

  String base() {
    return base;
  }

  byte[] stream(int shard) {
    return streams[shard];
  }

  byte[] failures(int shard) {
    return failures[shard];
  }

  byte[] lease(int shard) {
    return leases[shard];
  }

  byte[] appendId(String id) {
    return b(base + ":ap:" + id);
  }

  byte[] deadLetter(long id) {
    return b(base + ":dl:" + id);
  }

  /** KEYS of a poll round: heartbeat set, counter, bytes, dead-letter index, every lease, every stream. */
  byte[][] tick() {
    return tick;
  }

  /** KEYS of releasing every lease: heartbeat set, every lease. */
  byte[][] release() {
    return release;
  }

  /** KEYS of the fleet-wide totals: bytes, dead-letter index, every stream. */
  byte[][] totals() {
    return totals;
  }

  /** {@code first}, then the stream and failure hash of each distinct shard of {@code seqs}. */
  byte[][] withShardsOf(long[] seqs, int shardBits, byte[]... first) {
    boolean[] seen = new boolean[shards];
    List<byte[]> out = new ArrayList<>(Arrays.asList(first));
    for (long s : seqs) {
      int shard = (int) (s & ((1 << shardBits) - 1));
      if (shard < shards && !seen[shard]) {
        seen[shard] = true;
        out.add(streams[shard]);
        out.add(failures[shard]);
      }
    }
    return out.toArray(new byte[0][]);
  }

  /** {@code first}, then the record hash of each dead letter id, then {@code last}. */
  byte[][] withDeadLetters(List<Long> ids, byte[][] first, byte[][] last) {
    List<byte[]> out = new ArrayList<>(Arrays.asList(first));
    for (long id : ids) {
      out.add(deadLetter(id));
    }
    out.addAll(Arrays.asList(last));
    return out.toArray(new byte[0][]);
  }

  /** Every stream, for a script that may write to any shard (a replay). */
  byte[][] streams() {
    return streams;
  }

  private static byte[][] concat(List<byte[][]> parts) {
    List<byte[]> out = new ArrayList<>();
    parts.forEach(p -> out.addAll(Arrays.asList(p)));
    return out.toArray(new byte[0][]);
  }
}
