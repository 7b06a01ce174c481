package io.ciorelay.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

class CioSimulatorExtensionTest {

  @Nested
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  class StaticRegistration {
    @RegisterExtension
    static CioSimulatorExtension sim = CioSimulatorExtension.create(b -> b.siteId("s1").apiKey("k1"));
    static int firstPort;

    @Test
    @Order(1)
    void startsOnARandomPortWithTheGivenCredentials() {
      assertTrue(sim.simulator().isRunning());
      assertTrue(sim.baseUrl().startsWith("http://127.0.0.1:"));
      assertEquals("s1", sim.simulator().siteId());
      firstPort = sim.simulator().port();
      assertEquals(200, new Http(sim.simulator()).delete("/api/v1/customers/1").statusCode());
      assertEquals(1, sim.records().count());
    }

    @Test
    @Order(2)
    void resetsBetweenTestsButKeepsTheServer(CioSimulator injected) {
      assertSame(sim.simulator(), injected);
      assertEquals(firstPort, injected.port());
      assertEquals(0, sim.records().count());
      assertEquals(0, sim.stats().totalRequests());
    }
  }

  @Nested
  @ExtendWith(CioSimulatorExtension.class)
  class DeclarativeRegistration {
    @Test
    void injectsARunningSimulatorWithDefaults(CioSimulator sim) {
      assertTrue(sim.isRunning());
      assertEquals(CioSimulator.DEFAULT_SITE_ID, sim.siteId());
      assertEquals(200, new Http(sim).delete("/api/v1/customers/1").statusCode());
    }
  }

  @Test
  void closedSimulatorRefusesPortQueries() {
    CioSimulator sim = CioSimulator.builder().build().start();
    sim.close();
    sim.close();
    assertThrows(IllegalStateException.class, sim::port);
    assertThrows(IllegalStateException.class, () -> CioSimulatorExtension.create().simulator());
  }

  @Test
  void builderRejectsBadValuesNamingThem() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CioSimulator.builder().rateLimit(-1));
    assertEquals("rateLimit must be in 0..100000 but was -1", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> CioSimulator.builder().port(70000));
    assertThrows(IllegalArgumentException.class, () -> CioSimulator.builder().siteId(" "));
    assertThrows(IllegalArgumentException.class, () -> CioSimulator.builder().siteId("a:b"));
    assertThrows(IllegalArgumentException.class, () -> CioSimulator.builder().apiKey(null));
    assertThrows(IllegalArgumentException.class, () -> ScriptedResponse.of(99));
  }
}
