package io.ciorelay.server.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's hand-written HTTP/1.1 exchange over a real socket: chunked and sized answers on one connection. */
class KeepAliveConnectionTest {

  @Test
  void readsChunkedAndSizedAnswersOnOneKeptAliveConnection() throws Exception {
    List<String> answers = List.of(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n3;x=y\r\nabc\r\n0\r\n\r\n",
        "HTTP/1.1 429 Too Many Requests\r\nContent-Length: 5\r\nRetry-After: 1\r\n\r\nslow!",
        "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    try (ServerSocket server = new ServerSocket(0)) {
      Thread t = new Thread(() -> {
        try (Socket s = server.accept()) {
          InputStream in = s.getInputStream();
          OutputStream out = s.getOutputStream();
          for (String answer : answers) {
            readRequest(in);
            out.write(answer.getBytes(StandardCharsets.US_ASCII));
            out.flush();
          }
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      t.start();
      byte[] request = KeepAliveConnection.request("POST", "/api/v2/batch", "x", "A: b\r\n", "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
      try (KeepAliveConnection c = new KeepAliveConnection("127.0.0.1", server.getLocalPort())) {
        assertEquals(200, c.exchange(request));
        assertEquals(429, c.exchange(request));
        assertEquals(200, c.exchange(request));
        t.join(5000);
        assertThrows(IOException.class, () -> c.exchange(request), "the server closed the connection");
      }
    }
  }

  /** Reads one request: headers to the blank line, then Content-Length bytes. */
  private static void readRequest(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("closed");
      }
      head.append((char) c);
    }
    int i = head.indexOf("Content-Length: ");
    int length = Integer.parseInt(head.substring(i + 16, head.indexOf("\r\n", i)));
    in.readNBytes(length);
  }
}
