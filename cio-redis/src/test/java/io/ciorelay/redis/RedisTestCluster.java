package io.ciorelay.redis;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The Redis Cluster tests run against: three masters on loopback ports started once per test run
 * ({@link LocalRedisCluster}), killed when the JVM exits. A test calling {@link #shared()} or
 * {@link #startPrivate} is skipped, saying why, where {@code redis-server}/{@code redis-cli} are
 * not installed.
 */
final class RedisTestCluster {
  private static LocalRedisCluster shared;

  private RedisTestCluster() {}

  /** The URI of the shared three-master cluster. */
  static String sharedUri() {
    return shared().uri();
  }

  /** The shared three-master cluster (tests that change a node's settings set them back). */
  static synchronized LocalRedisCluster shared() {
    if (shared == null) {
      shared = startPrivate(3, 0);
      LocalRedisCluster c = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(c::close));
    }
    return shared;
  }

  /** A cluster of this test's own (close it after). */
  static LocalRedisCluster startPrivate(int masters, int replicasPerMaster) {
    Assumptions.assumeTrue(LocalRedisCluster.available(),
        "skipped: redis-server and redis-cli (Redis 7) are not installed, so no Redis Cluster can be started");
    try {
      return LocalRedisCluster.start(Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"))),
          masters, replicasPerMaster);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
