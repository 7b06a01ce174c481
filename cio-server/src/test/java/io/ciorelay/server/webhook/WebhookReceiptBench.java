package io.ciorelay.server.webhook;

import io.ciorelay.server.webhook.WebhookFixture.Consumer;
import io.ciorelay.server.webhook.WebhookFixture.Running;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Receipt-latency benchmark: sends N signed webhooks over HTTP from a few client threads to a
 * receiver on loopback (store in a temporary directory, forwarding to a local consumer that
 * accepts everything, so forwarding runs while requests arrive) and prints the percentiles of the
 * time from sending a request to reading its 200. Every request waits for the fsync'd group commit.
 *
 * <p>Run: {@code java -cp <test classpath> io.ciorelay.server.webhook.WebhookReceiptBench [N] [threads] [warmup] [forward] [dir]}
 * (defaults 5000, 4, 1000, true, a new temporary directory).
 */
public final class WebhookReceiptBench {
  private WebhookReceiptBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 1_000;
    boolean forward = args.length <= 3 || Boolean.parseBoolean(args[3]);
    Path dir = args.length > 4 ? Files.createDirectories(Path.of(args[4])) : Files.createTempDirectory("webhook-bench");
    Files.deleteIfExists(dir.resolve("webhooks.db"));
    try (Consumer consumer = new Consumer();
        Running r = new Running(WebhookFixture.config(dir.resolve("webhooks.db"), forward ? consumer.uri() : null)
            .clock(Clock.systemUTC()).lanes(8).build())) {
      run(r, "warmup", warmup, threads);
      long start = System.nanoTime();
      long[] latencies = run(r, "measured", n, threads);
      double seconds = (System.nanoTime() - start) / 1e9;
      Arrays.sort(latencies);
      System.out.printf("webhooks=%d threads=%d forward=%s store=%s throughput=%.0f/s%n", n, threads, forward,
          dir, n / seconds);
      System.out.printf("receipt latency ms: p50=%.2f p90=%.2f p99=%.2f p99.9=%.2f max=%.2f%n",
          pct(latencies, 50), pct(latencies, 90), pct(latencies, 99), pct(latencies, 99.9),
          latencies[latencies.length - 1] / 1e6);
      WebhookStats stats = r.receiver.stats();
      System.out.printf("stored=%d forwarded-so-far=%d backlog=%d store-commits=%d%n", stats.stored(),
          stats.forwarded(), stats.backlog(), r.receiver.storeCommits());
    }
  }

  private static long[] run(Running r, String label, int n, int threads) throws Exception {
    long[] latencies = new long[n];
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(pool.submit(() -> {
          for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
            String body = WebhookFixture.event(label + "-" + i + "-" + System.nanoTime(), "person-" + (i % 500));
            long t0 = System.nanoTime();
            HttpResponse<String> response = r.post(body, System.currentTimeMillis() / 1000, WebhookFixture.KEY);
            latencies[i] = System.nanoTime() - t0;
            if (response.statusCode() != 200) {
              throw new IllegalStateException("unexpected " + response.statusCode() + " " + response.body());
            }
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    return latencies;
  }

  private static double pct(long[] sorted, double p) {
    int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, idx))] / 1e6;
  }
}
