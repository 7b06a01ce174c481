package io.ciorelay.server;

import com.github.f4b6a3.ulid.Ulid;
import io.ciorelay.delivery.CustomerIo;
import io.ciorelay.delivery.breaker.BreakerConfig;
import io.ciorelay.delivery.health.Health;
import io.ciorelay.delivery.metrics.DeliveryMetrics;
import io.ciorelay.delivery.retry.RetryConfig;
import io.ciorelay.server.relay.RelayConfig;
import io.ciorelay.server.relay.RelayServer;
import io.ciorelay.simulator.CioSimulator;
import io.ciorelay.simulator.OutageMode;
import io.micrometer.core.instrument.Counter;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cio demo}: a tour for newcomers. Starts a simulated Customer.io and a relay in this
 * process, sends operations through the relay's HTTP API as any Customer.io client would, takes
 * Customer.io down in the middle, shows live progress, and ends with a report of what arrived.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Simulator + relay + an outage in the middle, with live progress and a final report.")
public final class DemoCommand implements Callable<Integer> {

  @Option(names = "--operations", defaultValue = "3000", description = "Operations to send (default ${DEFAULT-VALUE}).")
  int operations;

  @Option(names = "--rate", defaultValue = "250", description = "Operations per second sent to the relay (default ${DEFAULT-VALUE}).")
  int rate;

  @Option(names = "--outage", defaultValue = "8", description = "Seconds Customer.io is down (default ${DEFAULT-VALUE}).")
  int outageSeconds;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (operations < 1 || rate < 1 || outageSeconds < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--operations and --rate must be at least 1, --outage at least 0");
    }
    Path data = Files.createTempDirectory("cio-demo");
    try (CioSimulator sim = CioSimulator.builder().rateLimit(100).build().start()) {
      RelayConfig config = RelayConfig.builder()
          .host("127.0.0.1")
          .port(freePort())
          .dataDir(data)
          .target(URI.create(sim.baseUrl()))
          .credentials(sim.siteId(), sim.apiKey())
          .build();
      RelayServer relay = RelayServer.builder(config)
          .customerIo(b -> b
              .breaker(BreakerConfig.builder().openWait(Duration.ofSeconds(3)).build())
              .retry(RetryConfig.builder().maxDelay(Duration.ofSeconds(4)).build())
              .linger(Duration.ofMillis(100)))
          .build()
          .start();
      try {
        out.println("Customer.io (simulated) : " + sim.baseUrl());
        out.println("relay                   : " + relay.baseUrl() + "   health: " + relay.baseUrl() + "/health/customerio");
        out.printf(Locale.ROOT, "sending %d operations at %d/s through the relay; Customer.io goes down for %d s a third of the way in%n%n",
            operations, rate, outageSeconds);
        out.flush();
        return run(out, sim, relay);
      } finally {
        relay.close();
      }
    }
  }

  private int run(PrintWriter out, CioSimulator sim, RelayServer relay) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String auth = "Basic " + Base64.getEncoder().encodeToString(
        (sim.siteId() + ":" + sim.apiKey()).getBytes(StandardCharsets.UTF_8));
    Set<String> acceptedEventIds = ConcurrentHashMap.newKeySet();
    AtomicLong accepted = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    CustomerIo cio = relay.customerIo();
    long start = System.nanoTime();
    long nextProgress = 0;
    boolean outageStarted = false;
    for (int i = 0; i < operations; i++) {
      if (!outageStarted && i >= operations / 3 && outageSeconds > 0) {
        sim.faults().outage(Duration.ofSeconds(outageSeconds), OutageMode.SERVICE_UNAVAILABLE);
        out.println(">>> Customer.io outage begins (" + outageSeconds + " s of 503s); the relay keeps accepting");
        outageStarted = true;
      }
      String person = "demo-person-" + (i % 200);
      HttpRequest request;
      String eventId = null;
      if (i % 4 == 0) {
        request = HttpRequest.newBuilder(URI.create(relay.baseUrl() + "/api/v1/customers/" + person))
            .header("Authorization", auth).header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + person + "@example.com\",\"plan\":\"pro\",\"seq\":" + i + "}"))
            .build();
      } else {
        eventId = Ulid.fast().toString();
        request = HttpRequest.newBuilder(URI.create(relay.baseUrl() + "/api/v1/customers/" + person + "/events"))
            .header("Authorization", auth).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"purchase\",\"id\":\"" + eventId
                + "\",\"data\":{\"sku\":\"sku-" + (i % 50) + "\",\"seq\":" + i + "}}"))
            .build();
      }
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 200) {
        accepted.incrementAndGet();
        if (eventId != null) {
          acceptedEventIds.add(eventId);
        }
      } else {
        refused.incrementAndGet();
      }
      long elapsed = System.nanoTime() - start;
      long due = (long) ((i + 1) * 1e9 / rate);
      if (due > elapsed) {
        TimeUnit.NANOSECONDS.sleep(due - elapsed);
      }
      if (elapsed >= nextProgress) {
        progress(out, accepted.get(), sim, cio.health());
        nextProgress = elapsed + TimeUnit.MILLISECONDS.toNanos(500);
      }
    }
    out.println(">>> all operations sent; waiting for the backlog to drain");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline && (cio.health().backlog() > 0 || sim.faults().outageActive())) {
      progress(out, accepted.get(), sim, cio.health());
      TimeUnit.MILLISECONDS.sleep(500);
    }
    progress(out, accepted.get(), sim, cio.health());
    long lost = acceptedEventIds.stream().filter(id -> !sim.records().containsEventId(id)).count();
    double retried = counter(cio, DeliveryMetrics.RETRIED, null, null);
    double openings = counter(cio, DeliveryMetrics.BREAKER_TRANSITIONS, "to", "open");
    out.println();
    out.println("report");
    out.printf(Locale.ROOT, "  accepted by the relay (200)   %d%n", accepted.get());
    out.printf(Locale.ROOT, "  refused by the relay          %d%n", refused.get());
    out.printf(Locale.ROOT, "  delivered to Customer.io      %d%n", sim.records().count());
    out.printf(Locale.ROOT, "  duplicates dropped by id      %d%n", sim.records().duplicateCount());
    out.printf(Locale.ROOT, "  events lost                   %d%n", lost);
    out.printf(Locale.ROOT, "  operations retried            %.0f%n", retried);
    out.printf(Locale.ROOT, "  breaker openings              %.0f%n", openings);
    out.printf(Locale.ROOT, "  requests to Customer.io       %d (503: %d)%n", sim.stats().totalRequests(), sim.stats().count(503));
    out.flush();
    return lost == 0 && sim.records().count() >= accepted.get() ? 0 : 1;
  }

  private static void progress(PrintWriter out, long accepted, CioSimulator sim, Health h) {
    out.printf(Locale.ROOT, "accepted %6d | delivered %6d | backlog %6d | breaker %-9s | health %s%n",
        accepted, sim.records().count(), h.backlog(), h.breakerState(), h.status());
    out.flush();
  }

  private static double counter(CustomerIo cio, String name, String tag, String value) {
    double sum = 0;
    var search = cio.meterRegistry().find(name);
    if (tag != null) {
      search = search.tag(tag, value);
    }
    for (Counter c : search.counters()) {
      sum += c.count();
    }
    return sum;
  }

  private static int freePort() throws java.io.IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
