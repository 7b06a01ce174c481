package io.ciorelay.server.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One persistent HTTP/1.1 connection for the relay benchmark's load generator: writes a
 * pre-formatted request, reads the status, headers and body (Content-Length or chunked), and
 * returns the status. Written by hand because the JDK {@code HttpClient} could not drive the relay:
 * against the same relay on a 2-core machine it reached about 2,400 single-event requests/s where
 * wrk reached 11,000–16,000 — the load generator, not the relay, was the limit. One thread per
 * connection, blocking, like wrk's connections but without its event loop. Not thread-safe.
 */
final class KeepAliveConnection implements Closeable {
  private final InetSocketAddress address;
  private Socket socket;
  private OutputStream out;
  private InputStream in;
  private final StringBuilder line = new StringBuilder(128);

  KeepAliveConnection(String host, int port) {
    this.address = new InetSocketAddress(host, port);
  }

  /** Formats a request with a body; {@code headers} are complete lines ending in CRLF. */
  static byte[] request(String method, String path, String host, String headers, byte[] body) {
    byte[] head = (method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + headers + "Content-Length: "
        + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[head.length + body.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(body, 0, all, head.length, body.length);
    return all;
  }

  /**
   * Sends the request and reads the whole answer.
   *
   * @return the HTTP status
   * @throws IOException if the connection fails or the answer is malformed; the connection is then closed
   */
  int exchange(byte[] request) throws IOException {
    try {
      if (socket == null) {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(address, 5000);
        socket.setSoTimeout(30_000);
        out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
        in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
      }
      out.write(request);
      out.flush();
      String status = readLine();
      if (status.length() < 12 || !status.startsWith("HTTP/1.")) {
        throw new IOException("not an HTTP status line: " + status);
      }
      int code = Integer.parseInt(status.substring(9, 12));
      long length = -1;
      boolean chunked = false;
      boolean close = false;
      for (String h = readLine(); !h.isEmpty(); h = readLine()) {
        int colon = h.indexOf(':');
        if (colon < 0) {
          continue;
        }
        String name = h.substring(0, colon).trim();
        String value = h.substring(colon + 1).trim();
        if (name.equalsIgnoreCase("Content-Length")) {
          length = Long.parseLong(value);
        } else if (name.equalsIgnoreCase("Transfer-Encoding") && value.toLowerCase(java.util.Locale.ROOT).contains("chunked")) {
          chunked = true;
        } else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) {
          close = true;
        }
      }
      if (chunked) {
        for (long size = chunkSize(); size > 0; size = chunkSize()) {
          skip(size);
          readLine();
        }
        while (!readLine().isEmpty()) {
          // trailers
        }
      } else if (length > 0) {
        skip(length);
      }
      if (close) {
        close();
      }
      return code;
    } catch (IOException | RuntimeException e) {
      close();
      throw e instanceof IOException io ? io : new IOException(e);
    }
  }

  private long chunkSize() throws IOException {
    String s = readLine();
    int semi = s.indexOf(';');
    return Long.parseLong((semi < 0 ? s : s.substring(0, semi)).trim(), 16);
  }

  private void skip(long n) throws IOException {
    long left = n;
    while (left > 0) {
      long k = in.skip(left);
      if (k <= 0) {
        if (in.read() < 0) {
          throw new EOFException("connection closed in a body");
        }
        k = 1;
      }
      left -= k;
    }
  }

  private String readLine() throws IOException {
    line.setLength(0);
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new EOFException("connection closed");
      }
      if (c == '\n') {
        int len = line.length();
        if (len > 0 && line.charAt(len - 1) == '\r') {
          line.setLength(len - 1);
        }
        return line.toString();
      }
      line.append((char) c);
    }
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // closing a benchmark connection; nothing to do
      }
      socket = null;
    }
  }
}
