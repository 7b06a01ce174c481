package io.ciorelay.server.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cio bench all} (and {@code cio bench} alone): the headline numbers of BENCHMARKS.md on this
 * machine against built-in simulators — delivery throughput under the rate limit in v2 batches
 * compared with one request per event, {@code track()} latency during that run, and relay
 * ingestion — printed as one table with the goals, and the machine it ran on. About two minutes
 * with the defaults. Not thread-safe; one instance per invocation.
 */
@Command(name = "all", mixinStandardHelpOptions = true,
    description = "The headline numbers of BENCHMARKS.md on this machine, as one table (about 2 minutes).")
public final class AllBench implements Callable<Integer> {

  @Option(names = "--events", defaultValue = "200000", description = "Operations for the batched delivery run (default ${DEFAULT-VALUE}).")
  int events;

  @Option(names = "--baseline-events", defaultValue = "1000",
      description = "Operations for the one-request-per-event run (default ${DEFAULT-VALUE}; about 80/s).")
  int baselineEvents;

  @Option(names = "--rate-limit", defaultValue = "100", description = "Workspace limit, requests/s (default ${DEFAULT-VALUE}).")
  double rateLimit;

  @Option(names = "--target", description = "Customer.io base URL for the delivery run, e.g. a `cio simulator` in "
      + "another process (default: a built-in simulator, which shares this process's CPU).")
  String target;

  @Option(names = "--warmup", defaultValue = "30s", converter = RelayBench.DurationConverter.class,
      description = "Relay single-event warm-up (default ${DEFAULT-VALUE}).")
  Duration warmup;

  @Option(names = "--duration", defaultValue = "15s", converter = RelayBench.DurationConverter.class,
      description = "Relay single-event measured period (default ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(names = "--batch-duration", defaultValue = "10s", converter = RelayBench.DurationConverter.class,
      description = "Relay v2 batch measured period (default ${DEFAULT-VALUE}).")
  Duration batchDuration;

  @Option(names = "--concurrency", defaultValue = "64", description = "Relay single-event requests in flight (default ${DEFAULT-VALUE}).")
  int concurrency;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** One line of the table. */
  record Row(String metric, String result, String goal, String met) {}

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (events < 1 || baselineEvents < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--events and --baseline-events must be at least 1");
    }
    if (batchDuration.isZero()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--batch-duration must be more than 0");
    }
    String machine = Machine.describe() + loadAverage();
    out.println("machine: " + machine);
    out.println("1/2 delivery through the library to " + (target == null ? "a built-in simulator" : target)
        + " enforcing " + fmt(rateLimit) + " requests/s");
    out.flush();
    DeliveryBench delivery = new DeliveryBench();
    delivery.events = events;
    delivery.baselineEvents = baselineEvents;
    delivery.rateLimit = rateLimit;
    delivery.target = target;
    delivery.warmupEvents = Math.min(200_000, events);
    DeliveryBench.Comparison d = delivery.measure(out);

    out.println("2/2 relay ingestion over HTTP/1.1 keep-alive connections from this process");
    out.flush();
    RelayBench relay = new RelayBench();
    relay.warmup = warmup;
    relay.duration = duration;
    relay.batchDuration = batchDuration;
    relay.concurrency = concurrency;
    relay.batchConcurrency = 16;
    relay.validate(spec.commandLine());
    RelayBench.Ingestion r = relay.measure(out);

    List<Row> rows = rows(d, r);
    out.println();
    printTable(out, rows);
    out.println("machine: " + machine);
    out.printf(Locale.ROOT, "delivered_events_per_sec=%.0f baseline_events_per_sec=%.1f ratio=%.1f track_p50_us=%.1f "
            + "track_p99_us=%.1f cpu_us_per_op=%.1f relay_rps=%.0f relay_p50_ms=%.1f relay_p99_ms=%.1f relay_errors=%d "
            + "relay_batch_events_per_sec=%.0f relay_batch_p99_ms=%.1f%n",
        d.batched().eventsPerSecond(), d.single().eventsPerSecond(), d.ratio(), DeliveryBench.us(d.batched(), 50),
        DeliveryBench.us(d.batched(), 99), d.batched().cpuMicrosPerOperation(), r.single().requestsPerSecond(), r.single().ms(50), r.single().ms(99),
        r.single().errors() + r.batch().errors(), r.batch().eventsPerSecond(), r.batch().ms(99));
    out.flush();
    return 0;
  }

  List<Row> rows(DeliveryBench.Comparison d, RelayBench.Ingestion r) {
    List<Row> rows = new ArrayList<>();
    double batched = d.batched().eventsPerSecond();
    String where = target == null ? " (built-in receiver)" : "";
    rows.add(new Row("delivered events/s, v2 batches, limit " + fmt(rateLimit) + "/s" + where,
        String.format(Locale.ROOT, "%.0f", batched), ">= 50,000, receiver in another process",
        rateLimit == 100 && target != null ? yes(batched >= DeliveryBench.GOAL_EVENTS_PER_SECOND) : "-"));
    rows.add(new Row("delivered events/s, one request per event", String.format(Locale.ROOT, "%.1f",
        d.single().eventsPerSecond()), "(baseline, ~80)", "-"));
    rows.add(new Row("batched / one per event", String.format(Locale.ROOT, "%.1fx", d.ratio()), "-", "-"));
    double cpu = d.batched().cpuMicrosPerOperation();
    rows.add(new Row("process CPU per delivered operation" + where, String.format(Locale.ROOT, "%.1f us", cpu),
        "<= 15 us, receiver in another process", target != null ? yes(cpu >= 0 && cpu <= DeliveryBench.GOAL_CPU_US) : "-"));
    double p99 = DeliveryBench.us(d.batched(), 99);
    rows.add(new Row("track() p50, during delivery", String.format(Locale.ROOT, "%.1f us", DeliveryBench.us(d.batched(), 50)),
        "-", "-"));
    rows.add(new Row("track() p99, during delivery", String.format(Locale.ROOT, "%.1f us", p99), "<= 10 us",
        yes(p99 <= DeliveryBench.GOAL_TRACK_P99_US)));
    RelayBench.Phase s = r.single();
    rows.add(new Row("relay single-event requests/s (" + concurrency + " in flight)",
        String.format(Locale.ROOT, "%.0f", s.requestsPerSecond()), ">= 25,000", yes(s.requestsPerSecond() >= 25_000)));
    rows.add(new Row("relay single-event p50", String.format(Locale.ROOT, "%.1f ms", s.ms(50)), "-", "-"));
    rows.add(new Row("relay single-event p99", String.format(Locale.ROOT, "%.1f ms", s.ms(99)), "<= 10 ms", yes(s.ms(99) <= 10)));
    rows.add(new Row("relay single-event errors", Long.toString(s.errors()), "0", yes(s.errors() == 0)));
    RelayBench.Phase b = r.batch();
    rows.add(new Row("relay v2 batch events/s (100 per request)", String.format(Locale.ROOT, "%.0f", b.eventsPerSecond()),
        ">= 100,000", yes(b.eventsPerSecond() >= 100_000)));
    rows.add(new Row("relay v2 batch p99", String.format(Locale.ROOT, "%.1f ms", b.ms(99)), "(no goal)", "-"));
    return rows;
  }

  static void printTable(PrintWriter out, List<Row> rows) {
    int w0 = "metric".length();
    int w1 = "result".length();
    int w2 = "goal (BENCHMARKS.md)".length();
    for (Row r : rows) {
      w0 = Math.max(w0, r.metric().length());
      w1 = Math.max(w1, r.result().length());
      w2 = Math.max(w2, r.goal().length());
    }
    String fmt = "| %-" + w0 + "s | %" + w1 + "s | %-" + w2 + "s | %-4s |%n";
    out.printf(Locale.ROOT, fmt, "metric", "result", "goal (BENCHMARKS.md)", "met?");
    out.println("|" + "-".repeat(w0 + 2) + "|" + "-".repeat(w1 + 2) + "|" + "-".repeat(w2 + 2) + "|------|");
    for (Row r : rows) {
      out.printf(Locale.ROOT, fmt, r.metric(), r.result(), r.goal(), r.met());
    }
  }

  private static String yes(boolean b) {
    return b ? "yes" : "no";
  }

  private static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return ", load average " + parts[0] + " " + parts[1] + " " + parts[2] + " at start";
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
