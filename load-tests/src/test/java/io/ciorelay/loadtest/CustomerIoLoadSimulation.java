package io.ciorelay.loadtest;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.forAll;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.ciorelay.simulator.CioSimulator;
import io.ciorelay.simulator.RecordedOperation;
import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The reference load scenario (the k6 script of the reference patterns) as a Gatling simulation.
 *
 * <p>Each iteration takes a fresh test person {@code load-<runId>-<n>}, identifies it
 * ({@code PUT /api/v1/customers/{id}} with {@code _load_test: true}) and tracks one event for it
 * ({@code POST /api/v1/customers/{id}/events}), with Basic auth. Open workload, in iterations per
 * second like k6's arrival rate: 10 → 50/s over 30 s, 80/s for 60 s, 80 → 10/s over 30 s (about
 * 7,050 iterations, 14,100 requests). Assertions, as the reference's thresholds: p95 &lt; 500 ms and
 * p99 &lt; 2 s over all requests and for each request, and fewer than 50 failed requests. Every
 * value is a parameter ({@link LoadTestSettings}).
 *
 * <p>Target {@code simulator} (the default) starts an in-process {@link CioSimulator} in
 * {@link #before()} and stops it in {@link #after()}; a URL targets a relay or a staging workspace.
 * A Customer.io host is refused unless {@code allowProduction=true}. The ids of the persons the run
 * created are written to {@code <personsDir>/load-test-persons-<runId>.txt} as they are used, for
 * {@code cio cleanup-load-test}.
 */
public final class CustomerIoLoadSimulation extends Simulation {
  private final LoadTestSettings settings;
  private final PersonLog persons;
  private final int simulatorPort;
  private volatile CioSimulator simulator;

  public CustomerIoLoadSimulation() {
    settings = LoadTestSettings.fromSystem();
    String baseUrl;
    String siteId;
    String apiKey;
    if (settings.usesSimulator()) {
      simulatorPort = freePort();
      baseUrl = "http://" + CioSimulator.DEFAULT_HOST + ":" + simulatorPort;
      siteId = CioSimulator.DEFAULT_SITE_ID;
      apiKey = CioSimulator.DEFAULT_API_KEY;
    } else {
      simulatorPort = -1;
      baseUrl = settings.baseUrl().toString();
      siteId = settings.siteId();
      apiKey = settings.apiKey();
    }
    System.out.println("cio load test: " + settings);
    persons = new PersonLog(settings.runId(), settings.personsFile());

    HttpProtocolBuilder protocol = http
        .baseUrl(baseUrl)
        .basicAuth(siteId, apiKey)
        .contentTypeHeader("application/json")
        .acceptHeader("application/json")
        .userAgentHeader("cio-relay-load-test")
        // A backend talks to Customer.io over a pool of keep-alive connections, not one per person.
        .shareConnections();

    Iterator<Map<String, Object>> people = Stream.generate(() -> Map.<String, Object>of("personId", persons.next()))
        .iterator();
    String runId = settings.runId();
    ScenarioBuilder iteration = scenario("identify then track a test person")
        .feed(people)
        .exec(http("identify")
            .put("/api/v1/customers/#{personId}")
            .body(StringBody(session -> identifyBody(session.getString("personId"))))
            .check(status().is(200)))
        .exec(http("track")
            .post("/api/v1/customers/#{personId}/events")
            .body(StringBody(session -> "{\"name\":\"load_test_event\",\"data\":{\"run_id\":\"" + runId
                + "\",\"_load_test\":true}}"))
            .check(status().is(200)));

    setUp(iteration.injectOpen(workload(settings)))
        .protocols(protocol)
        .assertions(
            global().responseTime().percentile(95.0).lt(settings.p95Ms()),
            global().responseTime().percentile(99.0).lt(settings.p99Ms()),
            forAll().responseTime().percentile(95.0).lt(settings.p95Ms()),
            forAll().responseTime().percentile(99.0).lt(settings.p99Ms()),
            global().failedRequests().count().lt(settings.maxFailed()));
  }

  /** The three stages; a stage scaled to zero length is left out. */
  static List<OpenInjectionStep> workload(LoadTestSettings s) {
    List<OpenInjectionStep> steps = new ArrayList<>();
    if (!s.ramp().isZero()) {
      steps.add(rampUsersPerSec(s.rampFrom()).to(s.rampTo()).during(s.ramp()));
    }
    if (!s.hold().isZero()) {
      steps.add(constantUsersPerSec(s.holdRate()).during(s.hold()));
    }
    if (!s.cool().isZero()) {
      steps.add(rampUsersPerSec(s.holdRate()).to(s.coolTo()).during(s.cool()));
    }
    if (steps.isEmpty()) {
      throw new IllegalArgumentException("every stage is zero seconds long: nothing to run (check scale and the *Seconds parameters)");
    }
    return steps;
  }

  private static String identifyBody(String personId) {
    return "{\"email\":\"" + personId + "@loadtest.example.com\",\"_load_test\":true,\"created_at\":"
        + System.currentTimeMillis() / 1000 + "}";
  }

  @Override
  public void before() {
    if (settings.usesSimulator()) {
      CioSimulator sim = CioSimulator.builder().port(simulatorPort).rateLimit(settings.simulatorRateLimit()).build().start();
      if (settings.simulatorLatencyMs() > 0) {
        sim.faults().latency(Duration.ofMillis(settings.simulatorLatencyMs()));
      }
      simulator = sim;
      System.out.println("cio load test: in-process simulator at " + sim.baseUrl()
          + (settings.simulatorRateLimit() > 0 ? " enforcing " + settings.simulatorRateLimit() + " requests/s" : " (no rate limit)")
          + (settings.simulatorLatencyMs() > 0 ? ", every request delayed " + settings.simulatorLatencyMs() + " ms" : ""));
    }
  }

  @Override
  public void after() {
    persons.close();
    CioSimulator sim = simulator;
    if (sim != null) {
      System.out.println("cio load test: the simulator recorded " + sim.records().count(RecordedOperation.Action.IDENTIFY)
          + " identifies and " + sim.records().count(RecordedOperation.Action.EVENT) + " events; "
          + sim.stats().totalRequests() + " requests, peak " + sim.stats().peakRequestsPerSecond() + "/s");
      sim.close();
    }
    System.out.println("cio load test: " + persons.count() + " test persons (" + persons.first() + " .. " + persons.last()
        + "), one id per line in " + persons.file().toAbsolutePath());
    if (!settings.usesSimulator()) {
      System.out.println("cio load test: clean them up with: ./cio cleanup-load-test --target " + settings.baseUrl()
          + " --persons " + persons.file().toAbsolutePath());
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port for the simulator", e);
    }
  }
}
