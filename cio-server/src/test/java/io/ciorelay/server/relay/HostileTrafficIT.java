package io.ciorelay.server.relay;

import static io.ciorelay.server.relay.RelayTestSupport.basic;
import static io.ciorelay.server.relay.RelayTestSupport.send;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.client.WebhookVerifier;
import io.ciorelay.server.relay.RelayTestSupport.Reply;
import io.ciorelay.server.webhook.WebhookConfig;
import io.ciorelay.server.webhook.WebhookReceiver;
import io.ciorelay.simulator.CioSimulator;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay under hostile traffic, from outside over real sockets: slow bodies on the webhook and
 * Track routes, floods of invalid 1 MB batches whose answers are never read, the connection caps,
 * and the webhook and management listeners. The well-behaved client's requests must all succeed
 * meanwhile; the bounds are generous (the exact latencies are measured by {@link HostileTraffic#main}
 * and recorded in BENCHMARKS.md), the assertions are about correctness.
 */
class HostileTrafficIT {
  static final byte[] SIGNING_KEY = "hostile-test-signing-key".getBytes(StandardCharsets.UTF_8);
  /** Generous per-request bound for the well-behaved client on a loaded 2-core machine; measured latencies are far lower. */
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(15);

  @TempDir
  Path dir;
  CioSimulator sim;
  final List<AutoCloseable> open = new ArrayList<>();

  @BeforeEach
  void setUp() {
    sim = CioSimulator.builder().rateLimit(0).build().start();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    sim.close();
  }

  /** A relay with the webhook receiver mounted (as {@code cio relay} does with a signing key set). */
  RelayServer relay(Consumer<RelayConfig.Builder> tweak) {
    RelayConfig.Builder b = RelayTestSupport.config(sim, dir).webhookSigningKey(new String(SIGNING_KEY, StandardCharsets.UTF_8));
    tweak.accept(b);
    WebhookReceiver webhooks = WebhookReceiver.start(WebhookConfig.builder().signingKey(SIGNING_KEY)
        .storePath(dir.resolve("webhooks.db")).build(), new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    RelayServer relay = RelayServer.builder(b.build()).routes(webhooks::register).closeOnStop(webhooks).build().start();
    open.add(relay);
    return relay;
  }

  HostileTraffic traffic() {
    HostileTraffic h = new HostileTraffic("127.0.0.1", sim.siteId(), sim.apiKey());
    open.add(h);
    return h;
  }

  @Test
  void slowBodiesOnTheWebhookAndTrackRoutesAreCutOffAndWellBehavedClientsAreAnswered() {
    RelayServer relay = relay(b -> { });
    HostileTraffic h = traffic();
    h.slowBodies(32, relay.webhookPort(), WebhookReceiver.PATH, false, Duration.ofSeconds(2));
    h.slowBodies(32, relay.port(), "/api/v1/customers/slow/events", true, Duration.ofSeconds(2));
    HostileTraffic.Probe probe = h.probe(relay.baseUrl(), PROBE_TIMEOUT, Duration.ofMillis(20));

    // Every one of the 64 slow connections is cut off (and the attackers reconnect), while the probe runs.
    await().atMost(Duration.ofSeconds(120)).until(() -> h.slowAnswered408.get() >= 128 && probe.count() >= 40);
    h.close();

    assertEquals(List.of(), probe.failures, "every well-behaved request is answered successfully: " + probe);
    assertEquals(probe.count() / 2, probe.liveOk.get(), probe.toString());
    assertEquals(0, h.slowAnsweredOther.get(), "a slow body never reaches a route");
    assertTrue(h.slowHeldMillis.stream().allMatch(ms -> ms < 20_000),
        "no slow connection is kept anywhere near the body timeout: " + h.slowHeldMillis);
    long accepted = probe.eventsAccepted.get();
    await().atMost(Duration.ofSeconds(30)).until(() -> sim.records().count() == accepted);
    System.out.println("slow bodies: " + probe + "; slow connections " + h.slowOpened + ", 408 " + h.slowAnswered408);
  }

  @Test
  void floodsOfInvalidBatchesNeverReadGetSmallAnswersAndDoNotStallOthers() {
    RelayServer relay = relay(b -> { });
    HostileTraffic h = traffic();
    h.flood(3, relay.port());
    HostileTraffic.Probe probe = h.probe(relay.baseUrl(), PROBE_TIMEOUT, Duration.ofMillis(20));

    await().atMost(Duration.ofSeconds(120)).until(() -> h.floodSent.get() >= 9 && probe.count() >= 20);
    h.close();

    assertEquals(List.of(), probe.failures, "every well-behaved request is answered successfully: " + probe);
    assertTrue(h.floodSample != null && h.floodSample.startsWith("HTTP/1.1 400"), "the flood is refused: " + h.floodSample);
    long accepted = probe.eventsAccepted.get();
    await().atMost(Duration.ofSeconds(30)).until(() -> sim.records().count() == accepted);
    await().atMost(Duration.ofSeconds(30)).until(() -> relay.meterRegistry().get("relay.http.body.buffered").gauge().value() == 0);
    System.out.println("flood: " + probe + "; flood bodies sent " + h.floodSent);
  }

  @Test
  void aBatchAnswerListsTheFirstHundredErrorsAndTheTotalAndTooManyOperationsAreRefusedUnparsed() throws Exception {
    RelayServer relay = relay(b -> { });
    String auth = basic(sim.siteId(), sim.apiKey());
    Reply capped = send("POST", relay.baseUrl() + "/api/v2/batch", auth, batchOfOnes(10_000));
    assertEquals(207, capped.status(), capped.body());
    assertEquals(100, capped.json().path("errors").size());
    assertEquals(10_000, capped.json().path("errors_total").asLong());
    assertTrue(capped.json().path("errors_truncated").asBoolean());
    assertEquals(99, capped.json().path("errors").get(99).path("batch_index").asInt());

    Reply refused = send("POST", relay.baseUrl() + "/api/v2/batch", auth, batchOfOnes(10_001));
    assertEquals(400, refused.status(), refused.body());
    assertTrue(refused.body().contains("more than the limit of 10000 operations"), refused.body());
    assertTrue(refused.body().length() < 1000, "the refusal is small: " + refused.body().length());
    assertEquals(0, relay.customerIo().health().backlog(), "nothing was queued");
  }

  @Test
  void aListenerAtItsConnectionLimitAnswers503AndAcceptsAgainOnceOneCloses() throws Exception {
    RelayServer relay = relay(b -> b.limits(HttpLimits.builder().maxConnections(4).build()));
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        held.add(new Socket("127.0.0.1", relay.port()));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        try (Socket extra = new Socket("127.0.0.1", relay.port())) {
          extra.setSoTimeout(5000);
          String answer = new String(readAll(extra.getInputStream()), StandardCharsets.US_ASCII);
          return answer.startsWith("HTTP/1.1 503") && answer.contains("Retry-After: 1")
              && answer.contains("connection limit");
        }
      });
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
        .until(() -> send("GET", relay.baseUrl() + "/health/live", null, (byte[]) null).status() == 200);
    assertTrue(relay.meterRegistry().get("relay.http.connections.refused").counter().count() >= 1);
  }

  @Test
  void theWebhookListenerHasItsOwnPortAndConnectionCapSoFillingItLeavesTrackServed() throws Exception {
    RelayServer relay = relay(b -> b.webhookPort(0).limits(HttpLimits.builder().webhookMaxConnections(4).build()));
    assertTrue(relay.webhookPort() != relay.port());
    String auth = basic(sim.siteId(), sim.apiKey());
    assertEquals(404, send("POST", relay.baseUrl() + WebhookReceiver.PATH, null, "{}").status(),
        "webhooks are not served on the main port");
    assertEquals(404, send("POST", relay.webhookBaseUrl() + "/api/v1/customers/w/events", auth, "{\"name\":\"x\"}").status(),
        "the Track API is not served on the webhook port");
    assertEquals(200, signedWebhook(relay, "{\"event_id\":\"01JHOSTILE0000000000000001\",\"metric\":\"sent\",\"data\":{}}"),
        "a signed webhook is accepted on its port");

    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        held.add(new Socket("127.0.0.1", relay.webhookPort()));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        try (Socket extra = new Socket("127.0.0.1", relay.webhookPort())) {
          extra.setSoTimeout(5000);
          return new String(readAll(extra.getInputStream()), StandardCharsets.US_ASCII).startsWith("HTTP/1.1 503");
        }
      });
      Reply track = send("POST", relay.baseUrl() + "/api/v1/customers/w/events", auth, "{\"name\":\"while webhooks are full\"}");
      assertEquals(200, track.status(), "the Track API keeps its own connections: " + track.body());
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }

  @Test
  void theManagementPortAloneServesMetricsAndDetailedHealthWhileProbesStayOnTheMainPort() throws Exception {
    RelayServer relay = relay(b -> b.managementPort(0));
    String main = relay.baseUrl();
    String mgmt = relay.managementBaseUrl();
    assertTrue(relay.managementPort() != relay.port());
    assertEquals(404, send("GET", main + "/metrics", null, (byte[]) null).status());
    assertEquals(404, send("GET", main + "/health/customerio", null, (byte[]) null).status());
    assertEquals(200, send("GET", main + "/health/live", null, (byte[]) null).status());
    assertEquals(200, send("GET", main + "/health/ready", null, (byte[]) null).status());
    Reply metrics = send("GET", mgmt + "/metrics", null, (byte[]) null);
    assertEquals(200, metrics.status());
    assertTrue(metrics.body().contains("relay_http_connections_refused_total"), "the relay's own meters are served");
    assertEquals(200, send("GET", mgmt + "/health/customerio", null, (byte[]) null).status());
    assertEquals(200, send("GET", mgmt + "/health/live", null, (byte[]) null).status());
    assertEquals(404, send("POST", mgmt + "/api/v1/customers/m/events", basic(sim.siteId(), sim.apiKey()), "{\"name\":\"x\"}")
        .status(), "the Track API is not served on the management port");
  }

  @Test
  void headersTrickledInAreCutOffWith408AfterTheHeaderTimeout() throws Exception {
    RelayServer relay = relay(b -> b.limits(HttpLimits.builder().headerTimeout(Duration.ofSeconds(1)).build()));
    java.util.concurrent.ScheduledExecutorService trickle = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    try (Socket s = new Socket("127.0.0.1", relay.port())) {
      s.setSoTimeout(30_000);
      java.io.OutputStream out = s.getOutputStream();
      byte[] head = "POST /api/v1/customers/h/events HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".getBytes(StandardCharsets.US_ASCII);
      int[] next = {0};
      trickle.scheduleAtFixedRate(() -> {
        try {
          if (next[0] < head.length) {
            out.write(head[next[0]++]);
            out.flush();
          }
        } catch (java.io.IOException closed) {
          // the relay closed it
        }
      }, 0, 200, TimeUnit.MILLISECONDS);
      long t0 = System.nanoTime();
      String answer = new String(readAll(s.getInputStream()), StandardCharsets.US_ASCII);
      assertTrue(answer.startsWith("HTTP/1.1 408") && answer.contains("relay.header-timeout"), answer);
      assertTrue(next[0] < head.length, "cut off before the headers were complete");
      assertTrue(seconds(System.nanoTime() - t0) < 20, "cut off near the 1 s timeout");
    } finally {
      trickle.shutdownNow();
    }
    assertTrue(relay.meterRegistry().get("relay.http.header.timeouts").counter().count() >= 1);
  }

  @Test
  void aBodyThatStallsGets408AtTheBodyTimeoutEvenWithoutARateLimit() throws Exception {
    RelayServer relay = relay(b -> b.limits(HttpLimits.builder().minBodyRate(0).bodyTimeout(Duration.ofSeconds(1)).build()));
    try (Socket s = new Socket("127.0.0.1", relay.port())) {
      s.setSoTimeout(30_000);
      s.getOutputStream().write(("POST /api/v1/customers/b/events HTTP/1.1\r\nHost: x\r\nAuthorization: "
          + basic(sim.siteId(), sim.apiKey()) + "\r\nContent-Length: 100\r\n\r\n{\"name\":").getBytes(StandardCharsets.US_ASCII));
      String answer = new String(readAll(s.getInputStream()), StandardCharsets.US_ASCII);
      assertTrue(answer.startsWith("HTTP/1.1 408") && answer.contains("not complete within relay.body-timeout"), answer);
      assertTrue(answer.contains("\"meta\""), "in the v1 error shape: " + answer);
    }
  }

  @Test
  void bodiesOverTheBufferedBudgetGet503WithRetryAfter() throws Exception {
    RelayServer relay = relay(b -> b.maxBodyBytes(2048).limits(HttpLimits.builder().maxBufferedBodyBytes(4096).build()));
    List<Socket> held = new ArrayList<>();
    List<String> answers = new java.util.concurrent.CopyOnWriteArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        Socket s = new Socket("127.0.0.1", relay.port());
        held.add(s);
        s.getOutputStream().write(("POST /api/v2/entity HTTP/1.1\r\nHost: x\r\nAuthorization: " + basic(sim.siteId(), sim.apiKey())
            + "\r\nContent-Length: 2000\r\n\r\n" + " ".repeat(1600)).getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        Thread reader = new Thread(() -> {
          try {
            answers.add(new String(readAll(s.getInputStream()), StandardCharsets.US_ASCII));
          } catch (java.io.IOException closed) {
            // closed by the test
          }
        });
        reader.setDaemon(true);
        reader.start();
      }
      // Two bodies of 1600 bytes fit the 4096-byte budget; the third does not.
      await().atMost(Duration.ofSeconds(20)).until(() -> answers.stream().anyMatch(a -> a.startsWith("HTTP/1.1 503")));
      String refused = answers.stream().filter(a -> a.startsWith("HTTP/1.1 503")).findFirst().orElseThrow();
      assertTrue(refused.contains("Retry-After: 1") && refused.contains("relay.max-buffered-body-bytes"), refused);
      assertTrue(relay.meterRegistry().get("relay.http.body.budget.refusals").counter().count() >= 1);
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> relay.meterRegistry().get("relay.http.body.buffered").gauge().value() == 0);
  }

  static String batchOfOnes(int n) {
    StringBuilder sb = new StringBuilder("{\"batch\":[");
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "1" : ",1");
    }
    return sb.append("]}").toString();
  }

  static int signedWebhook(RelayServer relay, String body) throws Exception {
    long ts = Instant.now().getEpochSecond();
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(relay.webhookBaseUrl() + WebhookReceiver.PATH))
        .timeout(Duration.ofSeconds(20))
        .header("X-CIO-Timestamp", Long.toString(ts))
        .header("X-CIO-Signature", WebhookVerifier.sign(SIGNING_KEY, ts, bytes))
        .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
    return RelayTestSupport.HTTP.send(req, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  static byte[] readAll(InputStream in) throws java.io.IOException {
    return in.readNBytes(4096);
  }

  static long seconds(long nanos) {
    return TimeUnit.NANOSECONDS.toSeconds(nanos);
  }
}
