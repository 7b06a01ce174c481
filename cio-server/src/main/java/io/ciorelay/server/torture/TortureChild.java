package io.ciorelay.server.torture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ciorelay.delivery.CustomerIo;
import io.ciorelay.delivery.CustomerIoConfig;
import io.ciorelay.delivery.Receipt;
import io.ciorelay.delivery.outbox.DeadLetter;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The child JVM of a SQLite fault-schedule run: the library on an embedded outbox file, fed the
 * run's workload from a start index at a steady rate, reporting on stdout line by line (each
 * {@code println} is one write, so a line printed survives a {@code kill -9} of this process):
 *
 * <ul>
 *   <li>{@code READY} once the library is open;
 *   <li>{@code A <index>} before operation {@code index} is handed to the library;
 *   <li>{@code D <index> <eventId|->} once its {@code durable()} completed true, {@code F <index>} if false;
 *   <li>{@code R <index> <reason>} if it was refused at the call.
 * </ul>
 *
 * Commands on stdin: {@code STOP} (stop feeding; answers {@code STOPPED}), {@code REPORT} (prints
 * {@code X <person> <seq> <status> <reason>} per dead letter, then {@code REPORT-END}), {@code CLOSE}
 * (closes the library, answers {@code CLOSED}, exits).
 *
 * <p>Arguments: base URL, site id, API key, outbox file, seed, persons, start index, operations/s.
 */
public final class TortureChild {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TortureChild() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    Workload workload = new Workload(Long.parseLong(args[4]), Integer.parseInt(args[5]));
    AtomicLong next = new AtomicLong(Long.parseLong(args[6]));
    int perSecond = Integer.parseInt(args[7]);
    CustomerIo cio = CustomerIo.create(EngineSettings.configure(CustomerIoConfig.builder(), args[0], args[1], args[2])
        .storagePath(Path.of(args[3])).build());
    out.println("READY");
    ScheduledExecutorService feeder = Executors.newSingleThreadScheduledExecutor(Poll.daemon("torture-feeder"));
    int perTick = Math.max(1, perSecond / 50);
    ScheduledFuture<?> feeding = feeder.scheduleAtFixedRate(() -> {
      for (int i = 0; i < perTick; i++) {
        Workload.Op op = workload.op(next.getAndIncrement());
        out.println("A " + op.index());
        Receipt r = Workload.submit(cio, op);
        if (!r.isAccepted()) {
          out.println("R " + op.index() + " " + r.rejection().reason());
          continue;
        }
        r.durable().thenAccept(ok -> out.println((ok ? "D " : "F ") + op.index() + (ok
            ? " " + (r.eventId() == null ? "-" : r.eventId()) : "")));
      }
    }, 0, 20, TimeUnit.MILLISECONDS);
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      switch (line.trim()) {
        case "STOP" -> {
          feeding.cancel(false);
          feeder.shutdown();
          feeder.awaitTermination(10, TimeUnit.SECONDS);
          out.println("STOPPED");
        }
        case "REPORT" -> {
          long after = 0;
          while (true) {
            List<DeadLetter> page = cio.deadLetters().list(after, 1000);
            if (page.isEmpty()) {
              break;
            }
            for (DeadLetter d : page) {
              out.println("X " + describe(d));
              after = d.id();
            }
          }
          out.println("REPORT-END");
        }
        case "CLOSE" -> {
          cio.close(Duration.ofSeconds(5));
          out.println("CLOSED");
          System.exit(0);
        }
        default -> out.println("? " + line);
      }
    }
    System.exit(0);
  }

  /** {@code <person> <seq> <status> <reason>} of a dead letter. */
  static String describe(DeadLetter d) {
    Target.DeadLetterSeen s = seen(d);
    return s.person() + " " + s.seq() + " " + s.status() + " " + s.reason().replaceAll("\\s+", " ");
  }

  /** Whose operation a dead letter holds, read from its v2 payload ({@code ?} and -1 when unreadable). */
  static Target.DeadLetterSeen seen(DeadLetter d) {
    String person = "?";
    long seq = -1;
    try {
      JsonNode n = JSON.readTree(d.payload());
      person = n.path("identifiers").path("id").asText("?");
      seq = n.path("attributes").path("seq").asLong(-1);
    } catch (java.io.IOException e) {
      // reported with '?' and -1: the check then fails naming this dead letter
    }
    return new Target.DeadLetterSeen(person, seq, d.lastStatus(), String.valueOf(d.reason()));
  }
}
