package io.ciorelay.redis;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.StringCodec;

/**
 * Removes a fleet's keys: every workspace's streams, leases, counters, dead letters and rate-limit
 * state under one prefix ({@code {prefix:workspace}:…}), with {@code SCAN} and {@code UNLINK} —
 * never a flush, so other data in the same Redis is untouched. For tests, benchmarks and
 * decommissioning; pending operations under the prefix are lost, so stop the fleet first.
 */
public final class RedisKeys {
  private RedisKeys() {}

  /**
   * Deletes every key of this prefix; returns how many. {@code uri} is any URI the store accepts
   * ({@link RedisStoreConfig.Builder#uri}); on a Redis Cluster every master is scanned.
   */
  public static long deletePrefix(String uri, String prefix) {
    long deleted = 0;
    try (RedisConnections.Opened<String, String> c = RedisConnections.open(RedisStoreConfig.builder().uri(uri).build(), StringCodec.UTF8)) {
      RedisClusterCommands<String, String> r = c.sync();
      ScanCursor cursor = ScanCursor.INITIAL;
      do {
        KeyScanCursor<String> page = r.scan(cursor, ScanArgs.Builder.matches("{" + prefix + ":*").limit(1000));
        // One UNLINK per key: a cluster refuses a multi-key command over several slots, and
        // several workspaces of one prefix live in several slots.
        for (String key : page.getKeys()) {
          deleted += r.unlink(key);
        }
        cursor = page;
      } while (!cursor.isFinished());
    }
    return deleted;
  }
}
