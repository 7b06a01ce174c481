package io.ciorelay.server.webhook;

import static io.ciorelay.server.RawHttp.requireNo5xxAndReasoned4xx;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ciorelay.client.WebhookVerifier;
import io.ciorelay.server.RawHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzz target for the webhook receiver over real HTTP: the body, and in some inputs the
 * {@code X-CIO-Timestamp} or {@code X-CIO-Signature} header, come from the fuzzer; the body is
 * otherwise signed with the right key so the fuzzer reaches the JSON parsing behind the
 * signature check. Property: {@code 200 {}} or a 4xx {@code {"error":reason}}, never a 5xx or a hang.
 * Input: byte 0 picks the mode (signed, fuzzed timestamp, fuzzed signature); in the last two, the
 * bytes up to the first newline are the header value.
 */
class WebhookReceiverFuzzTest {
  private static Path dir;
  private static WebhookFixture.Running running;

  @BeforeAll
  static void start() throws IOException {
    Path shm = Path.of("/dev/shm");
    dir = Files.isDirectory(shm) ? Files.createTempDirectory(shm, "webhook-fuzz") : Files.createTempDirectory("webhook-fuzz");
    running = new WebhookFixture.Running(WebhookFixture.config(dir.resolve("webhooks.db"), null).build());
  }

  @AfterAll
  static void stop() throws IOException {
    running.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @FuzzTest(maxDuration = "30s")
  void receive(byte[] input) throws IOException {
    if (input.length == 0) {
      return;
    }
    int mode = Byte.toUnsignedInt(input[0]) % 3;
    byte[] rest = Arrays.copyOfRange(input, 1, input.length);
    String header = null;
    byte[] body = rest;
    if (mode != 0) {
      int nl = 0;
      while (nl < rest.length && rest[nl] != '\n') {
        nl++;
      }
      header = printable(Arrays.copyOfRange(rest, 0, nl));
      body = nl < rest.length ? Arrays.copyOfRange(rest, nl + 1, rest.length) : new byte[0];
    }
    long now = WebhookFixture.NOW.getEpochSecond();
    String timestamp = mode == 1 ? header : Long.toString(now);
    String signature = mode == 2 ? header : WebhookVerifier.sign(WebhookFixture.KEY, now, body);
    RawHttp.Response r = RawHttp.send(running.app.port(), "POST", WebhookReceiver.PATH,
        List.of("X-CIO-Timestamp: " + timestamp, "X-CIO-Signature: " + signature), body);
    String what = "webhook mode " + mode + " header '" + header + "' body "
        + RawHttp.abbreviate(new String(body, StandardCharsets.UTF_8));
    requireNo5xxAndReasoned4xx(r, what);
    if (r.status() == 200) {
      assertEquals("{}", r.body(), what);
    } else {
      assertTrue(r.status() >= 400, r.status() + " " + what);
    }
  }

  /** Header-safe: visible ASCII and spaces only (the fuzzer cannot split the request). */
  private static String printable(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (byte x : b) {
      if (x >= 0x20 && x < 0x7f) {
        s.append((char) x);
      }
    }
    return s.toString();
  }
}
