package io.ciorelay.bench;

import io.ciorelay.delivery.outbox.AppendResult;
import io.ciorelay.delivery.outbox.Durability;
import io.ciorelay.delivery.outbox.EntryKind;
import io.ciorelay.delivery.outbox.NewEntry;
import io.ciorelay.delivery.outbox.OutboxConfig;
import io.ciorelay.delivery.outbox.SqliteOutbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Durable appends per second into the SQLite outbox: each invocation hands over 20,000 entries of
 * a typical size (about 400 bytes) and waits until the last is committed, so the score counts
 * committed appends, not hand-offs (20,000 spans several group commits, so the ASYNC commit interval
 * does not dominate). A fresh file per iteration.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class OutboxAppendBenchmark {
  private static final int BATCH = 20_000;

  @Param({"SYNC", "ASYNC"})
  public Durability durability;

  private Path dir;
  private SqliteOutbox outbox;
  private byte[] payload;
  private long n;

  @Setup(Level.Iteration)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("cio-bench-outbox");
    outbox = SqliteOutbox.open(OutboxConfig.builder()
        .path(dir.resolve("outbox.db"))
        .durability(durability)
        .maxPendingOperations(100_000_000)
        .maxPendingBytes(40L << 30)
        .build());
    payload = ("{\"type\":\"person\",\"identifiers\":{\"id\":\"person-42\"},\"action\":\"event\",\"name\":\"purchase\","
        + "\"id\":\"01JD3Z8Q6W1X7Y2V9T4R5S6P0M\",\"timestamp\":1732280000,\"attributes\":{\"sku\":\"sku-1234\","
        + "\"price\":19.99,\"currency\":\"EUR\",\"quantity\":2,\"category\":\"shoes\",\"campaign\":\"winter-sale\","
        + "\"coupon\":\"SAVE10\",\"channel\":\"web\",\"first_purchase\":false,\"cart_id\":\"c-8f2b1e\"}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  @TearDown(Level.Iteration)
  public void tearDown() throws IOException {
    outbox.close();
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long append20000AndAwaitCommit() throws Exception {
    CompletableFuture<Long> last = null;
    for (int i = 0; i < BATCH; i++) {
      AppendResult r = outbox.append(new NewEntry("person-" + (n++ & 1023), null, EntryKind.V2_OPERATION,
          payload, System.currentTimeMillis()));
      if (!r.isAccepted()) {
        throw new IllegalStateException("append refused: " + r.message());
      }
      last = r.committed();
    }
    return last.get(60, TimeUnit.SECONDS);
  }
}
