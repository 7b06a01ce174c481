package example;

import io.ciorelay.delivery.CustomerIo;
import io.ciorelay.delivery.CustomerIoConfig;
import io.ciorelay.delivery.Receipt;
import io.ciorelay.delivery.ShutdownReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** README.md's library snippet as an application runs it. Not thread-safe. */
public final class Signup {
  private Signup() {}

  /** Tracks and identifies one person, waits for the disk, closes; returns what happened. */
  public static String run(String baseUrl, Path outbox) throws Exception {
    CustomerIo cio = CustomerIo.create(CustomerIoConfig.builder()
        .credentials("site-id", "api-key")
        .baseUrl(baseUrl)
        .storagePath(outbox)
        .build());
    Receipt r = cio.track("user-42", "purchase", Map.of("sku", "A-1", "price", 19.99));
    boolean durable = r.durable().get(10, TimeUnit.SECONDS);
    cio.identify("user-42", Map.of("email", "ada@example.com", "plan", "pro"));
    ShutdownReport report = cio.close(Duration.ofSeconds(1));
    return "accepted=" + r.isAccepted() + " durable=" + durable + " accepted operations=" + report.accepted();
  }
}
