package io.ciorelay.server;

import static io.ciorelay.server.relay.RelayTestSupport.ADMIN_TOKEN;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.server.relay.RelayServer;
import io.ciorelay.server.relay.RelayTestSupport;
import io.ciorelay.simulator.CioSimulator;
import io.ciorelay.simulator.Faults;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code cio relay}, {@code cio status} and {@code cio dlq}, in process, against real relays. */
class CommandsIT {
  @TempDir
  Path dir;

  record Result(int exit, String out, String err) {}

  static Result run(CommandLine cli, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Result(exit, out.toString(), err.toString());
  }

  static Result cio(String... args) {
    return run(Cio.commandLine(), args);
  }

  static int post(String url, String auth, String body) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
        .header("Authorization", auth).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  static String basic(String site, String key) {
    return "Basic " + Base64.getEncoder().encodeToString((site + ":" + key).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void relayWithoutCredentialsStartsTheBuiltInSimulatorAndSaysSoLoudly() throws Exception {
    RelayCommand command = new RelayCommand(Map.of());
    CommandLine cli = new CommandLine(command);
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(new StringWriter(), true));
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute("--host", "127.0.0.1", "--port", "0",
        "--data", dir.toString()));
    await().atMost(Duration.ofSeconds(30)).until(() -> out.toString().contains("new TrackClient") || exit.isDone());
    String banner = out.toString();
    assertTrue(banner.contains("NO CREDENTIALS: delivering to the BUILT-IN SIMULATOR, NOT to Customer.io"), banner);
    assertTrue(banner.contains("/health/customerio") && banner.contains("/metrics"), banner);
    String url = command.server().baseUrl();
    assertTrue(banner.contains("new TrackClient(siteId, apiKey, { url: '" + url + "/api/v1' })"), banner);
    assertEquals(200, post(url + "/api/v1/customers/p1/events", basic(CioSimulator.DEFAULT_SITE_ID, CioSimulator.DEFAULT_API_KEY),
        "{\"name\":\"hello\"}"));
    await().atMost(Duration.ofSeconds(20)).until(() -> command.server().customerIo().health().backlog() == 0);
    command.stop();
    assertEquals(0, exit.get(30, TimeUnit.SECONDS));
    assertTrue(out.toString().contains("cio relay stopped: accepted=1 delivered=1"), out.toString());
  }

  @Test
  void relayRefusesBadSettingsNamingTheKey() {
    Result r = run(new CommandLine(new RelayCommand(Map.of("CIO_SITE_ID", "s", "CIO_API_KEY", "k"))),
        "--port", "0", "--data", dir.toString(), "--rate-limit", "abc");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("cio relay: relay.rate-limit = 'abc' (flag --rate-limit): must be a number"), r.err());
    Result linger = run(new CommandLine(new RelayCommand(Map.of("CIO_SITE_ID", "s", "CIO_API_KEY", "k"))),
        "--port", "0", "--data", dir.toString(), "--linger", "2m");
    assertEquals(2, linger.exit(), "refused before anything starts");
    assertTrue(linger.err().contains("cio relay: relay.linger = '2m' (flag --linger): linger must be in 0..PT1M but was PT2M"),
        linger.err());
    Result noCreds = run(new CommandLine(new RelayCommand(Map.of())), "--port", "0", "--target", "http://127.0.0.1:1");
    assertEquals(2, noCreds.exit());
    assertTrue(noCreds.err().contains("CIO_SITE_ID and CIO_API_KEY"), noCreds.err());
    Result leaked = run(new CommandLine(new RelayCommand(Map.of("CIO_SITE_ID", "s", "CIO_API_KEY", "very-secret-key"))),
        "--port", "0", "--data", dir.toString(), "--set", "relay.lanes=0");
    assertEquals(2, leaked.exit());
    assertFalse(leaked.out().contains("very-secret-key") || leaked.err().contains("very-secret-key"));
  }

  @Test
  void statusAndDlqWorkAgainstARunningRelay() throws Exception {
    try (CioSimulator sim = CioSimulator.builder().rateLimit(0).build().start()) {
      RelayServer relay = RelayServer.builder(RelayTestSupport.config(sim, dir).build()).build().start();
      try {
        String url = relay.baseUrl();
        Result up = cio("status", "--url", url);
        assertEquals(0, up.exit(), up.out() + up.err());
        assertTrue(up.out().contains("status:            UP (HTTP 200)"), up.out());
        for (String line : new String[] {"backlog:", "oldest pending:", "circuit breaker:   CLOSED", "dead letters:      0",
            "delivery rate:"}) {
          assertTrue(up.out().contains(line), line + " in\n" + up.out());
        }

        sim.faults().poison("poison", Faults.PoisonMode.OPERATION);
        String auth = basic(sim.siteId(), sim.apiKey());
        assertEquals(200, post(url + "/api/v1/customers/q1/events", auth,
            "{\"name\":\"bad\",\"id\":\"01JCMD00000000000000000001\",\"data\":{\"poison\":1}}"));
        await().atMost(Duration.ofSeconds(20)).until(() -> relay.customerIo().deadLetters().count() == 1);

        Result list = cio("dlq", "list", "--url", url, "--token", ADMIN_TOKEN);
        assertEquals(0, list.exit(), list.err());
        assertTrue(list.out().contains("1 dead letter(s)"), list.out());
        assertTrue(list.out().contains("event 01JCMD00000000000000000001"), list.out());
        assertTrue(list.out().contains("\"poison\":1"), list.out());
        long id = relay.customerIo().deadLetters().list(0, 10).get(0).id();

        Result wrong = cio("dlq", "list", "--url", url, "--token", "not-the-token");
        assertEquals(1, wrong.exit());
        assertTrue(wrong.err().contains("401"), wrong.err());
        assertEquals(2, cio("dlq", "replay", "--url", url, "--token", ADMIN_TOKEN).exit(), "replay needs --ids or --all");

        sim.faults().poison(null, Faults.PoisonMode.OPERATION);
        Result replay = cio("dlq", "replay", "--url", url, "--token", ADMIN_TOKEN, "--ids", Long.toString(id));
        assertEquals(0, replay.exit(), replay.err());
        assertTrue(replay.out().contains("replayed 1 dead letter(s)"), replay.out());
        await().atMost(Duration.ofSeconds(20)).until(() -> sim.records().containsEventId("01JCMD00000000000000000001"));
        Result purge = cio("dlq", "purge", "--url", url, "--token", ADMIN_TOKEN, "--all");
        assertEquals(0, purge.exit(), purge.err());
        assertTrue(purge.out().contains("purged 0 dead letter(s)"), purge.out());

        relay.customerIo().pause();
        Result paused = cio("status", "--url", url);
        assertEquals(1, paused.exit(), paused.out());
        assertTrue(paused.out().contains("status:            DOWN (HTTP 503)"), paused.out());
        assertTrue(paused.out().contains("- delivery paused by an operator"), paused.out());
      } finally {
        relay.stop();
      }
    }
    Result unreachable = cio("status", "--url", "http://127.0.0.1:1");
    assertEquals(2, unreachable.exit());
  }
}
