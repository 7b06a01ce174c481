package io.ciorelay.delivery.outbox;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Run in a child JVM by {@link CrashRecoveryTest}: appends forever in SYNC mode from several
 * threads and prints {@code <seq> <payload>} once each entry's commit future completes, until it
 * is killed.
 */
public final class CrashChild {
  private CrashChild() {}

  public static void main(String[] args) {
    Path path = Path.of(args[0]);
    int threads = Integer.parseInt(args[1]);
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    SqliteOutbox outbox = SqliteOutbox.open(OutboxConfig.builder().path(path).lanes(8)
        .overflowPolicy(OverflowPolicy.BLOCK).blockTimeout(Duration.ofMinutes(5)).build());
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Thread worker = new Thread(() -> {
        for (long i = 0; ; i++) {
          String payload = "t" + thread + "-" + i;
          AppendResult r = outbox.append(new NewEntry("person-" + (i % 97), "ev-" + payload, EntryKind.V2_OPERATION,
              payload.getBytes(StandardCharsets.UTF_8), System.currentTimeMillis()));
          if (!r.isAccepted()) {
            System.err.println("rejected: " + r.reason() + " " + r.message());
            return;
          }
          r.committed().thenAccept(seq -> {
            synchronized (out) {
              out.println(seq + " " + payload);
              out.flush();
            }
          });
        }
      }, "crash-child-" + t);
      worker.start();
    }
  }
}
