package io.ciorelay.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadTestSettingsTest {
  private static final Map<String, String> CREDENTIALS = Map.of("CIO_SITE_ID", "site", "CIO_API_KEY", "secret-key");

  private static LoadTestSettings settings(Map<String, String> props, Map<String, String> env) {
    return LoadTestSettings.from(props::get, env);
  }

  @Test
  void defaultsAreTheReferenceWorkloadAgainstTheSimulator() {
    LoadTestSettings s = settings(Map.of(), Map.of());
    assertTrue(s.usesSimulator());
    assertEquals(10, s.rampFrom());
    assertEquals(50, s.rampTo());
    assertEquals(Duration.ofSeconds(30), s.ramp());
    assertEquals(80, s.holdRate());
    assertEquals(Duration.ofSeconds(60), s.hold());
    assertEquals(10, s.coolTo());
    assertEquals(Duration.ofSeconds(30), s.cool());
    assertEquals(500, s.p95Ms());
    assertEquals(2000, s.p99Ms());
    assertEquals(50, s.maxFailed());
    assertEquals(900 + 4800 + 1350, s.expectedIterations());
  }

  @Test
  void scaleShortensEveryStageButKeepsTheRates() {
    LoadTestSettings s = settings(Map.of("scale", "0.1", "runId", "r1", "personsDir", "/tmp/x"), Map.of());
    assertEquals(Duration.ofSeconds(3), s.ramp());
    assertEquals(Duration.ofSeconds(6), s.hold());
    assertEquals(Duration.ofSeconds(3), s.cool());
    assertEquals(80, s.holdRate());
    assertEquals(Path.of("/tmp/x/load-test-persons-r1.txt"), s.personsFile());
  }

  @Test
  void scaledStagesAreWholeSecondsAndAtLeastOne() {
    LoadTestSettings s = settings(Map.of("scale", "0.03"), Map.of());
    assertEquals(Duration.ofSeconds(1), s.ramp());
    assertEquals(Duration.ofSeconds(2), s.hold());
    assertEquals(Duration.ofSeconds(1), s.cool());
    assertEquals(Duration.ZERO, settings(Map.of("holdSeconds", "0"), Map.of()).hold());
  }

  @Test
  void environmentVariablesAreTheFallbackAndPropertiesWin() {
    Map<String, String> env = Map.of("CIO_LOAD_HOLD_RATE", "40", "CIO_LOAD_HOLD_SECONDS", "5");
    assertEquals(40, settings(Map.of(), env).holdRate());
    assertEquals(Duration.ofSeconds(5), settings(Map.of(), env).hold());
    assertEquals(20, settings(Map.of("holdRate", "20"), env).holdRate());
  }

  @Test
  void aUrlTargetNeedsCredentialsAndDropsApiV1() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> settings(Map.of("target", "http://127.0.0.1:8080"), Map.of()));
    assertTrue(e.getMessage().contains("CIO_SITE_ID and CIO_API_KEY"), e.getMessage());
    LoadTestSettings s = settings(Map.of("target", "http://127.0.0.1:8080/api/v1/"), CREDENTIALS);
    assertEquals(URI.create("http://127.0.0.1:8080"), s.baseUrl());
    assertFalse(s.toString().contains("secret-key"), s.toString());
  }

  @Test
  void customerIoHostsAreRefusedUnlessAllowed() {
    for (String url : new String[] {"https://track.customer.io", "https://track-eu.customer.io/api/v1",
        "https://TRACK.Customer.IO.", "https://customer.io", "https://api.customer.io"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> settings(Map.of("target", url), CREDENTIALS), url);
      assertTrue(e.getMessage().contains("refusing to load-test") && e.getMessage().contains("allowProduction=true"),
          e.getMessage());
      assertTrue(settings(Map.of("target", url, "allowProduction", "true"), CREDENTIALS).allowProduction());
    }
    Map<String, String> env = new HashMap<>(CREDENTIALS);
    env.put("CIO_LOAD_ALLOW_PRODUCTION", "true");
    assertTrue(settings(Map.of("target", "https://track.customer.io"), env).allowProduction());
    // Look-alikes are not Customer.io.
    settings(Map.of("target", "https://customer.io.example.com"), CREDENTIALS);
    settings(Map.of("target", "https://mycustomer.io"), CREDENTIALS);
  }

  @Test
  void badValuesNameTheParameter() {
    assertMessage("holdRate must be a number but was 'fast'", Map.of("holdRate", "fast"));
    assertMessage("scale must be in 0.001..100 but was 0", Map.of("scale", "0"));
    assertMessage("rampSeconds must be in 0..86400 but was -1", Map.of("rampSeconds", "-1"));
    assertMessage("allowProduction must be true or false but was 'yes'", Map.of("allowProduction", "yes"));
    assertMessage("target must be 'simulator' or an http(s) URL but was 'ftp://x'", Map.of("target", "ftp://x"));
    assertMessage("runId must be 1..40 letters", Map.of("runId", "a b"));
  }

  @Test
  void simulatorFaultsApplyOnlyToTheSimulator() {
    assertEquals(600, settings(Map.of("simulatorLatencyMs", "600"), Map.of()).simulatorLatencyMs());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> settings(Map.of("target", "http://127.0.0.1:1", "simulatorLatencyMs", "600"), CREDENTIALS));
    assertTrue(e.getMessage().contains("apply only to target=simulator"), e.getMessage());
  }

  private static void assertMessage(String expected, Map<String, String> props) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> settings(props, Map.of()));
    assertTrue(e.getMessage().startsWith(expected), e.getMessage());
  }
}
