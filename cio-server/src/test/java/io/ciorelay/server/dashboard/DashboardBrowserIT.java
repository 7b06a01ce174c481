package io.ciorelay.server.dashboard;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.ciorelay.client.WebhookVerifier;
import io.ciorelay.delivery.outbox.DeadLetter;
import io.ciorelay.server.NodeScripts;
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
import java.util.concurrent.BlockingQueue;
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
 * checks a viewer cannot act, and fails on any JavaScript error; this test does the server side of
 * each step and checks what the simulator recorded. Screenshots go to {@code docs/dashboard/}.
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
    try (CioSimulator sim = CioSimulator.builder().rateLimit(0).build().start()) {
      RelayServer.Builder rb = RelayServer.builder(RelayTestSupport.config(sim, dir)
          .dashboardViewerToken(VIEWER_TOKEN).build());
      // The webhook receiver without a forward URL: what it receives is stored and shows as pending.
      WebhookReceiver webhooks = WebhookReceiver.start(WebhookConfig.builder().signingKey(WEBHOOK_KEY)
          .storePath(dir.resolve("webhooks.db")).build(), new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
      RelayServer relay = rb.routes(webhooks::register).closeOnStop(webhooks).webhooks(() -> webhooks).build().start();
      for (int i = 1; i <= 3; i++) {
        String body = "{\"event_id\":\"01JWEBHOOK000000000000000" + i + "\",\"object_type\":\"email\",\"metric\":\"opened\","
            + "\"timestamp\":1764633600,\"data\":{\"customer_id\":\"person-" + i + "\"}}";
        long ts = System.currentTimeMillis() / 1000;
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(relay.baseUrl() + WebhookReceiver.PATH))
            .header("X-CIO-Timestamp", Long.toString(ts))
            .header("X-CIO-Signature", WebhookVerifier.sign(WEBHOOK_KEY, ts, body.getBytes(StandardCharsets.UTF_8)))
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
      }
      String auth = "Basic " + Base64.getEncoder().encodeToString((sim.siteId() + ":" + sim.apiKey())
          .getBytes(StandardCharsets.UTF_8));
      ProcessBuilder pb = new ProcessBuilder("node", SCRIPT.toString()).directory(NODE_DIR.toFile())
          .redirectErrorStream(true);
      pb.environment().put("NODE_PATH", NODE_DIR.resolve("node_modules").toString());
      pb.environment().put("RELAY_URL", relay.baseUrl());
      pb.environment().put("SIM_URL", sim.baseUrl());
      pb.environment().put("ADMIN_TOKEN", RelayTestSupport.ADMIN_TOKEN);
      pb.environment().put("VIEWER_TOKEN", VIEWER_TOKEN);
      pb.environment().put("SCREENSHOT_DIR", SHOTS.toString());
      pb.environment().put("OUTAGE_OPS", Integer.toString(OUTAGE_OPS));
      pb.environment().put("REFUSED_EVENTS", Integer.toString(REFUSED_EVENTS));
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
          if (!line.startsWith("STEP ")) {
            continue;
          }
          String reply = switch (line.substring(5)) {
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
            default -> throw new AssertionError("unknown step " + line + "\n" + output);
          };
          toNode.write(reply + "\n");
          toNode.flush();
        }
      } finally {
        if (!node.waitFor(30, TimeUnit.SECONDS)) {
          node.destroyForcibly();
        }
        relay.stop();
      }
      Files.writeString(NODE_DIR.resolve("dashboard-browser.log"), output);
      assertEquals(0, node.exitValue(), "the browser script failed:\n" + output);
      assertTrue(output.toString().contains("DONE"), output.toString());
      assertEquals(OUTAGE_OPS, sim.records().events("during_outage").size(), "every operation of the outage delivered once");
      assertEquals(REFUSED_EVENTS, sim.records().events("refused_event").size(), "each replayed operation delivered once");
      for (int i = 1; i <= 3; i++) {
        assertTrue(sim.records().forPerson("kept-" + i).isEmpty(), "the identifies outside the filter stay dead");
      }
      assertEquals(3, relay.customerIo().deadLetters().count(), "the viewer's replay did nothing");
      for (String png : List.of("sign-in.png", "overview.png", "overview-outage.png", "overview-paused.png",
          "dead-letters.png", "dead-letter-detail.png", "dead-letters-confirm.png", "dead-letters-replayed.png",
          "webhooks.png", "viewer.png", "phone.png")) {
        assertTrue(Files.size(SHOTS.resolve(png)) > 1000, png);
      }
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
