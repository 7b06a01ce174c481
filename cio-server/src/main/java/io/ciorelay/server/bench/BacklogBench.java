package io.ciorelay.server.bench;

import io.ciorelay.delivery.CustomerIo;
import io.ciorelay.delivery.CustomerIoConfig;
import io.ciorelay.delivery.Receipt;
import io.ciorelay.delivery.Rejection;
import io.ciorelay.delivery.outbox.Durability;
import io.ciorelay.simulator.CioSimulator;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cio bench backlog}: accepts a large backlog while delivery is paused (as during an
 * outage), reports heap used after a full GC and the outbox file size, then brings Customer.io back
 * and measures how long the backlog takes to drain. Run it with a small heap
 * ({@code CIO_JAVA_OPTS=-Xmx256m}) to show memory does not grow with the backlog.
 */
@Command(name = "backlog", mixinStandardHelpOptions = true,
    description = "Heap use with a large backlog on disk, and the time to drain it.")
public final class BacklogBench implements Callable<Integer> {

  @Option(names = "--target", description = "Customer.io base URL to drain to (default: a built-in simulator in this "
      + "process; with a small heap, run `cio simulator` separately and point here, since the simulator keeps what it accepts in memory).")
  String target;

  @Option(names = "--events", defaultValue = "1000000", description = "Backlog size (default ${DEFAULT-VALUE}).")
  int events;

  @Option(names = "--rate-limit", defaultValue = "100", description = "Workspace limit while draining (default ${DEFAULT-VALUE}).")
  double rateLimit;

  @Option(names = "--drain", negatable = true, defaultValue = "true", description = "Deliver the backlog afterwards (default ${DEFAULT-VALUE}).")
  boolean drain;

  @Option(names = "--data", description = "Directory for the outbox file (default: a temporary directory).")
  Path data;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    Path dir = data != null ? Files.createDirectories(data) : Files.createTempDirectory("cio-bench-backlog");
    out.println("machine: " + Machine.describe());
    String site = env("CIO_SITE_ID", CioSimulator.DEFAULT_SITE_ID);
    String key = env("CIO_API_KEY", CioSimulator.DEFAULT_API_KEY);
    try (CioSimulator sim = target != null ? null
        : CioSimulator.builder().siteId(site).apiKey(key).rateLimit((int) Math.ceil(rateLimit)).build().start()) {
      String url = target != null ? target : sim.baseUrl();
      out.println("drain target: " + (target != null ? target : "built-in simulator at " + url));
      CustomerIoConfig config = CustomerIoConfig.builder()
          .credentials(site, key)
          .baseUrl(url)
          .storagePath(dir.resolve("backlog.db"))
          .durability(Durability.ASYNC)
          .rateLimit(rateLimit, 0.8)
          .build();
      Workload w = new Workload(Math.max(1, Math.min(events / 10, 100_000)));
      long fullWaits = 0;
      try (CustomerIo cio = CustomerIo.create(config)) {
        // Delivery paused: the backlog builds on disk as it would during an outage.
        cio.pause();
        long start = System.nanoTime();
        for (int i = 0; i < events; i++) {
          String person = w.nextPerson();
          boolean identify = w.nextIsIdentify();
          java.util.Map<String, Object> attrs = identify ? w.identifyAttributes() : w.eventData();
          while (true) {
            Receipt r = identify ? cio.identify(person, attrs) : cio.track(person, "purchase", attrs);
            if (r.isAccepted()) {
              break;
            }
            if (r.rejection().reason() != Rejection.Reason.FULL) {
              throw new IllegalStateException("operation refused: " + r);
            }
            fullWaits++;
            Thread.sleep(1);
          }
          if (i > 0 && i % Math.max(1, events / 10) == 0) {
            out.printf(Locale.ROOT, "  accepted %d (heap used %d MB)%n", i, mem.getHeapMemoryUsage().getUsed() >> 20);
            out.flush();
          }
        }
        double acceptSeconds = (System.nanoTime() - start) / 1e9;
        while (cio.health().backlog() < events) {
          Thread.sleep(50);
        }
        System.gc();
        long heapAfterGc = mem.getHeapMemoryUsage().getUsed();
        long fileBytes = Files.size(dir.resolve("backlog.db")) + sizeOr0(dir.resolve("backlog.db-wal"));
        out.printf(Locale.ROOT, "backlog %d operations on disk (%d MB in the outbox file), heap used after GC %d MB, "
            + "max heap %d MB; accepted at %.0f/s%s%n", cio.health().backlog(), fileBytes >> 20, heapAfterGc >> 20,
            Runtime.getRuntime().maxMemory() >> 20, events / acceptSeconds,
            fullWaits > 0 ? " (the outbox was full " + fullWaits + " times; waited 1 ms each)" : "");
        double drainSeconds = 0;
        if (drain) {
          cio.resume();
          long d0 = System.nanoTime();
          cio.flush().get(4, TimeUnit.HOURS);
          drainSeconds = (System.nanoTime() - d0) / 1e9;
          out.printf(Locale.ROOT, "drained in %.1f s (%.0f events/s)%s; dead letters: %d%n", drainSeconds,
              events / drainSeconds, sim == null ? "" : " with " + sim.stats().totalRequests()
                  + " requests; recorded by the simulator: " + sim.records().count(), cio.health().deadLetters());
        }
        cio.close(Duration.ofSeconds(30));
        out.printf(Locale.ROOT, "backlog_events=%d heap_after_gc_mb=%d max_heap_mb=%d outbox_mb=%d drain_seconds=%.1f%n",
            events, heapAfterGc >> 20, Runtime.getRuntime().maxMemory() >> 20, fileBytes >> 20, drainSeconds);
        out.flush();
      }
    }
    return 0;
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }

  private static long sizeOr0(Path p) {
    try {
      return Files.exists(p) ? Files.size(p) : 0;
    } catch (java.io.IOException e) {
      return 0;
    }
  }
}
