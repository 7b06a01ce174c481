package io.ciorelay.server.dashboard;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.ciorelay.client.WebhookVerifier;
import io.ciorelay.delivery.outbox.DeadLetter;
import io.ciorelay.server.NodeScripts;
import io.ciorelay.server.RedisProcess;
import io.ciorelay.server.relay.RelayServer;
import io.ciorelay.server.relay.RelayTestSupport;
import io.ciorelay.server.webhook.WebhookConfig;
import io.ciorelay.server.webhook.WebhookReceiver;
import io.ciorelay.simulator.CioSimulator;
import io.ciorelay.simulator.Faults;
import io.ciorelay.simulator.OutageMode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real browser: headless Chromium ({@code /usr/bin/chromium}, Debian's
 * {@code chromium} package) driven by {@code playwright-core} (installed with npm under
 * {@code target/}) through {@code src/test/node/dashboard-browser.js}, against a relay and the
 * simulator. The script signs in, pauses and resumes, watches the backlog grow in an outage and
 * drain after it, filters the dead letters of operations the simulator refused, replays that set,
 * replays one selected and purges one from its detail view by keyboard only, filters, pages, replays
 * and purges the webhook dead letters (one, a selection, all matching), checks a viewer cannot act,
 * and fails on any JavaScript error; this test does the server side of each step and checks what
 * the simulator and the webhook consumer received. Screenshots go to {@code docs/dashboard/}.
 * Without Chromium, node or npm it fails rather than skips.
 */
class DashboardBrowserIT {
  static final Path NODE_DIR = NodeScripts.MODULE.resolve("target/node-dashboard");
  static final Path SCRIPT = NodeScripts.MODULE.resolve("src/test/node/dashboard-browser.js");
  static final Path SHOTS = NodeScripts.MODULE.getParent().resolve("docs/dashboard");
  static final String VIEWER_TOKEN = "viewer-token-for-tests";
  static final int OUTAGE_OPS = 200;
  static final int REFUSED_EVENTS = 5;
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final byte[] WEBHOOK_KEY = "webhook-key-for-tests".getBytes(StandardCharsets.UTF_8);
  static final int OPENED_WEBHOOKS = 3;
  static final int CLICKED_WEBHOOKS = 12;
  static final int BOUNCED_WEBHOOKS = 2;

  @TempDir
  Path dir;

  @BeforeAll
  static void installPlaywright() throws Exception {
    assertTrue(Files.isExecutable(Path.of("/usr/bin/chromium")),
        "/usr/bin/chromium is missing: apt-get install -y chromium (.ci/run installs it)");
    NodeScripts.install(NODE_DIR, "playwright-core", "playwright-core@1", "\"version\": \"1.");
  }

  @Test
  void anOperatorSeesTheOutageAndReplaysTheRefusedOperationsAViewerCannot() throws Exception {
    Files.createDirectories(SHOTS);
    try (CioSimulator sim = CioSimulator.builder().rateLimit(0).build().start();
        Consumer consumer = Consumer.start()) {
      RelayServer.Builder rb = RelayServer.builder(RelayTestSupport.config(sim, dir)
          .dashboardViewerToken(VIEWER_TOKEN).build());
      // The webhook receiver forwards to a consumer that refuses every "clicked" (HTTP 500) and
      // "bounced" (HTTP 400) event at first: with one attempt each, those become webhook dead letters.
      WebhookReceiver webhooks = WebhookReceiver.start(WebhookConfig.builder().signingKey(WEBHOOK_KEY)
          .storePath(dir.resolve("webhooks.db")).forwardUrl(consumer.url()).maxAttempts(1)
          .backoffBase(Duration.ofMillis(5)).backoffCap(Duration.ofMillis(50)).build(),
          new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
      RelayServer relay = rb.routes(webhooks::register).closeOnStop(webhooks).webhooks(() -> webhooks).build().start();
      for (int i = 1; i <= OPENED_WEBHOOKS; i++) {
        webhook(relay, "opened-" + i, "opened", "person-" + i);
      }
      for (int i = 1; i <= CLICKED_WEBHOOKS; i++) {
        webhook(relay, "clicked-" + i, "clicked", "clicker-" + i);
      }
      for (int i = 1; i <= BOUNCED_WEBHOOKS; i++) {
        webhook(relay, "bounced-" + i, "bounced", "bouncer-" + i);
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> webhooks.deadLetterCount() == CLICKED_WEBHOOKS + BOUNCED_WEBHOOKS
          && consumer.accepted().size() == OPENED_WEBHOOKS);
      consumer.acceptAll(); // from now on a replay is forwarded and taken
      String auth = "Basic " + Base64.getEncoder().encodeToString((sim.siteId() + ":" + sim.apiKey())
          .getBytes(StandardCharsets.UTF_8));
      Map<String, String> env = new java.util.HashMap<>();
      env.put("RELAY_URL", relay.baseUrl());
      env.put("SIM_URL", sim.baseUrl());
      env.put("VIEWER_TOKEN", VIEWER_TOKEN);
      env.put("OUTAGE_OPS", Integer.toString(OUTAGE_OPS));
      env.put("REFUSED_EVENTS", Integer.toString(REFUSED_EVENTS));
      env.put("CLICKED_WEBHOOKS", Integer.toString(CLICKED_WEBHOOKS));
      env.put("BOUNCED_WEBHOOKS", Integer.toString(BOUNCED_WEBHOOKS));
      Steps steps = step -> switch (step) {
        case "outage" -> {
          sim.faults().outage(OutageMode.SERVICE_UNAVAILABLE);
          for (int i = 0; i < OUTAGE_OPS; i++) {
            send(relay, auth, "/api/v1/customers/outage-" + (i % 20) + "/events",
                "{\"name\":\"during_outage\",\"data\":{\"n\":" + i + "}}");
          }
          yield "ok";
        }
        case "end-outage" -> {
          sim.faults().endOutage();
          yield "ok";
        }
        case "refuse" -> {
          sim.faults().poison("bad_field", Faults.PoisonMode.OPERATION);
          for (int i = 1; i <= REFUSED_EVENTS; i++) {
            send(relay, auth, "/api/v1/customers/refused-" + i + "/events",
                "{\"name\":\"refused_event\",\"data\":{\"bad_field\":" + i + "}}");
          }
          for (int i = 1; i <= 3; i++) {
            sendPut(relay, auth, "/api/v1/customers/kept-" + i, "{\"bad_field\":" + i + "}");
          }
          await().atMost(Duration.ofSeconds(30)).until(() -> relay.customerIo().deadLetters().count() == REFUSED_EVENTS + 3);
          // From now on Customer.io would take them: the replay is expected to deliver.
          sim.faults().poison(null, Faults.PoisonMode.OPERATION);
          List<DeadLetter> dead = relay.customerIo().deadLetters().list(0, 100);
          yield "ok " + dead.get(0).lastStatus();
        }
        case "replayed" -> {
          await().atMost(Duration.ofSeconds(30)).until(() -> sim.records().events("refused_event").size() == REFUSED_EVENTS);
          yield "ok";
        }
        case "keyboard-replayed" -> {
          await().atMost(Duration.ofSeconds(30)).until(() -> !sim.records().forPerson("kept-1").isEmpty());
          yield "ok";
        }
        case "webhooks-replayed" -> {
          // clicked-1 was purged from its detail view; the other clicked ones were replayed.
          await().atMost(Duration.ofSeconds(30)).until(() -> consumer.accepted().size() == OPENED_WEBHOOKS + CLICKED_WEBHOOKS - 1);
          yield "ok";
        }
        default -> throw new AssertionError("unknown step " + step);
      };
      try {
        runBrowser("operator", env, steps);
      } finally {
        relay.stop();
      }
      assertEquals(OUTAGE_OPS, sim.records().events("during_outage").size(), "every operation of the outage delivered once");
      assertEquals(REFUSED_EVENTS, sim.records().events("refused_event").size(), "each replayed operation delivered once");
      assertEquals(1, sim.records().forPerson("kept-1").size(), "the one replayed by keyboard was delivered once");
      assertTrue(sim.records().forPerson("kept-2").isEmpty(), "the one purged from its detail view is not delivered");
      assertTrue(sim.records().forPerson("kept-3").isEmpty(), "the one left alone stays dead");
      assertEquals(1, relay.customerIo().deadLetters().count(), "the viewer's replay did nothing");
      List<String> forwarded = consumer.accepted();
      for (int i = 2; i <= CLICKED_WEBHOOKS; i++) {
        String id = "clicked-" + i;
        assertEquals(1, forwarded.stream().filter(id::equals).count(), id + " replayed and forwarded once: " + forwarded);
      }
      assertTrue(forwarded.stream().noneMatch(e -> e.equals("clicked-1") || e.startsWith("bounced-")),
          "purged webhook dead letters are never forwarded: " + forwarded);
      assertEquals(0, webhooks.deadLetterCount(), "every webhook dead letter replayed or purged");
      for (String png : List.of("sign-in.png", "overview.png", "overview-outage.png", "overview-paused.png",
          "dead-letters.png", "dead-letter-detail.png", "dead-letters-confirm.png", "dead-letters-replayed.png",
          "webhooks.png", "webhook-dead-letters.png", "webhook-dead-letter-detail.png", "webhook-dead-letters-confirm.png",
          "webhook-dead-letters-replayed.png", "viewer.png", "phone.png")) {
        assertTrue(Files.size(SHOTS.resolve(png)) > 1000, png);
      }
    }
  }

  @Test
  void onRedisTheOverviewShowsTheFleetsRelaysAndTheShardsEachHolds() throws Exception {
    try (CioSimulator sim = CioSimulator.builder().rateLimit(0).build().start();
        RedisProcess redis = RedisProcess.sharedOrPrivate(dir)) {
      String prefix = "dashui" + Long.toHexString(System.nanoTime());
      RelayServer first = null;
      RelayServer second = null;
      try {
        first = onRedis(sim, redis, prefix, "relay-a");
        second = onRedis(sim, redis, prefix, "relay-b");
        RelayServer a = first;
        // Both relays hold their share before the page is looked at.
        await().atMost(Duration.ofSeconds(60)).until(() -> {
          JsonNode f = DashboardApiIT.fleet(a);
          return f.path("relays").size() == 2 && f.path("relays").get(0).path("shards").size() == 2
              && f.path("relays").get(1).path("shards").size() == 2;
        });
        runBrowser("fleet", Map.of("RELAY_URL", first.baseUrl()), step -> {
          throw new AssertionError("unknown step " + step);
        });
      } finally {
        if (second != null) {
          second.stop();
        }
        if (first != null) {
          first.stop();
        }
        redis.deleteKeys(prefix);
      }
    }
    assertTrue(Files.size(SHOTS.resolve("overview-fleet.png")) > 1000);
  }

  private RelayServer onRedis(CioSimulator sim, RedisProcess redis, String prefix, String name) {
    return RelayServer.builder(RelayTestSupport.config(sim, dir.resolve(name)).store(URI.create(redis.uri(0)))
        .storePrefix(prefix).storeShards(4).build()).build().start();
  }

  /** What the Java side does at each "STEP name" of the script; returns the line sent back. */
  interface Steps {
    String reply(String step) throws Exception;
  }

  /**
   * Runs the browser script in one mode (its env adds RELAY_URL and the rest), answering its steps;
   * fails unless it ends with DONE. The output goes to {@code target/node-dashboard/dashboard-<mode>.log}.
   */
  static String runBrowser(String mode, Map<String, String> env, Steps steps) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("node", SCRIPT.toString()).directory(NODE_DIR.toFile())
        .redirectErrorStream(true);
    pb.environment().putAll(env);
    pb.environment().put("MODE", mode);
    pb.environment().put("NODE_PATH", NODE_DIR.resolve("node_modules").toString());
    pb.environment().put("ADMIN_TOKEN", RelayTestSupport.ADMIN_TOKEN);
    pb.environment().put("SCREENSHOT_DIR", SHOTS.toString());
    Process node = pb.start();
    StringBuilder output = new StringBuilder();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
        for (String l; (l = r.readLine()) != null; ) {
          lines.add(l);
        }
      } catch (java.io.IOException e) {
        lines.add("READ FAILED " + e);
      }
      lines.add("EOF");
    }, "dashboard-browser-output");
    reader.setDaemon(true);
    reader.start();
    try (Writer toNode = new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8)) {
      while (true) {
        String line = lines.poll(180, TimeUnit.SECONDS);
        if (line == null) {
          fail("the browser script said nothing for 180 s; output so far:\n" + output);
        }
        output.append(line).append('\n');
        if (line.equals("EOF")) {
          break;
        }
        if (line.startsWith("STEP ")) {
          toNode.write(steps.reply(line.substring(5)) + "\n");
          toNode.flush();
        }
      }
    } finally {
      if (!node.waitFor(30, TimeUnit.SECONDS)) {
        node.destroyForcibly();
      }
      Files.writeString(NODE_DIR.resolve("dashboard-" + mode + ".log"), output);
    }
    assertEquals(0, node.exitValue(), "the browser script failed:\n" + output);
    assertTrue(output.toString().contains("DONE"), output.toString());
    return output.toString();
  }

  private static void webhook(RelayServer relay, String eventId, String metric, String person) throws Exception {
    String body = "{\"event_id\":\"" + eventId + "\",\"object_type\":\"email\",\"metric\":\"" + metric + "\","
        + "\"timestamp\":1764633600,\"data\":{\"customer_id\":\"" + person + "\"}}";
    long ts = System.currentTimeMillis() / 1000;
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(relay.baseUrl() + WebhookReceiver.PATH))
        .header("X-CIO-Timestamp", Long.toString(ts))
        .header("X-CIO-Signature", WebhookVerifier.sign(WEBHOOK_KEY, ts, body.getBytes(StandardCharsets.UTF_8)))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
  }

  /**
   * The webhook consumer: until {@link #acceptAll}, answers 500 to "clicked" events and 400 to
   * "bounced" ones; records the event id of every event it took (200).
   */
  static final class Consumer implements AutoCloseable {
    private final HttpServer server;
    private final List<String> accepted = new CopyOnWriteArrayList<>();
    private volatile boolean refusing = true;

    private Consumer(HttpServer server) {
      this.server = server;
    }

    static Consumer start() throws java.io.IOException {
      Consumer c = new Consumer(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
      c.server.createContext("/consumer", exchange -> {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        int status = 200;
        if (c.refusing && body.contains("\"metric\":\"clicked\"")) {
          status = 500;
        } else if (c.refusing && body.contains("\"metric\":\"bounced\"")) {
          status = 400;
        } else {
          c.accepted.add(exchange.getRequestHeaders().getFirst("X-Webhook-Event-Id"));
        }
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
      });
      c.server.start();
      return c;
    }

    URI url() {
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/consumer");
    }

    void acceptAll() {
      refusing = false;
    }

    List<String> accepted() {
      return List.copyOf(accepted);
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  private static void send(RelayServer relay, String auth, String path, String json) throws Exception {
    request(relay, auth, path, "POST", json);
  }

  private static void sendPut(RelayServer relay, String auth, String path, String json) throws Exception {
    request(relay, auth, path, "PUT", json);
  }

  private static void request(RelayServer relay, String auth, String path, String method, String json) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(relay.baseUrl() + path))
        .header("Authorization", auth).header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), method + " " + path + ": " + r.body());
  }
}
