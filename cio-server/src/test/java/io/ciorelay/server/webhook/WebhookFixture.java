package io.ciorelay.server.webhook;

import com.sun.net.httpserver.HttpServer;
import io.ciorelay.client.WebhookVerifier;
import io.javalin.Javalin;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/** Test helpers: a receiver mounted on a real Javalin server, a signing client and a recording consumer. */
final class WebhookFixture {
  static final byte[] KEY = "test-signing-key".getBytes(StandardCharsets.UTF_8);
  static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private WebhookFixture() {}

  /** A config with short retries, 4 lanes and the fixed clock. */
  static WebhookConfig.Builder config(java.nio.file.Path store, URI forwardUrl) {
    return WebhookConfig.builder()
        .signingKey(KEY)
        .storePath(store)
        .forwardUrl(forwardUrl)
        .forwardTimeout(Duration.ofSeconds(2))
        .backoffBase(Duration.ofMillis(5))
        .backoffCap(Duration.ofMillis(50))
        .lanes(4)
        .clock(CLOCK);
  }

  /** A running receiver on a Javalin app listening on an ephemeral port. */
  static final class Running implements AutoCloseable {
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final WebhookReceiver receiver;
    final Javalin app;
    final URI url;

    Running(WebhookConfig config) {
      receiver = WebhookReceiver.start(config, registry);
      app = Javalin.create(cfg -> {
        cfg.showJavalinBanner = false;
        cfg.startupWatcherEnabled = false;
      });
      receiver.register(app);
      app.start("127.0.0.1", 0);
      url = URI.create("http://127.0.0.1:" + app.port() + WebhookReceiver.PATH);
    }

    HttpResponse<String> post(String body) {
      return post(body, NOW.getEpochSecond(), KEY);
    }

    HttpResponse<String> post(String body, long timestamp, byte[] key) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      return send(bytes, Long.toString(timestamp), WebhookVerifier.sign(key, timestamp, bytes));
    }

    HttpResponse<String> send(byte[] body, String timestamp, String signature) {
      return send(HttpRequest.BodyPublishers.ofByteArray(body), timestamp, signature);
    }

    /** Sends without a Content-Length (chunked), so only the bounded read can stop a large body. */
    HttpResponse<String> sendChunked(byte[] body, String timestamp, String signature) {
      return send(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body)), timestamp,
          signature);
    }

    private HttpResponse<String> send(HttpRequest.BodyPublisher publisher, String timestamp, String signature) {
      return WebhookFixture.send(url, publisher, timestamp, signature);
    }

    double rejected(String reason) {
      var c = registry.find("cio.webhook.rejected").tag("reason", reason).counter();
      return c == null ? 0 : c.count();
    }

    @Override
    public void close() {
      app.stop();
      receiver.close();
    }
  }

  /** Posts {@code body} signed with the test key at {@link #NOW} to a receiver mounted at {@code url}. */
  static HttpResponse<String> signedPost(URI url, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return send(url, HttpRequest.BodyPublishers.ofByteArray(bytes), Long.toString(NOW.getEpochSecond()),
        WebhookVerifier.sign(KEY, NOW.getEpochSecond(), bytes));
  }

  private static HttpResponse<String> send(URI url, HttpRequest.BodyPublisher publisher, String timestamp,
      String signature) {
    HttpRequest.Builder b = HttpRequest.newBuilder(url).POST(publisher)
        .header("Content-Type", "application/json");
    if (timestamp != null) {
      b.header("X-CIO-Timestamp", timestamp);
    }
    if (signature != null) {
      b.header("X-CIO-Signature", signature);
    }
    try {
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A webhook body for a person. */
  static String event(String eventId, String customerId) {
    return "{\"event_id\":\"" + eventId + "\",\"object_type\":\"email\",\"metric\":\"delivered\",\"timestamp\":"
        + NOW.getEpochSecond() + ",\"data\":{\"customer_id\":\"" + customerId + "\",\"identifiers\":{\"id\":\""
        + customerId + "\"},\"delivery_id\":\"d-" + eventId + "\"}}";
  }

  /** What the consumer received in one request. */
  record Received(String eventId, String timestamp, String signature, String authorization, byte[] body,
      boolean accepted) {
    String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** A consumer on an ephemeral (or given) port that records requests and fails those {@link #fail} matches with {@link #failStatus}. */
  static final class Consumer implements AutoCloseable {
    final List<Received> requests = new CopyOnWriteArrayList<>();
    volatile Predicate<Received> fail = r -> false;
    /** The status a failed request is answered with; 500 unless set. */
    volatile int failStatus = 500;
    /** While set and not counted down, each request waits on it (at most 10 s) before being answered. */
    volatile java.util.concurrent.CountDownLatch hold;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);

    Consumer() {
      this(0);
    }

    Consumer(int port) {
      try {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      server.setExecutor(executor);
      server.createContext("/hook", exchange -> {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
          body = in.readAllBytes();
        }
        java.util.concurrent.CountDownLatch latch = hold;
        if (latch != null) {
          try {
            latch.await(10, java.util.concurrent.TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        var h = exchange.getRequestHeaders();
        Received probe = new Received(h.getFirst("X-Webhook-Event-Id"), h.getFirst("X-CIO-Timestamp"),
            h.getFirst("X-CIO-Signature"), h.getFirst("Authorization"), body, true);
        boolean failed = fail.test(probe);
        requests.add(failed ? new Received(probe.eventId(), probe.timestamp(), probe.signature(),
            probe.authorization(), body, false) : probe);
        exchange.sendResponseHeaders(failed ? failStatus : 204, -1);
        exchange.close();
      });
      server.start();
    }

    URI uri() {
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    /** Event ids accepted (2xx), in arrival order. */
    List<String> accepted() {
      List<String> out = new ArrayList<>();
      for (Received r : requests) {
        if (r.accepted()) {
          out.add(r.eventId());
        }
      }
      return out;
    }

    @Override
    public void close() {
      server.stop(0);
      executor.shutdownNow();
    }
  }
}
