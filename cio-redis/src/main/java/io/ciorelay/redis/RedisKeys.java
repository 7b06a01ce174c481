package io.ciorelay.redis;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;

/**
 * Removes a fleet's keys: every workspace's streams, leases, counters, dead letters and rate-limit
 * state under one prefix ({@code {prefix:workspace}:…}), with {@code SCAN} and {@code UNLINK} —
 * never a flush, so other data in the same Redis is untouched. For tests, benchmarks and
 * decommissioning; pending operations under the prefix are lost, so stop the fleet first.
 */
public final class RedisKeys {
  private RedisKeys() {}

  /** Deletes every key of this prefix; returns how many. */
  public static long deletePrefix(String uri, String prefix) {
    RedisClient client = RedisClient.create(uri);
    long deleted = 0;
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      RedisCommands<String, String> r = c.sync();
      ScanCursor cursor = ScanCursor.INITIAL;
      do {
        KeyScanCursor<String> page = r.scan(cursor, ScanArgs.Builder.matches("{" + prefix + ":*").limit(1000));
        if (!page.getKeys().isEmpty()) {
          deleted += r.unlink(page.getKeys().toArray(new String[0]));
        }
        cursor = page;
      } while (!cursor.isFinished());
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }
    return deleted;
  }
}
