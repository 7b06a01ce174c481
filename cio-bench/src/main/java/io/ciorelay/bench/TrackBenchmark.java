package io.ciorelay.bench;

import io.ciorelay.delivery.CustomerIo;
import io.ciorelay.delivery.CustomerIoConfig;
import io.ciorelay.delivery.Receipt;
import io.ciorelay.delivery.outbox.Durability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The caller's cost of {@code CustomerIo.track()}: validation, ULID, JSON encoding and the hand-off
 * to the outbox writer, with ten realistic attributes. Delivery is paused so the measurement is
 * the caller's side only; the outbox commits in groups behind it. A fresh store per iteration.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public class TrackBenchmark {

  @Param({"ASYNC", "SYNC"})
  public Durability durability;

  private Path dir;
  private CustomerIo cio;
  private Map<String, Object> data;
  private long n;

  @Setup(Level.Iteration)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("cio-bench-track");
    cio = CustomerIo.create(CustomerIoConfig.builder()
        .credentials("bench-site", "bench-key")
        .baseUrl("http://127.0.0.1:9")
        .storagePath(dir.resolve("outbox.db"))
        .durability(durability)
        .maxPendingOperations(50_000_000)
        .maxPendingBytes(20L << 30)
        .build());
    cio.pause();
    data = new LinkedHashMap<>();
    data.put("sku", "sku-1234");
    data.put("price", 19.99);
    data.put("currency", "EUR");
    data.put("quantity", 2);
    data.put("category", "shoes");
    data.put("campaign", "winter-sale");
    data.put("coupon", "SAVE10");
    data.put("channel", "web");
    data.put("first_purchase", false);
    data.put("cart_id", "c-8f2b1e");
  }

  @TearDown(Level.Iteration)
  public void tearDown() throws IOException {
    cio.close(Duration.ofSeconds(30));
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** Counts how calls were answered, so a score made of fast refusals (outbox full) shows as such. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Answers {
    public long accepted;
    public long refused;

    @Setup(Level.Iteration)
    public void reset() {
      accepted = 0;
      refused = 0;
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public Receipt trackLatency(Answers answers) {
    return count(cio.track("person-" + (n++ & 1023), "purchase", data), answers);
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public Receipt trackThroughput(Answers answers) {
    return count(cio.track("person-" + (n++ & 1023), "purchase", data), answers);
  }

  private static Receipt count(Receipt r, Answers answers) {
    if (r.isAccepted()) {
      answers.accepted++;
    } else {
      answers.refused++;
    }
    return r;
  }
}
