package io.ciorelay.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The Redis tests run against: the one on 127.0.0.1:6379 if it answers, else a private
 * {@code redis-server} child on a free port (no persistence), else a clear failure. Tests use a
 * random key prefix and delete their keys afterwards; nothing here ever flushes a database.
 */
final class RedisTestServer {
  private static final String HOST = "127.0.0.1";
  private static volatile String sharedUri;
  private static volatile RedisTestServer sharedChild;

  private final int port;
  private final String password;
  private final Path dir;
  private final List<String> extraArgs;
  private Process process;

  private RedisTestServer(int port, String password, List<String> extraArgs) {
    this.port = port;
    this.password = password;
    this.extraArgs = extraArgs;
    try {
      this.dir = Files.createTempDirectory("cio-redis-test");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The URI of a Redis for tests (shared by the whole test run). */
  static synchronized String sharedUri() {
    if (sharedUri != null) {
      return sharedUri;
    }
    if (answers(6379, null)) {
      sharedUri = "redis://" + HOST + ":6379";
    } else {
      sharedChild = startPrivate(null);
      Runtime.getRuntime().addShutdownHook(new Thread(sharedChild::kill));
      sharedUri = sharedChild.uri();
    }
    return sharedUri;
  }

  /** A fresh random key prefix for one test. */
  static String prefix() {
    return "cio-test-" + UUID.randomUUID().toString().substring(0, 12);
  }

  /** Starts a private {@code redis-server} on a free port, optionally with a password and more arguments. */
  static RedisTestServer startPrivate(String password, String... extraArgs) {
    RedisTestServer s = new RedisTestServer(freePort(), password, List.of(extraArgs));
    s.start();
    return s;
  }

  String uri() {
    return "redis://" + (password != null ? ":" + password + "@" : "") + HOST + ":" + port;
  }

  int port() {
    return port;
  }

  /** Starts (or restarts, on the same port) the child and waits until it answers PING. */
  synchronized void start() {
    if (!binaryExists()) {
      throw new IllegalStateException("no Redis for the tests: nothing answers on " + HOST
          + ":6379 and there is no redis-server binary on the PATH (install redis-server or start Redis on 6379)");
    }
    List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", String.valueOf(port), "--bind", HOST,
        "--save", "", "--appendonly", "no", "--dir", dir.toString()));
    if (password != null) {
      cmd.add("--requirepass");
      cmd.add(password);
    }
    cmd.addAll(extraArgs);
    try {
      process = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(dir.resolve("redis.log").toFile()).start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start redis-server: " + e.getMessage(), e);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!answers(port, password)) {
      if (System.nanoTime() > deadline || !process.isAlive()) {
        kill();
        throw new IllegalStateException("redis-server on port " + port + " did not start; see " + dir.resolve("redis.log"));
      }
      sleep(20);
    }
  }

  /** Kills the child at once ({@code kill -9}). */
  synchronized void kill() {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process = null;
    }
  }

  /** Deletes every key of a test prefix (SCAN + UNLINK; never a flush). */
  static void deleteKeys(String uri, String prefix) {
    RedisKeys.deletePrefix(uri, prefix);
  }

  /** Keys of a test prefix (for assertions). */
  static List<String> keys(String uri, String prefix) {
    RedisClient client = RedisClient.create(uri);
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      return c.sync().keys("{" + prefix + ":*");
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }
  }

  private static boolean answers(int port, String password) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(HOST, port), 300);
      s.setSoTimeout(1000);
      OutputStream out = s.getOutputStream();
      String cmd = password != null ? "AUTH " + password + "\r\nPING\r\n" : "PING\r\n";
      out.write(cmd.getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[256];
      StringBuilder sb = new StringBuilder();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
      while (!sb.toString().contains("PONG") && System.nanoTime() < deadline) {
        int n = in.read(buf);
        if (n < 0) {
          break;
        }
        sb.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
      }
      return sb.toString().contains("PONG");
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean binaryExists() {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String d : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, "redis-server"))) {
        return true;
      }
    }
    return false;
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
