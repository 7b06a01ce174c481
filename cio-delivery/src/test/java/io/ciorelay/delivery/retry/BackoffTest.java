package io.ciorelay.delivery.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackoffTest {

  @ParameterizedTest(name = "attempt {0}, random {1} -> {2} ms")
  @CsvSource({
      "1, 0.0, 1000",
      "2, 0.0, 2000",
      "3, 0.0, 4000",
      "1, 1.0, 1300",
      "3, 0.5, 4600",
      "7, 0.0, 60000",
      "40, 0.0, 60000",
      "40, 1.0, 78000"
  })
  void exponentialWithJitterMatchesTheReferenceSchedule(int attempt, double random, long expectedMillis) {
    Backoff b = new Backoff(RetryConfig.defaults(), () -> random);
    assertEquals(Duration.ofMillis(expectedMillis), b.delay(attempt, Optional.empty()));
  }

  @Test
  void retryAfterWinsWhenLongerAndIsCapped() {
    Backoff b = new Backoff(RetryConfig.defaults(), () -> 0.0);
    assertEquals(Duration.ofSeconds(7), b.delay(1, Optional.of(Duration.ofSeconds(7))));
    assertEquals(Duration.ofSeconds(2), b.delay(2, Optional.of(Duration.ofMillis(10))));
    assertEquals(Duration.ofMinutes(5), b.delay(1, Optional.of(Duration.ofHours(3))));
  }

  @Test
  void budgetIsSpentByAttemptsOrByTime() {
    RetryConfig c = RetryConfig.builder().maxAttempts(3).budget(Duration.ofMinutes(10)).build();
    Backoff b = new Backoff(c, () -> 0.0);
    assertFalse(b.budgetSpent(2, 1_000, 1_000 + 60_000));
    assertTrue(b.budgetSpent(3, 1_000, 1_000));
    assertTrue(b.budgetSpent(1, 1_000, 1_000 + 600_000));
    assertFalse(b.budgetSpent(1, 0, Long.MAX_VALUE / 2));
  }

  @Test
  void configRejectsBadValuesNamingTheField() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RetryConfig.builder().jitter(1.5));
    assertEquals("jitter must be in 0..1 but was 1.5", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> RetryConfig.builder().baseDelay(Duration.ZERO));
    assertEquals("baseDelay must be positive but was PT0S", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> RetryConfig.builder().maxAttempts(0));
    assertEquals("maxAttempts must be at least 1 but was 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> RetryConfig.builder().baseDelay(Duration.ofSeconds(10)).maxDelay(Duration.ofSeconds(1)).build());
    assertTrue(e.getMessage().startsWith("maxDelay must be at least baseDelay"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Backoff(RetryConfig.defaults(), () -> 0).delay(0, Optional.empty()));
  }
}
