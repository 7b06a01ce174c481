package io.ciorelay.server.bench;

import io.ciorelay.delivery.CustomerIo;
import io.ciorelay.delivery.CustomerIoConfig;
import io.ciorelay.delivery.Receipt;
import io.ciorelay.delivery.Rejection;
import io.ciorelay.delivery.metrics.DeliveryMetrics;
import io.ciorelay.simulator.CioSimulator;
import io.micrometer.core.instrument.Timer;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cio bench delivery}: sends realistic operations through the library to a Customer.io base
 * URL (default: an in-process simulator enforcing the same rate limit), waits for delivery, and
 * reports delivered events/s, requests, operations per request, peak requests/s and the p99 of
 * {@code track()}; then sends a smaller sample one request per event under the same limit and
 * prints the ratio. The last line is {@code key=value} pairs.
 */
@Command(name = "delivery", mixinStandardHelpOptions = true,
    description = "Delivered events/s in v2 batches vs one request per event, under a rate limit.")
public final class DeliveryBench implements Callable<Integer> {

  @Option(names = "--target", description = "Customer.io base URL (default: a built-in simulator).")
  String target;

  @Option(names = "--events", defaultValue = "200000", description = "Operations to send (default ${DEFAULT-VALUE}).")
  int events;

  @Option(names = "--rate-limit", defaultValue = "100", description = "Workspace limit, requests/s (default ${DEFAULT-VALUE}).")
  double rateLimit;

  @Option(names = "--baseline-events", defaultValue = "1000",
      description = "Operations for the one-request-per-event run (default ${DEFAULT-VALUE}).")
  int baselineEvents;

  @Option(names = "--warmup-events", defaultValue = "200000",
      description = "Operations sent first and not measured, so the JIT has compiled the hot paths and the CPU per "
          + "operation is the steady state's (default ${DEFAULT-VALUE}; 0 measures from a cold start).")
  int warmupEvents;

  @Option(names = "--data", description = "Directory for the outbox files (default: a temporary directory).")
  Path data;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Issue goals the run is compared with (printed, not asserted). */
  static final double GOAL_CPU_US = 15;
  static final int GOAL_EVENTS_PER_SECOND = 50_000;
  static final double GOAL_TRACK_P99_US = 10;

  /** Results of one run. */
  record Run(long operations, double seconds, long requests, int peakRps, Histogram trackLatency, long fullWaits,
      long cpuNanos) {
    double eventsPerSecond() {
      return operations / seconds;
    }

    /** This process's CPU time (every thread: producer, library, and a built-in simulator if any) per operation. */
    double cpuMicrosPerOperation() {
      return cpuNanos < 0 ? -1 : cpuNanos / 1000.0 / operations;
    }
  }

  /** The batched run and the one-request-per-event run, under the same limit. */
  record Comparison(Run batched, Run single) {
    double ratio() {
      return batched.eventsPerSecond() / single.eventsPerSecond();
    }
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (events < 1 || baselineEvents < 1 || warmupEvents < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--events and --baseline-events must be at least 1, --warmup-events at least 0");
    }
    out.println("machine: " + Machine.describe());
    Comparison c = measure(out);
    Run batched = c.batched();
    Run single = c.single();
    double ratio = c.ratio();
    out.println();
    out.printf(Locale.ROOT, "%-28s %14s %14s%n", "", "v2 batches", "one per event");
    out.printf(Locale.ROOT, "%-28s %14d %14d%n", "operations", batched.operations(), single.operations());
    out.printf(Locale.ROOT, "%-28s %14.1f %14.1f%n", "seconds", batched.seconds(), single.seconds());
    out.printf(Locale.ROOT, "%-28s %14.0f %14.1f%n", "delivered events/s", batched.eventsPerSecond(), single.eventsPerSecond());
    out.printf(Locale.ROOT, "%-28s %14d %14d%n", "requests", batched.requests(), single.requests());
    out.printf(Locale.ROOT, "%-28s %14.1f %14.1f%n", "operations per request",
        batched.operations() / (double) Math.max(1, batched.requests()), single.operations() / (double) Math.max(1, single.requests()));
    out.printf(Locale.ROOT, "%-28s %14s %14s%n", "peak requests/s", peak(batched), peak(single));
    out.printf(Locale.ROOT, "%-28s %14.1f %14.1f%n", "track() p50 us", us(batched, 50), us(single, 50));
    out.printf(Locale.ROOT, "%-28s %14.1f %14.1f%n", "track() p99 us", us(batched, 99), us(single, 99));
    out.printf(Locale.ROOT, "%-28s %14.1f %14.1f%n", "process CPU us per operation", batched.cpuMicrosPerOperation(),
        single.cpuMicrosPerOperation());
    out.printf(Locale.ROOT, "ratio batched/one-per-event: %.1fx%n", ratio);
    out.printf(Locale.ROOT, "goals: cpu_us_per_op <= %.0f%s, delivered_events_per_sec >= %d at 100 requests/s, "
        + "track_p99_us <= %.0f (receiver in another process)%n", GOAL_CPU_US, target == null
            ? " (this run's CPU includes the built-in simulator: pass --target to measure the library alone)" : "",
        GOAL_EVENTS_PER_SECOND, GOAL_TRACK_P99_US);
    out.printf(Locale.ROOT,
        "delivered_events_per_sec=%.0f requests=%d ops_per_request=%.1f peak_rps=%s track_p50_us=%.1f "
            + "track_p99_us=%.1f cpu_us_per_op=%.1f baseline_events_per_sec=%.1f ratio=%.1f rate_limit=%s events=%d "
            + "receiver=%s%n",
        batched.eventsPerSecond(), batched.requests(), batched.operations() / (double) Math.max(1, batched.requests()),
        peak(batched), us(batched, 50), us(batched, 99), batched.cpuMicrosPerOperation(), single.eventsPerSecond(),
        ratio, fmt(rateLimit), events, target == null ? "in-process" : "external");
    out.flush();
    return 0;
  }

  /**
   * Runs both measurements against the target (a built-in simulator when none is set), printing
   * progress to {@code out}.
   */
  Comparison measure(PrintWriter out) throws Exception {
    String site = env("CIO_SITE_ID", CioSimulator.DEFAULT_SITE_ID);
    String key = env("CIO_API_KEY", CioSimulator.DEFAULT_API_KEY);
    CioSimulator sim = null;
    String url = target;
    if (url == null) {
      sim = CioSimulator.builder().siteId(site).apiKey(key).rateLimit((int) Math.ceil(rateLimit)).build().start();
      url = sim.baseUrl();
      out.println("target: built-in simulator at " + url + " enforcing " + (int) Math.ceil(rateLimit) + " requests/s");
    } else {
      out.println("target: " + url);
    }
    Path dir = data != null ? Files.createDirectories(data) : Files.createTempDirectory("cio-bench");
    out.flush();
    try {
      if (warmupEvents > 0) {
        out.printf(Locale.ROOT, "warm-up: %d operations, not measured%n", warmupEvents);
        run(url, site, key, dir.resolve("warmup.db"), warmupEvents, CustomerIoConfig.DEFAULT_MAX_BATCH_OPERATIONS, sim,
            new PrintWriter(java.io.OutputStream.nullOutputStream()));
      }
      Run batched = run(url, site, key, dir.resolve("batched.db"), events, CustomerIoConfig.DEFAULT_MAX_BATCH_OPERATIONS, sim, out);
      Run single = run(url, site, key, dir.resolve("single.db"), baselineEvents, 1, sim, out);
      return new Comparison(batched, single);
    } finally {
      if (sim != null) {
        sim.close();
      }
    }
  }

  private Run run(String url, String site, String key, Path db, int n, int maxBatch, CioSimulator sim, PrintWriter out)
      throws Exception {
    CustomerIoConfig config = CustomerIoConfig.builder()
        .workspace(maxBatch == 1 ? "bench-single" : "bench-batched")
        .credentials(site, key)
        .baseUrl(url)
        .storagePath(db)
        .rateLimit(rateLimit, 0.8)
        .maxBatchOperations(maxBatch)
        .build();
    if (sim != null) {
      sim.reset();
    }
    Histogram hist = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
    Workload w = new Workload(Math.max(1, Math.min(n / 10, 50_000)));
    long fullWaits = 0;
    int warmup = Math.min(n / 10, 20_000);
    out.printf(Locale.ROOT, "%s: sending %d operations (%s per request)...%n",
        maxBatch == 1 ? "one per event" : "v2 batches", n, maxBatch == 1 ? "1" : "up to " + maxBatch);
    out.flush();
    long cpuStart = processCpuNanos();
    try (CustomerIo cio = CustomerIo.create(config)) {
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        String person = w.nextPerson();
        boolean identify = w.nextIsIdentify();
        java.util.Map<String, Object> attrs = identify ? w.identifyAttributes() : w.eventData();
        while (true) {
          long t0 = System.nanoTime();
          Receipt r = identify ? cio.identify(person, attrs) : cio.track(person, "purchase", attrs);
          long t1 = System.nanoTime();
          if (r.isAccepted()) {
            if (i >= warmup) {
              hist.recordValue(Math.min(t1 - t0, hist.getHighestTrackableValue()));
            }
            break;
          }
          if (r.rejection().reason() != Rejection.Reason.FULL) {
            throw new IllegalStateException("operation refused: " + r);
          }
          fullWaits++;
          Thread.sleep(1);
        }
        if (i > 0 && i % Math.max(1, n / 10) == 0) {
          out.printf(Locale.ROOT, "  accepted %d, backlog %d, delivered/s %.0f%n", i, cio.health().backlog(),
              cio.health().deliveredPerSecond());
          out.flush();
        }
      }
      double acceptSeconds = (System.nanoTime() - start) / 1e9;
      cio.flush().get(2, TimeUnit.HOURS);
      double seconds = (System.nanoTime() - start) / 1e9;
      out.printf(Locale.ROOT, "  accepted all in %.1f s (%.0f/s); delivered all in %.1f s%n", acceptSeconds,
          n / acceptSeconds, seconds);
      long requests;
      int peak = -1;
      if (sim != null) {
        requests = sim.stats().totalRequests();
        peak = sim.stats().peakRequestsPerSecond();
      } else {
        requests = 0;
        for (Timer t : cio.meterRegistry().find(DeliveryMetrics.REQUESTS).timers()) {
          requests += t.count();
        }
      }
      if (cio.health().deadLetters() > 0) {
        out.println("  warning: " + cio.health().deadLetters() + " operations were dead-lettered");
      }
      long cpu = cpuStart < 0 ? -1 : processCpuNanos() - cpuStart;
      cio.close(Duration.ofSeconds(30));
      if (fullWaits > 0) {
        out.println("  the outbox was full " + fullWaits + " time(s); the sender waited 1 ms each time");
      }
      return new Run(n, seconds, requests, peak, hist, fullWaits, cpu);
    }
  }

  /** CPU time of this whole process so far, or -1 where the JVM does not report it. */
  static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  static String peak(Run r) {
    return r.peakRps() < 0 ? "n/a" : Integer.toString(r.peakRps());
  }

  static double us(Run r, double percentile) {
    return r.trackLatency().getTotalCount() == 0 ? 0 : r.trackLatency().getValueAtPercentile(percentile) / 1000.0;
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
