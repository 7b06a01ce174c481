package io.ciorelay.delivery.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.client.ApiResponse;
import io.ciorelay.client.CioTransportException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResponseClassifierTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  private static ApiResponse response(int status, String body, String... headers) {
    Map<String, List<String>> h = new java.util.HashMap<>();
    for (int i = 0; i + 1 < headers.length; i += 2) {
      h.put(headers[i], List.of(headers[i + 1]));
    }
    return new ApiResponse(status, h, body.getBytes(StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "200, DELIVERED",
      "201, DELIVERED",
      "204, DELIVERED",
      "400, REJECTED",
      "401, AUTH",
      "403, AUTH",
      "404, REJECTED",
      "408, RETRY",
      "409, REJECTED",
      "413, REJECTED",
      "422, REJECTED",
      "429, RATE_LIMITED",
      "500, RETRY",
      "501, REJECTED",
      "502, RETRY",
      "503, RETRY",
      "504, RETRY",
      "505, REJECTED",
      "511, REJECTED",
      "522, RETRY",
      "599, RETRY"
  })
  void everyStatusHasOneAction(int status, Verdict.Kind expected) {
    String body = status >= 400 ? "{\"meta\":{\"error\":\"x\"}}" : "{}";
    assertEquals(expected, ResponseClassifier.classify(response(status, body), CLOCK).kind());
  }

  @Test
  void partialFailureIn207And200WithErrors() {
    String body = "{\"errors\":[{\"batch_index\":1,\"reason\":\"invalid\",\"field\":\"name\",\"message\":\"too long\"}]}";
    Verdict v207 = ResponseClassifier.classify(response(207, body), CLOCK);
    assertEquals(Verdict.Kind.PARTIAL, v207.kind());
    assertEquals(1, v207.errors().get(0).batchIndex());
    Verdict v200 = ResponseClassifier.classify(response(200, body), CLOCK);
    assertEquals(Verdict.Kind.PARTIAL, v200.kind());
    assertEquals(Verdict.Kind.DELIVERED, ResponseClassifier.classify(response(200, "{\"errors\":[]}"), CLOCK).kind());
    assertEquals(Verdict.Kind.DELIVERED, ResponseClassifier.classify(response(200, "not json"), CLOCK).kind());
  }

  @Test
  void retryAfterIsCarriedFor429And503() {
    Verdict v = ResponseClassifier.classify(response(429, "", "Retry-After", "7"), CLOCK);
    assertEquals(Optional.of(Duration.ofSeconds(7)), v.retryAfter());
    v = ResponseClassifier.classify(response(503, "", "retry-after", "Thu, 01 Jan 2026 00:00:30 GMT"), CLOCK);
    assertEquals(Verdict.Kind.RETRY, v.kind());
    assertEquals(Optional.of(Duration.ofSeconds(30)), v.retryAfter());
    assertEquals(Optional.empty(), ResponseClassifier.classify(response(429, ""), CLOCK).retryAfter());
  }

  @Test
  void customerIoMessageIsKeptForDeadLetters() {
    Verdict v = ResponseClassifier.classify(
        response(400, "{\"meta\":{\"errors\":[\"event name cannot be longer than 100 bytes\"]}}"), CLOCK);
    assertTrue(v.message().contains("event name cannot be longer than 100 bytes"), v.message());
    assertEquals(400, v.status());
  }

  @Test
  void transportFailuresAreRetried() {
    Verdict v = ResponseClassifier.classify(new CompletionException(
        new CioTransportException("connection refused to 127.0.0.1:1", new ConnectException("refused"), false)));
    assertEquals(Verdict.Kind.RETRY, v.kind());
    assertEquals(0, v.status());
    assertTrue(v.message().contains("connection refused"), v.message());
    assertEquals(Verdict.Kind.RETRY, ResponseClassifier.classify(new java.util.concurrent.TimeoutException()).kind());
  }
}
