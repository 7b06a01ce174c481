package io.ciorelay.delivery.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OutboxConfigTest {

  private final Path path = Path.of("build/outbox.db");

  @Test
  void defaults() {
    OutboxConfig c = OutboxConfig.builder().path(path).build();
    assertEquals(path, c.path());
    assertEquals(16, c.lanes());
    assertEquals(Durability.SYNC, c.durability());
    assertEquals(Duration.ofMillis(50), c.asyncCommitInterval());
    assertEquals(10_000_000L, c.maxPendingOperations());
    assertEquals(2L * 1024 * 1024 * 1024, c.maxPendingBytes());
    assertEquals(OverflowPolicy.REJECT, c.overflowPolicy());
    assertEquals(Duration.ZERO, c.blockTimeout());
    assertEquals(65_536, c.writerQueueCapacity());
    assertEquals(4096, c.maxGroupSize());
  }

  @Test
  void settersRejectBadValuesNamingFieldAndValue() {
    OutboxConfig.Builder b = OutboxConfig.builder();
    assertMessage("lanes must be in 1..1024 but was 0", () -> b.lanes(0));
    assertMessage("lanes must be in 1..1024 but was 1025", () -> b.lanes(1025));
    assertMessage("maxPendingOperations must be in 1..9223372036854775807 but was 0", () -> b.maxPendingOperations(0));
    assertMessage("maxPendingBytes must be in 1..9223372036854775807 but was -1", () -> b.maxPendingBytes(-1));
    assertMessage("writerQueueCapacity must be in 1..16777216 but was 0", () -> b.writerQueueCapacity(0));
    assertMessage("maxGroupSize must be in 1..1000000 but was 0", () -> b.maxGroupSize(0));
    assertMessage("asyncCommitInterval must be in (0s..PT1M] but was PT0S", () -> b.asyncCommitInterval(Duration.ZERO));
    assertMessage("blockTimeout must be >= 0s but was PT-1S", () -> b.blockTimeout(Duration.ofSeconds(-1)));
    assertEquals("path must not be null", assertThrows(NullPointerException.class, () -> b.path(null)).getMessage());
    assertThrows(NullPointerException.class, () -> b.clock(null));
    assertThrows(NullPointerException.class, () -> b.durability(null));
    assertThrows(NullPointerException.class, () -> b.overflowPolicy(null));
  }

  @Test
  void buildChecksCrossFieldRules() {
    assertEquals("path must be set",
        assertThrows(IllegalStateException.class, () -> OutboxConfig.builder().build()).getMessage());
    IllegalStateException blockWithoutTimeout = assertThrows(IllegalStateException.class,
        () -> OutboxConfig.builder().path(path).overflowPolicy(OverflowPolicy.BLOCK).build());
    assertEquals("overflowPolicy=BLOCK needs a blockTimeout above 0s but was PT0S", blockWithoutTimeout.getMessage());
    IllegalStateException timeoutWithoutBlock = assertThrows(IllegalStateException.class,
        () -> OutboxConfig.builder().path(path).blockTimeout(Duration.ofSeconds(1)).build());
    assertEquals("blockTimeout=PT1S applies only with overflowPolicy=BLOCK but was REJECT",
        timeoutWithoutBlock.getMessage());
    OutboxConfig ok = OutboxConfig.builder().path(path).overflowPolicy(OverflowPolicy.BLOCK)
        .blockTimeout(Duration.ofSeconds(1)).build();
    assertEquals(Duration.ofSeconds(1), ok.toBuilder().build().blockTimeout());
  }

  private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
    assertEquals(expected, assertThrows(IllegalArgumentException.class, call).getMessage());
  }
}
