package io.ciorelay.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class CustomerIoConfigTest {

  /**
   * Regression: the flattened setters (the client's timeouts, the outbox's caps and lanes) took any
   * value and only {@code build()} refused it, against the class's promise, so a caller binding
   * settings one by one could not tell which one was wrong.
   */
  @Test
  void flattenedSettersRejectBadValuesAtOnceNamingFieldAndValue() {
    CustomerIoConfig.Builder b = CustomerIoConfig.builder();
    assertRejects("connectTimeout must be positive but was PT0S", () -> b.connectTimeout(Duration.ZERO));
    assertRejects("requestTimeout must be positive but was PT-1S", () -> b.requestTimeout(Duration.ofSeconds(-1)));
    assertRejects("asyncCommitInterval must be in (0s..PT1M] but was PT2M",
        () -> b.asyncCommitInterval(Duration.ofMinutes(2)));
    assertRejects("maxPendingOperations must be in 1..9223372036854775807 but was 0", () -> b.maxPendingOperations(0));
    assertRejects("maxPendingBytes must be in 1..9223372036854775807 but was -5", () -> b.maxPendingBytes(-5));
    assertRejects("blockTimeout must be >= 0s but was PT-1S", () -> b.blockTimeout(Duration.ofSeconds(-1)));
    assertRejects("lanes must be in 1..1024 but was 0", () -> b.lanes(0));
    assertRejects("baseUrl must be an absolute http or https URI with a host and no user info, query or fragment "
        + "but was ftp://x", () -> b.baseUrl("ftp://x"));
    assertRejects("linger must be in 0..PT1M but was PT2M", () -> b.linger(Duration.ofMinutes(2)));
  }

  @Test
  void acceptedValuesReachTheBuiltConfig() {
    CustomerIoConfig c = CustomerIoConfig.builder().credentials("s", "k").connectTimeout(Duration.ofSeconds(2))
        .requestTimeout(Duration.ofSeconds(3)).lanes(4).maxPendingOperations(9).build();
    assertEquals(Duration.ofSeconds(2), c.client().connectTimeout());
    assertEquals(Duration.ofSeconds(3), c.client().requestTimeout());
    assertEquals(4, c.outbox().lanes());
    assertEquals(9, c.outbox().maxPendingOperations());
  }

  private static void assertRejects(String message, Executable e) {
    assertEquals(message, assertThrows(IllegalArgumentException.class, e).getMessage());
  }
}
