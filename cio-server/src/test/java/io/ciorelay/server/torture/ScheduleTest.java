package io.ciorelay.server.torture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScheduleTest {
  @Test
  void theSameSeedGivesTheSameScheduleAndAnotherSeedAnother() {
    Schedule a = Schedule.generate(42, Duration.ofMinutes(5), FaultKind.all(), Duration.ofSeconds(10));
    assertEquals(a, Schedule.generate(42, Duration.ofMinutes(5), FaultKind.all(), Duration.ofSeconds(10)));
    assertNotEquals(a, Schedule.generate(43, Duration.ofMinutes(5), FaultKind.all(), Duration.ofSeconds(10)));
  }

  @Test
  void windowsFitTheRunDoNotOverlapAndUseOnlyTheGivenKinds() {
    Set<FaultKind> kinds = EnumSet.of(FaultKind.CONNECTION_RESET, FaultKind.STORE_RESTART);
    Schedule s = Schedule.generate(7, Duration.ofMinutes(10), kinds, Duration.ofSeconds(10));
    assertTrue(s.windows().size() > 20, "windows: " + s.windows().size());
    long previousEnd = 0;
    for (Schedule.Window w : s.windows()) {
      assertTrue(kinds.contains(w.kind()), w.toString());
      assertTrue(w.startMillis() > previousEnd, w.toString());
      assertTrue(w.endMillis() <= Duration.ofMinutes(10).toMillis(), w.toString());
      previousEnd = w.endMillis();
    }
    assertEquals(kinds, s.windows().stream().map(Schedule.Window::kind).collect(java.util.stream.Collectors.toSet()));
  }

  @Test
  void faultNamesParseAndUnknownOnesAreRefusedNamingTheAcceptedOnes() {
    assertEquals(EnumSet.of(FaultKind.NOT_FOUND, FaultKind.REDIRECT), FaultKind.parse("404, 3xx"));
    assertEquals(FaultKind.all(), FaultKind.parse("all"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FaultKind.parse("5xx,sideways"));
    assertTrue(e.getMessage().contains("sideways") && e.getMessage().contains("lost-ack"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> FaultKind.parse(" , "));
  }
}
