package io.ciorelay.delivery.send;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A plain-socket HTTP/1.1 server on a loopback port for tests: for each request it asks
 * {@code script} (by request number, from 0) what to do — answer in full, send the headers and
 * part of the body and then nothing, or send nothing at all — and records whether the client
 * closed each connection. Thread-safe.
 */
public final class StallingServer implements AutoCloseable {

  /** What to send for one request. */
  public record Reply(int status, String body, int bodyBytesSent, boolean headers) {
    public static Reply ok(String body) {
      return new Reply(200, body, Integer.MAX_VALUE, true);
    }

    /** Headers claiming {@code declared} bytes of body, then only {@code sent} of them, then silence. */
    public static Reply stallBody(int declared, int sent) {
      return new Reply(200, "x".repeat(declared), sent, true);
    }

    /** Reads the request and sends nothing. */
    public static Reply of(int status, String body) {
      return new Reply(status, body, Integer.MAX_VALUE, true);
    }

    public static Reply hang() {
      return new Reply(0, "", 0, false);
    }
  }

  private final ServerSocket server;
  /** Chooses the reply to request number {@code n} (from 0) with this body. */
  @FunctionalInterface
  public interface Script {
    Reply reply(int n, String body);
  }

  private final Script script;
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger closedByClient = new AtomicInteger();
  private final CopyOnWriteArrayList<String> bodies = new CopyOnWriteArrayList<>();
  private final CopyOnWriteArrayList<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  public StallingServer(IntFunction<Reply> script) throws IOException {
    this((n, body) -> script.apply(n));
  }

  public StallingServer(Script script) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.script = script;
    this.acceptor = new Thread(this::accept, "stalling-server");
    this.acceptor.setDaemon(true);
    this.acceptor.start();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  public int requests() {
    return requests.get();
  }

  /** Connections the client closed while the server still held them open. */
  public int closedByClient() {
    return closedByClient.get();
  }

  /** Bodies of the requests answered in full with a 2xx, in arrival order. */
  public java.util.List<String> answeredBodies() {
    return java.util.List.copyOf(bodies);
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        sockets.add(s);
        Thread t = new Thread(() -> serve(s), "stalling-server-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
      while (true) {
        String head = readHead(in);
        if (head == null) {
          return;
        }
        int length = contentLength(head);
        byte[] body = in.readNBytes(length);
        int n = requests.getAndIncrement();
        String text = new String(body, StandardCharsets.UTF_8);
        Reply r = script.reply(n, text);
        if (!r.headers()) {
          waitForClose(in);
          return;
        }
        byte[] b = r.body().getBytes(StandardCharsets.UTF_8);
        String headers = "HTTP/1.1 " + r.status() + " X\r\nContent-Type: "
            + (r.body().startsWith("<") ? "text/html" : "application/json") + "\r\nContent-Length: "
            + b.length + "\r\n\r\n";
        out.write(headers.getBytes(StandardCharsets.US_ASCII));
        int sent = Math.min(b.length, r.bodyBytesSent());
        out.write(b, 0, sent);
        out.flush();
        if (sent < b.length) {
          waitForClose(in);
          return;
        }
        if (r.status() >= 200 && r.status() < 300) {
          bodies.add(text);
        }
      }
    } catch (IOException e) {
      // connection gone
    }
  }

  private void waitForClose(InputStream in) throws IOException {
    try {
      while (in.read() >= 0) {
        // the client sends nothing more on a stalled exchange; wait for it to close
      }
      closedByClient.incrementAndGet();
    } catch (IOException e) {
      closedByClient.incrementAndGet();
    }
  }

  private static String readHead(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      sb.append((char) c);
      if (sb.length() >= 4 && sb.substring(sb.length() - 4).equals("\r\n\r\n")) {
        return sb.toString();
      }
    }
    return null;
  }

  private static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      int i = line.indexOf(':');
      if (i > 0 && line.substring(0, i).trim().equalsIgnoreCase("Content-Length")) {
        return Integer.parseInt(line.substring(i + 1).trim());
      }
    }
    return 0;
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
