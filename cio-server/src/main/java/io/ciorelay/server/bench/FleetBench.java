package io.ciorelay.server.bench;

import io.ciorelay.delivery.CustomerIo;
import io.ciorelay.delivery.CustomerIoConfig;
import io.ciorelay.delivery.Receipt;
import io.ciorelay.delivery.ratelimit.RateLimitConfig;
import io.ciorelay.redis.RedisKeys;
import io.ciorelay.redis.RedisOutbox;
import io.ciorelay.redis.RedisRateLimiter;
import io.ciorelay.redis.RedisStoreConfig;
import io.ciorelay.simulator.CioSimulator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cio bench fleet}: delivered events/s with 1, 2, 3… relays sharing one Redis store and one
 * workspace limit, and the Redis round trips each delivered batch costs. Each relay is a
 * {@link CustomerIo} on the Redis outbox and the fleet-wide limiter, in this process (so on a small
 * machine they share its cores). A backlog is queued while delivery is paused, then every relay
 * resumes and the drain is timed at the built-in simulator.
 */
@Command(name = "fleet", mixinStandardHelpOptions = true,
    description = "Delivered events/s with 1, 2, 3 relays on one Redis store, and Redis round trips per batch.")
public final class FleetBench implements Callable<Integer> {

  @Option(names = "--redis", defaultValue = "redis://127.0.0.1:6379/0", description = "Redis to use (default ${DEFAULT-VALUE}); "
      + "the bench's keys get a fresh prefix and are deleted afterwards.")
  String redis;

  @Option(names = "--relays", split = ",", defaultValue = "1,2,3", description = "Fleet sizes to measure (default ${DEFAULT-VALUE}).")
  List<Integer> relays;

  @Option(names = "--events", defaultValue = "60000", description = "Backlog drained per fleet size (default ${DEFAULT-VALUE}).")
  int events;

  @Option(names = "--rate-limit", defaultValue = "100", description = "The workspace limit, requests/s, used at 80 % (default ${DEFAULT-VALUE}).")
  double rateLimit;

  @Option(names = "--max-batch", defaultValue = "100", description = "Operations per request (default ${DEFAULT-VALUE}).")
  int maxBatch;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  record Row(int relays, double eventsPerSecond, long requests, double roundTripsPerBatch, double pollsPerSecond,
      long peakPerSecond) {}

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    String redisShown;
    try {
      redisShown = RedisStoreConfig.builder().uri(redis).build().describe();
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("cio bench fleet: --redis: " + e.getMessage());
      return 2;
    }
    for (int n : relays) {
      if (n < 1 || n > 16) {
        spec.commandLine().getErr().println("cio bench fleet: --relays values must be in 1..16 but one was " + n);
        return 2;
      }
    }
    out.println("machine: " + Machine.describe());
    out.printf(Locale.ROOT, "fleet bench: %d events per run, workspace limit %.0f requests/s (used at 80 %%), up to %d operations "
        + "per request, Redis %s%n", events, rateLimit, maxBatch, redisShown);
    List<Row> rows = new ArrayList<>();
    for (int n : relays) {
      rows.add(run(n, out));
    }
    out.println();
    out.println("| relays | delivered events/s | requests | Redis round trips per delivered batch | polls/s (all relays) | peak requests in 1 s |");
    out.println("|---|---|---|---|---|---|");
    for (Row r : rows) {
      out.printf(Locale.ROOT, "| %d | %,.0f | %d | %.1f | %.0f | %d |%n", r.relays(), r.eventsPerSecond(), r.requests(),
          r.roundTripsPerBatch(), r.pollsPerSecond(), r.peakPerSecond());
    }
    out.flush();
    return 0;
  }

  private Row run(int n, PrintWriter out) throws Exception {
    String prefix = "cio-bench-" + Long.toHexString(System.nanoTime());
    Path dir = Files.createTempDirectory("cio-bench-fleet");
    List<CustomerIo> fleet = new ArrayList<>();
    List<RedisRateLimiter> limiters = new ArrayList<>();
    List<SimpleMeterRegistry> registries = new ArrayList<>();
    try (CioSimulator sim = CioSimulator.builder().rateLimit(0).build().start()) {
      RateLimitConfig limit = RateLimitConfig.of(rateLimit, 0.8);
      for (int i = 0; i < n; i++) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RedisStoreConfig store = RedisStoreConfig.builder().uri(redis).prefix(prefix).workspace("bench")
            .meterRegistry(registry).build();
        RedisRateLimiter limiter = RedisRateLimiter.create(store, limit);
        CustomerIo cio = CustomerIo.create(CustomerIoConfig.builder()
            .workspace("bench")
            .credentials(sim.siteId(), sim.apiKey())
            .baseUrl(sim.baseUrl())
            .storagePath(dir.resolve("unused-" + i + ".db"))
            .outboxFactory(RedisOutbox.factory(store))
            .rateLimiter(limiter)
            .maxBatchOperations(maxBatch)
            .linger(Duration.ofMillis(50))
            .meterRegistry(registry)
            .build());
        cio.pause();
        fleet.add(cio);
        limiters.add(limiter);
        registries.add(registry);
      }
      // Let the relays spread the shards between them before the backlog is queued.
      Thread.sleep(1_500);
      Workload w = new Workload(Math.max(1, events / 10));
      CompletableFuture<?> last = CompletableFuture.completedFuture(null);
      for (int i = 0; i < events; i++) {
        Receipt r = fleet.get(i % n).track(w.nextPerson(), "purchase", w.eventData());
        if (!r.isAccepted()) {
          throw new IllegalStateException("not accepted: " + r);
        }
        last = r.durable();
      }
      last.get(5, TimeUnit.MINUTES);
      double before = roundTrips(registries, true);
      double pollsBefore = roundTrips(registries, false);
      long t0 = System.nanoTime();
      fleet.forEach(CustomerIo::resume);
      while (sim.records().count() < events) {
        Thread.sleep(20);
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      double trips = roundTrips(registries, true) - before;
      double polls = roundTrips(registries, false) - pollsBefore;
      long requests = sim.stats().totalRequests();
      Row row = new Row(n, events / seconds, requests, trips / Math.max(1, requests), polls / seconds,
          sim.stats().peakRequestsPerSecond());
      out.printf(Locale.ROOT, "  %d relay(s): %d events delivered in %.1f s (%,.0f events/s), %d requests, %.1f Redis round trips "
          + "per batch besides polling%n", n, events, seconds, row.eventsPerSecond(), requests, row.roundTripsPerBatch());
      out.flush();
      return row;
    } finally {
      fleet.forEach(c -> c.close(Duration.ofSeconds(5)));
      limiters.forEach(RedisRateLimiter::close);
      RedisKeys.deletePrefix(redis, prefix);
    }
  }

  /** Round trips counted by the stores and limiters: delivery ones (everything but polling) or polling only. */
  private static double roundTrips(List<SimpleMeterRegistry> registries, boolean delivery) {
    double sum = 0;
    for (SimpleMeterRegistry r : registries) {
      for (Counter c : r.find("cio.redis.round.trips").counters()) {
        boolean poll = "tick".equals(c.getId().getTag("op"));
        boolean append = "append".equals(c.getId().getTag("op"));
        if (delivery ? !poll && !append : poll) {
          sum += c.count();
        }
      }
    }
    return sum;
  }
}
