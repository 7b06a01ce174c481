package io.ciorelay.server.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @ParameterizedTest(name = "attempt {0}, jitter {1}, random {2} -> {3} ms")
  @CsvSource({
    "1,  0.0, 0.0,   1000",
    "2,  0.0, 0.0,   2000",
    "3,  0.0, 0.0,   4000",
    "6,  0.0, 0.0,  32000",
    "7,  0.0, 0.0,  60000",
    "60, 0.0, 0.0,  60000",
    "1,  0.2, 0.5,    900",
    "1,  0.2, 0.999,  801",
    "7,  1.0, 0.5,  30000",
    "1,  1.0, 0.9999,   1",
  })
  void doublesFromBaseToCapAndTakesOffJitter(int attempt, double jitter, double random, long expected) {
    assertEquals(expected, Backoff.delayMillis(attempt, 1_000, 60_000, jitter, random));
  }

  @Test
  void attemptMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> Backoff.delayMillis(0, 1_000, 60_000, 0, 0));
  }
}
