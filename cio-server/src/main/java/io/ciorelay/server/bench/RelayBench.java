package io.ciorelay.server.bench;

import io.ciorelay.server.relay.RelayConfig;
import io.ciorelay.server.relay.RelayServer;
import io.ciorelay.simulator.CioSimulator;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cio bench relay}: starts a relay in this process (durable 200s, SYNC, on a temporary data
 * directory) delivering to a built-in simulator, and drives it over HTTP/1.1 keep-alive connections
 * ({@link KeepAliveConnection}, one thread each): single-event requests
 * ({@code POST /api/v1/customers/{id}/events}, Basic auth) on a fixed number of connections, a
 * warm-up and then a measured period; then v2 batches of 100 events. Latency is send-to-answer per
 * request (closed loop, as wrk measures), in HdrHistogram.
 *
 * <p>The load generator, the relay, its SQLite writer and the simulator share this machine's cores
 * (and here one JVM), as in BENCHMARKS.md. Not thread-safe; one instance per invocation.
 */
@Command(name = "relay", mixinStandardHelpOptions = true,
    description = "Relay ingestion: single-event requests/s and latency, and v2 batch events/s, on an in-process relay.")
public final class RelayBench implements Callable<Integer> {
  static final String SINGLE_EVENT_BODY = "{\"name\":\"purchase\",\"data\":{\"sku\":\"sku-1234\",\"price\":19.99,"
      + "\"currency\":\"EUR\",\"quantity\":2,\"category\":\"shoes\",\"campaign\":\"winter-sale\",\"coupon\":\"SAVE10\","
      + "\"channel\":\"web\",\"first_purchase\":false,\"cart_id\":\"c-8f2b1e\"}}";
  static final int BATCH_EVENTS = 100;

  @Option(names = "--warmup", defaultValue = "30s", converter = DurationConverter.class,
      description = "Single-event warm-up before measuring (JIT; default ${DEFAULT-VALUE}).")
  Duration warmup;

  @Option(names = "--duration", defaultValue = "15s", converter = DurationConverter.class,
      description = "Measured single-event period (default ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(names = "--batch-duration", defaultValue = "10s", converter = DurationConverter.class,
      description = "Measured v2 batch period; 0 skips it (default ${DEFAULT-VALUE}).")
  Duration batchDuration;

  @Option(names = "--concurrency", defaultValue = "64", description = "Single-event connections, one request in flight each (default ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--batch-concurrency", defaultValue = "16", description = "Batch requests in flight (default ${DEFAULT-VALUE}).")
  int batchConcurrency;

  @Option(names = "--data", description = "Directory for the relay's outbox (default: a temporary directory).")
  Path data;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** What one load phase measured. */
  record Phase(long ok, long errors, double seconds, Histogram latency, int eventsPerRequest) {
    double requestsPerSecond() {
      return ok / seconds;
    }

    double eventsPerSecond() {
      return ok * (double) eventsPerRequest / seconds;
    }

    double ms(double percentile) {
      return latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(percentile) / 1e6;
    }
  }

  /** The single-event and batch phases. */
  record Ingestion(Phase single, Phase batch) {}

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    validate(spec.commandLine());
    out.println("machine: " + Machine.describe());
    Ingestion r = measure(out);
    out.printf(Locale.ROOT, "single event: %.0f requests/s, p50 %.1f ms, p99 %.1f ms, %d errors%n",
        r.single().requestsPerSecond(), r.single().ms(50), r.single().ms(99), r.single().errors());
    if (r.batch() != null) {
      out.printf(Locale.ROOT, "v2 batch of %d: %.0f events/s (%.0f requests/s), p50 %.1f ms, p99 %.1f ms, %d errors%n",
          BATCH_EVENTS, r.batch().eventsPerSecond(), r.batch().requestsPerSecond(), r.batch().ms(50), r.batch().ms(99),
          r.batch().errors());
    }
    out.flush();
    return 0;
  }

  void validate(CommandLine cl) {
    if (concurrency < 1 || batchConcurrency < 1) {
      throw new CommandLine.ParameterException(cl, "--concurrency and --batch-concurrency must be at least 1");
    }
    if (duration.isZero()) {
      throw new CommandLine.ParameterException(cl, "--duration must be more than 0");
    }
  }

  /** Starts a simulator and a relay, runs the phases, stops both. Progress goes to {@code out}. */
  Ingestion measure(PrintWriter out) throws Exception {
    Path dir = data != null ? Files.createDirectories(data) : Files.createTempDirectory("cio-bench-relay");
    try {
      return measure(dir, out);
    } finally {
      if (data == null) {
        deleteTree(dir);
      }
    }
  }

  private Ingestion measure(Path dir, PrintWriter out) throws Exception {
    try (CioSimulator sim = CioSimulator.builder().rateLimit(0).build().start()) {
      RelayConfig config = RelayConfig.builder()
          .host("127.0.0.1")
          .port(0)
          .dataDir(dir)
          .target(URI.create(sim.baseUrl()))
          .credentials(sim.siteId(), sim.apiKey())
          .shutdownTimeout(Duration.ofSeconds(2))
          .build();
      RelayServer relay = RelayServer.builder(config).build().start();
      try {
        String auth = "Basic " + Base64.getEncoder().encodeToString(
            (sim.siteId() + ":" + sim.apiKey()).getBytes(StandardCharsets.UTF_8));
        String host = "127.0.0.1:" + relay.port();
        String headers = "Authorization: " + auth + "\r\nContent-Type: application/json\r\n";
        byte[] single = SINGLE_EVENT_BODY.getBytes(StandardCharsets.UTF_8);
        LongFunction<byte[]> singleRequest = n -> KeepAliveConnection.request("POST",
            "/api/v1/customers/bench-" + (n % 100_000) + "/events", host, headers, single);
        String base = relay.baseUrl();
        out.printf(Locale.ROOT, "relay at %s (SYNC: every 200 after fsync) delivering to a simulator; "
            + "single-event warm-up %s, then measuring %s at %d in flight...%n", base, human(warmup), human(duration),
            concurrency);
        out.flush();
        if (!warmup.isZero()) {
          drive(relay.port(), singleRequest, concurrency, warmup, 1);
        }
        Phase s = drive(relay.port(), singleRequest, concurrency, duration, 1);
        Phase b = null;
        if (!batchDuration.isZero()) {
          byte[] batch = KeepAliveConnection.request("POST", "/api/v2/batch", host, headers, batchBody());
          LongFunction<byte[]> batchRequest = n -> batch;
          out.printf(Locale.ROOT, "v2 batches of %d events for %s at %d in flight...%n", BATCH_EVENTS,
              human(batchDuration), batchConcurrency);
          out.flush();
          b = drive(relay.port(), batchRequest, batchConcurrency, batchDuration, BATCH_EVENTS);
        }
        return new Ingestion(s, b);
      } finally {
        relay.stop();
      }
    }
  }

  /**
   * Keeps {@code connections} requests in flight for {@code length}, one thread and one keep-alive
   * connection each; counts only 200s and times every answer.
   */
  static Phase drive(int port, LongFunction<byte[]> requests, int connections, Duration length, int eventsPerRequest)
      throws InterruptedException {
    Histogram latency = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(60), 3);
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong sequence = new AtomicLong();
    long start = System.nanoTime();
    long end = start + length.toNanos();
    List<Thread> threads = new ArrayList<>(connections);
    for (int i = 0; i < connections; i++) {
      Thread t = new Thread(() -> {
        try (KeepAliveConnection c = new KeepAliveConnection("127.0.0.1", port)) {
          while (System.nanoTime() < end) {
            byte[] request = requests.apply(sequence.getAndIncrement());
            long t0 = System.nanoTime();
            try {
              int status = c.exchange(request);
              long t1 = System.nanoTime();
              if (status == 200) {
                latency.recordValue(Math.min(t1 - t0, latency.getHighestTrackableValue()));
                ok.incrementAndGet();
              } else {
                errors.incrementAndGet();
              }
            } catch (java.io.IOException e) {
              errors.incrementAndGet();
            }
          }
        }
      }, "bench-load-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join(); // the requests still in flight at the end finish inside the measured time
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Phase(ok.get(), errors.get(), seconds, latency, eventsPerRequest);
  }

  private static void deleteTree(Path dir) {
    try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException e) {
      // a temporary directory; the OS cleans it up eventually
    }
  }

  private static byte[] batchBody() {
    StringBuilder b = new StringBuilder("{\"batch\":[");
    for (int i = 1; i <= BATCH_EVENTS; i++) {
      if (i > 1) {
        b.append(',');
      }
      b.append("{\"type\":\"person\",\"identifiers\":{\"id\":\"bench-").append(i).append("\"},\"action\":\"event\",")
          .append("\"name\":\"purchase\",\"attributes\":{\"sku\":\"sku-").append(i).append("\",\"price\":19.99,")
          .append("\"currency\":\"EUR\",\"quantity\":2,\"category\":\"shoes\",\"campaign\":\"winter-sale\",")
          .append("\"coupon\":\"SAVE10\",\"channel\":\"web\",\"first_purchase\":false,\"cart_id\":\"c-8f2b1e\"}}");
    }
    return b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
  }

  static String human(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  /** Reads {@code 30s}, {@code 500ms}, {@code 2m} or a number of seconds. */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String v = value.trim().toLowerCase(Locale.ROOT);
      try {
        if (v.endsWith("ms")) {
          return nonNegative(Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2))), value);
        }
        if (v.endsWith("s")) {
          return nonNegative(Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000)), value);
        }
        if (v.endsWith("m")) {
          return nonNegative(Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 60_000)), value);
        }
        return nonNegative(Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000)), value);
      } catch (NumberFormatException e) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not a duration (e.g. 30s, 500ms, 2m)");
      }
    }

    private static Duration nonNegative(Duration d, String value) {
      if (d.isNegative()) {
        throw new CommandLine.TypeConversionException("'" + value + "' is negative");
      }
      return d;
    }
  }
}
