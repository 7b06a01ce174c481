package io.ciorelay.spring;

import io.ciorelay.simulator.CioSimulator;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** A simulator for the test class and a fresh directory for each test's outbox. */
abstract class WithSimulator {
  static CioSimulator sim;
  @TempDir Path dir;

  @BeforeAll
  static void startSimulator() {
    sim = CioSimulator.builder().port(0).build().start();
  }

  @AfterAll
  static void stopSimulator() {
    sim.close();
  }

  /** Credentials, base URL and outbox of one workspace on the simulator; a short shutdown. */
  String[] simulatorProperties() {
    return new String[] {"cio.site-id=" + sim.siteId(), "cio.api-key=" + sim.apiKey(),
        "cio.base-url=" + sim.baseUrl(), "cio.storage-path=" + dir.resolve("outbox.db"), "cio.shutdown-timeout=5s"};
  }
}
