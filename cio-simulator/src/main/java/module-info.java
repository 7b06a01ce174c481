/**
 * A Customer.io Track API simulator on a local port, for tests: scripted responses and faults,
 * and a record of every request. Only {@code io.ciorelay.simulator} is the API.
 */
module io.ciorelay.simulator {
  requires io.javalin;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;
  requires static transitive org.junit.jupiter.api; // CioSimulatorExtension, for JUnit tests only

  exports io.ciorelay.simulator;
}
