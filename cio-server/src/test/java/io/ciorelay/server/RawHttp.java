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
 * one connection per request, and reads the whole answer. A server that does not answer within
 * {@link #ANSWER_TIMEOUT_MILLIS} counts as stuck. Not thread-safe per call; stateless.
 */
public final class RawHttp {
  /** How long an answer may take before the server is reported stuck. */
  public static final int ANSWER_TIMEOUT_MILLIS = 10_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private RawHttp() {}

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

  /** Sends one request; {@code headers} are {@code "Name: value"} lines without CRLF. */
  public static Response send(int port, String method, String target, List<String> headers, byte[] body)
      throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      s.setSoTimeout(ANSWER_TIMEOUT_MILLIS);
      StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
          .append("Host: 127.0.0.1:").append(port).append("\r\nConnection: close\r\n");
      for (String h : headers) {
        head.append(h).append("\r\n");
      }
      if (body != null) {
        head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
      }
      head.append("\r\n");
      OutputStream out = s.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      if (body != null) {
        out.write(body);
      }
      out.flush();
      byte[] all;
      try {
        all = s.getInputStream().readAllBytes();
      } catch (SocketTimeoutException e) {
        throw new AssertionError("stuck: no complete answer to " + method + " " + target + " within "
            + ANSWER_TIMEOUT_MILLIS + " ms");
      }
      return parse(all, method + " " + target);
    }
  }

  private static Response parse(byte[] all, String what) throws IOException {
    String text = new String(all, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (!text.startsWith("HTTP/1.1 ") || end < 0) {
      throw new AssertionError("not an HTTP answer to " + what + ": " + abbreviate(text));
    }
    int status = Integer.parseInt(text.substring(9, 12));
    String headers = text.substring(0, end).toLowerCase(Locale.ROOT);
    byte[] body = java.util.Arrays.copyOfRange(all, end + 4, all.length);
    if (headers.contains("\r\ntransfer-encoding: chunked")) {
      body = dechunk(new java.io.ByteArrayInputStream(body));
    }
    return new Response(status, new String(body, StandardCharsets.UTF_8));
  }

  private static byte[] dechunk(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (true) {
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = in.read()) >= 0 && c != '\n') {
        if (c != '\r') {
          line.append((char) c);
        }
      }
      int semi = line.indexOf(";");
      int size = Integer.parseInt((semi < 0 ? line : line.substring(0, semi)).toString().trim(), 16);
      if (size == 0) {
        return out.toByteArray();
      }
      out.write(in.readNBytes(size));
      in.read();
      in.read();
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
