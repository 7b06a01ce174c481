package io.ciorelay.server.torture;

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
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private {@code redis-server} child on a free loopback port, persisting every write before it
 * answers ({@code appendonly yes}, {@code appendfsync always}) so a {@code kill -9} and restart
 * loses nothing it acknowledged. Not thread-safe; the run drives it from one thread.
 */
public final class RedisServer implements AutoCloseable {
  private final int port;
  private final Path dir;
  private Process process;
  private int restarts;

  private RedisServer(int port, Path dir) {
    this.port = port;
    this.dir = dir;
  }

  static RedisServer start(Path dir) throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Files.createDirectories(dir);
    RedisServer r = new RedisServer(port, dir);
    r.launch();
    return r;
  }

  String uri() {
    return "redis://127.0.0.1:" + port + "/0";
  }

  int restarts() {
    return restarts;
  }

  /** {@code kill -9}, then a new server on the same port and directory (the append-only file is replayed). */
  void restart() throws IOException, InterruptedException {
    kill(process);
    if (!Poll.until(() -> !ping(port), Duration.ofSeconds(10), Duration.ofMillis(50))) {
      throw new IOException("redis-server on port " + port + " still answers after kill -9");
    }
    launch();
    restarts++;
  }

  /**
   * The command line of a loopback redis-server on this port and directory that fsyncs every write
   * before answering; its log is {@code logFile}.
   */
  public static List<String> command(int port, Path dir, Path logFile) {
    return List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--dir", dir.toString(), "--save", "", "--appendonly", "yes", "--appendfsync", "always",
        "--protected-mode", "no", "--logfile", logFile.toString());
  }

  private void launch() throws IOException {
    List<String> cmd = command(port, dir, dir.resolve("redis.log"));
    try {
      process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("redis-stdout.log").toFile())
          .start();
    } catch (IOException e) {
      throw new IOException("redis-server is not installed (apt-get install -y redis-server), or give --redis-uri: "
          + e.getMessage(), e);
    }
    if (!Poll.until(() -> ping(port) || !process.isAlive(), Duration.ofSeconds(30), Duration.ofMillis(50))
        || !ping(port)) {
      throw new IOException("redis-server did not start on port " + port + "; see " + dir.resolve("redis.log"));
    }
  }

  /** Whether a Redis answers PING on this loopback port (within about a second). */
  public static boolean ping(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 300);
      s.setSoTimeout(1000);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = in.readNBytes(7);
      return new String(buf, StandardCharsets.US_ASCII).equals("+PONG\r\n");
    } catch (IOException e) {
      return false;
    }
  }

  /** SIGKILL, then up to 10 s for the process to be gone; null is ignored. */
  public static void kill(Process p) {
    if (p == null) {
      return;
    }
    p.destroyForcibly();
    try {
      p.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    kill(process);
  }
}
