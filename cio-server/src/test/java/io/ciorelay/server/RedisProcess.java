package io.ciorelay.server;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A real {@code redis-server} for tests: the one already answering on 127.0.0.1:6379, or a child
 * process of our own on a free port (always our own when the test restarts it). A missing binary
 * fails the test with the install command.
 */
public final class RedisProcess implements AutoCloseable {
  static final int SHARED_PORT = 6379;

  final int port;
  private final Path dir;
  private Process process;

  private RedisProcess(int port, Path dir, Process process) {
    this.port = port;
    this.dir = dir;
    this.process = process;
  }

  /** The running Redis on 127.0.0.1:6379 if it answers PING, else a private one in {@code dir}. */
  public static RedisProcess sharedOrPrivate(Path dir) throws IOException {
    if (ping(SHARED_PORT)) {
      return new RedisProcess(SHARED_PORT, null, null);
    }
    return startPrivate(dir);
  }

  /**
   * A private redis-server on a free port, persisting every write to an append-only file fsynced
   * on each command ({@code appendfsync always}), so a restart loses nothing it acknowledged.
   */
  static RedisProcess startPrivate(Path dir) throws IOException {
    RedisProcess r = notStarted(dir);
    r.launch();
    return r;
  }

  /** A private server with its port chosen but not started yet ({@link #restart()} starts it). */
  static RedisProcess notStarted(Path dir) throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return new RedisProcess(s.getLocalPort(), dir, null);
    }
  }

  public String uri(int db) {
    return "redis://127.0.0.1:" + port + "/" + db;
  }

  boolean isPrivate() {
    return dir != null;
  }

  /** {@code kill -9} of a private server. */
  void kill() throws Exception {
    Process p = process;
    new ProcessBuilder("kill", "-9", Long.toString(p.pid())).start().waitFor();
    p.waitFor(10, TimeUnit.SECONDS);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !ping(port));
  }

  /** Starts a private server again on the same port and directory (its append-only file is replayed). */
  void restart() throws IOException {
    launch();
  }

  private void launch() throws IOException {
    List<String> cmd = io.ciorelay.server.torture.RedisServer.command(port, dir, dir.resolve("redis-" + port + ".log"));
    try {
      process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IOException("redis-server is not installed: run `apt-get install -y redis-server` (" + e.getMessage() + ")", e);
    }
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> ping(port) || !process.isAlive());
    if (!ping(port)) {
      throw new IOException("redis-server did not start on port " + port + "; see " + dir);
    }
  }

  /** Deletes every key of a store prefix (SCAN + UNLINK); never flushes. */
  public void deleteKeys(String prefix) {
    if (ping(port)) {
      io.ciorelay.redis.RedisKeys.deletePrefix(uri(0), prefix);
    }
  }

  /** How many keys contain {@code fragment}. */
  public long countKeys(String fragment) {
    io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(uri(0));
    try (io.lettuce.core.api.StatefulRedisConnection<String, String> c = client.connect()) {
      return c.sync().keys("*" + fragment + "*").size();
    } finally {
      client.shutdown();
    }
  }

  /** Whether a Redis answers PING on this loopback port. */
  static boolean ping(int port) {
    return io.ciorelay.server.torture.RedisServer.ping(port);
  }

  @Override
  public void close() {
    io.ciorelay.server.torture.RedisServer.kill(process);
  }
}
