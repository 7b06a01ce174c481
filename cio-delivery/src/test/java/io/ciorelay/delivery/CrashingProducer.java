package io.ciorelay.delivery;

import io.ciorelay.delivery.outbox.Durability;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * A child process for crash tests: accepts events in SYNC mode as fast as it can and prints
 * {@code CONFIRMED <eventId>} once each is durable. The parent kills it with {@code kill -9}.
 *
 * <p>Arguments: base URL, site id, API key, storage directory, number of events.
 */
public final class CrashingProducer {
  private CrashingProducer() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
        StandardCharsets.UTF_8);
    CustomerIoConfig config = CustomerIoConfig.builder()
        .credentials(args[1], args[2])
        .baseUrl(args[0])
        .storagePath(Path.of(args[3]).resolve("outbox.db"))
        .durability(Durability.SYNC)
        .lanes(8)
        .linger(Duration.ofMillis(20))
        // Slow delivery (about 200 operations/s) so a backlog is certain at the moment of the kill.
        .rateLimit(5, 0.8)
        .maxBatchOperations(50)
        .build();
    int n = Integer.parseInt(args[4]);
    CustomerIo cio = CustomerIo.create(config);
    Semaphore inFlight = new Semaphore(256);
    out.println("READY");
    for (int i = 0; i < n; i++) {
      inFlight.acquire();
      // The id is printed before the call, so every id that could reach Customer.io is known.
      String id = com.github.f4b6a3.ulid.UlidCreator.getMonotonicUlid().toString();
      out.println("ACCEPTING " + id);
      Receipt r = cio.submit(io.ciorelay.client.Operation.event(io.ciorelay.client.Identifiers.id("person-" + (i % 100)),
          "crash-test", Map.of("seq", i)).withId(id));
      if (!r.isAccepted()) {
        out.println("REJECTED " + r);
        inFlight.release();
        continue;
      }
      r.durable().thenAccept(ok -> {
        if (ok) {
          out.println("CONFIRMED " + r.eventId());
        }
        inFlight.release();
      });
    }
    out.println("DONE");
    Thread.sleep(Long.MAX_VALUE);
  }
}
