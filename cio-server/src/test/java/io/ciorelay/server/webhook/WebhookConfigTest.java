package io.ciorelay.server.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class WebhookConfigTest {
  private static final byte[] KEY = "s3cr3t-signing-key".getBytes(StandardCharsets.UTF_8);

  private static WebhookConfig.Builder valid() {
    return WebhookConfig.builder().signingKey(KEY).storePath(Path.of("webhooks.db"));
  }

  @Test
  void defaultsAreTheDocumentedConstants() {
    WebhookConfig c = valid().build();
    assertEquals(Duration.ofSeconds(WebhookConfig.DEFAULT_TOLERANCE_SECONDS), c.tolerance());
    assertEquals(Duration.ofMinutes(5), c.tolerance());
    assertEquals(Duration.ofSeconds(5), c.forwardTimeout());
    assertEquals(Duration.ofSeconds(1), c.backoffBase());
    assertEquals(Duration.ofSeconds(60), c.backoffCap());
    assertEquals(0.2, c.backoffJitter());
    assertEquals(256 * 1024, c.maxBodyBytes());
    assertEquals(8, c.lanes());
    assertEquals(Duration.ofDays(7), c.retention());
    assertEquals(Map.of(), c.forwardHeaders());
    assertNull(c.forwardUrl());
    assertFalse(c.forwarding());
  }

  @Test
  void settersRejectBadValuesNamingTheFieldAndValue() {
    WebhookConfig.Builder b = valid();
    assertRejects("lanes must be in 1..64 but was 0", () -> b.lanes(0));
    assertRejects("maxBodyBytes must be in 1..16777216 but was 0", () -> b.maxBodyBytes(0));
    assertRejects("backoffJitter must be in 0..1 but was 1.5", () -> b.backoffJitter(1.5));
    assertRejects("tolerance must be in PT1S..PT24H but was PT0S", () -> b.tolerance(Duration.ZERO));
    assertRejects("forwardTimeout must be in PT0.01S..PT10M but was null", () -> b.forwardTimeout(null));
    assertRejects("backoffBase must be in PT0.001S..PT1H but was PT-1S", () -> b.backoffBase(Duration.ofSeconds(-1)));
    assertRejects("forwardUrl must be an absolute http(s) URL but was ftp://x/y",
        () -> b.forwardUrl(URI.create("ftp://x/y")));
    assertRejects("signingKey must not be empty but was empty", () -> b.signingKey(new byte[0]));
    assertRejects("storePath must not be null but was null", () -> b.storePath(null));
    assertRejects("forwardHeader name must not be one the forwarder sets but was X-CIO-Signature",
        () -> b.forwardHeader("X-CIO-Signature", "x"));
    assertRejects("forwardHeader Authorization value must be one line but was multi-line",
        () -> b.forwardHeader("Authorization", "a\r\nb"));
  }

  @Test
  void buildChecksRequiredAndCrossFieldRules() {
    assertEquals("signingKey is required", assertThrows(IllegalStateException.class,
        () -> WebhookConfig.builder().storePath(Path.of("x.db")).build()).getMessage());
    assertEquals("storePath is required", assertThrows(IllegalStateException.class,
        () -> WebhookConfig.builder().signingKey(KEY).build()).getMessage());
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> valid().backoffBase(Duration.ofSeconds(10)).backoffCap(Duration.ofSeconds(5)).build());
    assertTrue(e.getMessage().startsWith("backoffBase must be <= backoffCap"), e.getMessage());
  }

  @Test
  void toStringRedactsTheKeyAndHeaderValuesAndTheKeyIsCopied() {
    byte[] key = KEY.clone();
    WebhookConfig c = valid().signingKey(key).forwardUrl(URI.create("https://consumer.example/hook"))
        .forwardHeader("Authorization", "Bearer hidden-token").build();
    key[0] = 'X';
    String s = c.toString();
    assertFalse(s.contains("s3cr3t"), s);
    assertFalse(s.contains("hidden-token"), s);
    assertTrue(s.contains("signingKey=****"), s);
    assertTrue(s.contains("https://consumer.example/hook"), s);
    assertEquals('s', c.signingKey()[0]);
    assertTrue(c.forwarding());
  }

  private static void assertRejects(String message, Executable call) {
    assertEquals(message, assertThrows(IllegalArgumentException.class, call).getMessage());
  }
}
