package io.ciorelay.redis;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the Redis store's tests share: the Redis they run on ({@link #redisUri()}: the shared
 * loopback one; the {@code RedisCluster…} subclasses return a cluster), a key prefix of their own
 * per test, and the stores, limiters and views they opened, closed after each test before its keys
 * are deleted.
 */
abstract class RedisStoreTestBase {
  String uri;
  String prefix;
  final List<AutoCloseable> open = new ArrayList<>();

  /** The Redis these tests run on. */
  String redisUri() {
    return RedisTestServer.sharedUri();
  }

  @BeforeEach
  void setUp() {
    uri = redisUri();
    prefix = RedisTestServer.prefix();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable o : open) {
      o.close();
    }
    RedisTestServer.deleteKeys(uri, prefix);
  }
}
