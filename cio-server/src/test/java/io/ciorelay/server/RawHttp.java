package io.ciorelay.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * A bare HTTP/1.1 client for fuzz tests: sends the request target exactly as given (so a fuzzer
 * can put {@code %FF} or a stray {@code %} in a path, which {@link java.net.URI} would refuse),
 * over one kept-alive connection per port, and reads the whole answer (Content-Length, chunked, or
 * to the end). A server that does not answer within {@link #ANSWER_TIMEOUT_MILLIS} counts as stuck.
 * For one caller at a time per port (the fuzz targets run sequentially).
 */
public final class RawHttp {
  /** How long an answer may take before the server is reported stuck. */
  public static final int ANSWER_TIMEOUT_MILLIS = 10_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private RawHttp() {}

  /**
   * Lets the code under test and this client open loopback sockets while Jazzer's SSRF detector is
   * active (it is installed with the fuzzing agent, so this is called from inside a fuzz target).
   */
  private static void allowLoopback() {
    com.code_intelligence.jazzer.api.BugDetectors.allowNetworkConnections(
        (host, port) -> host.equals("localhost") || host.startsWith("127."));
  }

  /** A status and a decoded body. */
  public record Response(int status, String body) {
    /** The body as JSON, or null when it is not JSON. */
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        return null;
      }
    }
  }

  // One kept-alive connection per port: the fuzz targets send one request at a time.
  private static final java.util.Map<Integer, Conn> CONNECTIONS = new java.util.concurrent.ConcurrentHashMap<>();

  private record Conn(Socket socket, InputStream in, OutputStream out) {}

  /**
   * Sends one request over a kept-alive connection (a fresh one when the server closed the last);
   * {@code headers} are {@code "Name: value"} lines without CRLF.
   */
  public static Response send(int port, String method, String target, List<String> headers, byte[] body)
      throws IOException {
    allowLoopback();
    StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
        .append("Host: 127.0.0.1:").append(port).append("\r\n");
    for (String h : headers) {
      head.append(h).append("\r\n");
    }
    if (body != null) {
      head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
    }
    head.append("\r\n");
    byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] request = java.util.Arrays.copyOf(headBytes, headBytes.length + (body == null ? 0 : body.length));
    if (body != null) {
      System.arraycopy(body, 0, request, headBytes.length, body.length);
    }
    Conn c = CONNECTIONS.remove(port);
    boolean reused = c != null;
    for (int attempt = 0; ; attempt++) {
      if (c == null) {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        s.setSoTimeout(ANSWER_TIMEOUT_MILLIS);
        s.setTcpNoDelay(true); // one write per request, sent at once (no Nagle / delayed-ACK wait)
        c = new Conn(s, new java.io.BufferedInputStream(s.getInputStream()), s.getOutputStream());
      }
      try {
        c.out().write(request);
        c.out().flush();
        Response r = read(c, method + " " + target);
        if (r != null) {
          return r;
        }
        c = null; // closed by the server after answering
      } catch (SocketTimeoutException e) {
        c.socket().close();
        throw new AssertionError("stuck: no complete answer to " + method + " " + target + " within "
            + ANSWER_TIMEOUT_MILLIS + " ms");
      } catch (IOException e) {
        c.socket().close();
        if (!reused || attempt > 0) {
          throw e;
        }
        c = null; // the server closed the idle connection; send again on a fresh one
      }
    }
  }

  /** Reads one answer; keeps the connection for the next request unless the server closes it. */
  private static Response read(Conn c, String what) throws IOException {
    String status = line(c.in());
    if (status == null) {
      throw new java.io.EOFException("connection closed before an answer to " + what);
    }
    if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
      throw new AssertionError("not an HTTP answer to " + what + ": " + abbreviate(status));
    }
    int code = Integer.parseInt(status.substring(9, 12));
    long length = -1;
    boolean chunked = false;
    boolean close = false;
    for (String h = line(c.in()); h != null && !h.isEmpty(); h = line(c.in())) {
      String lower = h.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Long.parseLong(lower.substring(15).trim());
      } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
        chunked = true;
      } else if (lower.startsWith("connection:") && lower.contains("close")) {
        close = true;
      }
    }
    byte[] body;
    if (chunked) {
      body = dechunk(c.in());
    } else if (length >= 0) {
      body = c.in().readNBytes((int) length);
    } else {
      body = c.in().readAllBytes();
      close = true;
    }
    Response r = new Response(code, new String(body, StandardCharsets.UTF_8));
    if (close) {
      c.socket().close();
    } else {
      CONNECTIONS.put(c.socket().getPort(), c);
    }
    return r;
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    int ch;
    while ((ch = in.read()) >= 0 && ch != '\n') {
      if (ch != '\r') {
        b.append((char) ch);
      }
    }
    return ch < 0 && b.length() == 0 ? null : b.toString();
  }

  private static byte[] dechunk(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (true) {
      String size = line(in);
      int semi = size.indexOf(';');
      int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
      if (n == 0) {
        while (!line(in).isEmpty()) {
          // trailers
        }
        return out.toByteArray();
      }
      out.write(in.readNBytes(n));
      line(in);
    }
  }

  /**
   * The fuzzing property for every answer: never a 5xx, and a 4xx carries a reason — in the JSON
   * error shapes the relay uses ({@code meta.errors}, {@code meta.error}, {@code errors[].message},
   * {@code error}) or, for a request refused by the HTTP layer before any route, a non-empty body.
   */
  public static void requireNo5xxAndReasoned4xx(Response r, String what) {
    if (r.status() >= 500) {
      throw new AssertionError(r.status() + " for " + what + ": " + abbreviate(r.body()));
    }
    if (r.status() < 400) {
      return;
    }
    JsonNode n = r.json();
    if (n == null) {
      if (r.body().isBlank()) {
        throw new AssertionError(r.status() + " without a reason for " + what);
      }
      return;
    }
    String reason = n.path("meta").path("errors").path(0).asText("");
    reason = reason.isEmpty() ? n.path("meta").path("error").asText("") : reason;
    reason = reason.isEmpty() ? n.path("errors").path(0).path("message").asText("") : reason;
    reason = reason.isEmpty() ? n.path("error").asText("") : reason;
    if (reason.isBlank()) {
      throw new AssertionError(r.status() + " without a reason for " + what + ": " + abbreviate(r.body()));
    }
  }

  /** At most 300 characters of {@code s}. */
  public static String abbreviate(String s) {
    return s.length() <= 300 ? s : s.substring(0, 300) + "...";
  }
}
