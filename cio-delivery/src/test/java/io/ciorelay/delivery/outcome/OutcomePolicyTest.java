package io.ciorelay.delivery.outcome;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.client.ApiResponse;
import io.ciorelay.client.CioTransportException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OutcomePolicyTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final URI BATCH_URL = URI.create("http://127.0.0.1:1/api/v2/batch");
  private static final Request ONE = Request.batch(BATCH_URL, 1);
  private static final Request THREE = Request.batch(BATCH_URL, 3);
  private static final String CIO_400 = "{\"errors\":[{\"reason\":\"invalid\",\"field\":\"batch\",\"message\":\"bad\"}]}";
  private static final String V1_400 = "{\"meta\":{\"errors\":[\"name cannot be blank\"]}}";
  private static final String HTML = "<html><body><h1>Not Found</h1></body></html>";
  private static final URI PIPELINES_URL = URI.create("http://127.0.0.1:1/v1/batch");
  private static final String STRICT_400 = "{\"meta\":{\"errors\":[\"batch[0].event: is required for track\"]}}";

  private static ApiResponse response(int status, String body, String... headers) {
    Map<String, List<String>> h = new HashMap<>();
    for (int i = 0; i + 1 < headers.length; i += 2) {
      h.put(headers[i], List.of(headers[i + 1]));
    }
    return new ApiResponse(status, h, body.getBytes(StandardCharsets.UTF_8));
  }

  private static Action decide(Request r, int status, String body, String... headers) {
    return OutcomePolicy.decide(r, response(status, body, headers), NOW);
  }

  /** Every status, with Customer.io's usual body for it (or an HTML page), on 1 and 3 operations. */
  @ParameterizedTest(name = "{0} {1} ops={2} -> {3}")
  @CsvSource(delimiter = '|', value = {
      "200 | {}                       | 3 | Acknowledge",
      "200 | ''                       | 3 | Acknowledge",
      "200 | '{\"errors\":[]}'        | 3 | Acknowledge",
      "201 | {}                       | 1 | Acknowledge",
      "204 | ''                       | 1 | Acknowledge",
      "200 | <html>welcome</html>     | 3 | PauseEndpoint",
      "200 | '[1,2]'                  | 3 | PauseEndpoint",
      "200 | '{\"errors\":\"x\"}'     | 3 | PauseEndpoint",
      "301 | ''                       | 3 | PauseEndpoint",
      "302 | <html>moved</html>       | 1 | PauseEndpoint",
      "307 | ''                       | 1 | PauseEndpoint",
      "308 | ''                       | 1 | PauseEndpoint",
      "400 | CIO_400                  | 3 | Split",
      "400 | CIO_400                  | 1 | DeadLetter",
      "400 | V1_400                   | 1 | DeadLetter",
      "400 | '{\"meta\":{\"error\":\"x\"}}' | 1 | DeadLetter",
      "400 | HTML                     | 3 | PauseEndpoint",
      "400 | ''                       | 1 | PauseEndpoint",
      "400 | '{\"message\":\"nope\"}' | 1 | PauseEndpoint",
      "401 | ''                       | 3 | PauseCredentials",
      "403 | CIO_400                  | 1 | PauseCredentials",
      "404 | HTML                     | 3 | PauseEndpoint",
      "404 | CIO_400                  | 1 | PauseEndpoint",
      "405 | ''                       | 3 | PauseEndpoint",
      "408 | ''                       | 3 | RetryAfter",
      "409 | CIO_400                  | 3 | Split",
      "413 | CIO_400                  | 3 | PauseEndpoint",
      "413 | HTML                     | 1 | PauseEndpoint",
      "422 | CIO_400                  | 1 | DeadLetter",
      "429 | ''                       | 3 | PauseRateLimit",
      "500 | HTML                     | 3 | RetryAfter",
      "501 | ''                       | 3 | PauseEndpoint",
      "502 | HTML                     | 3 | RetryAfter",
      "503 | ''                       | 3 | RetryAfter",
      "504 | ''                       | 3 | RetryAfter",
      "505 | ''                       | 3 | PauseEndpoint",
      "511 | HTML                     | 3 | PauseEndpoint",
      "522 | ''                       | 3 | RetryAfter",
      "599 | ''                       | 3 | RetryAfter",
      "100 | ''                       | 3 | PauseEndpoint",
      "600 | ''                       | 3 | PauseEndpoint"
  })
  void everyStatusHasOneAction(int status, String body, int ops, String expected) {
    assertAction(Request.batch(BATCH_URL, ops), status, body, expected);
  }

  /** Decides {@code status} with the named body (CIO_400, V1_400, STRICT_400, HTML, or the text itself). */
  private static void assertAction(Request request, int status, String body, String expected) {
    String b = switch (body) {
      case "CIO_400" -> CIO_400;
      case "V1_400" -> V1_400;
      case "STRICT_400" -> STRICT_400;
      case "HTML" -> HTML;
      default -> body;
    };
    Action a = decide(request, status, b);
    assertEquals(expected, a.getClass().getSimpleName(), () -> a.toString());
    assertEquals(status, a.status());
  }

  /** The Data Pipelines API in strict mode: each answer it gives (and a proxy's) on 1 and 3 operations. */
  @ParameterizedTest(name = "pipelines {0} {1} ops={2} -> {3}")
  @CsvSource(delimiter = '|', value = {
      "200 | {}                       | 3 | Acknowledge",
      "200 | ''                       | 1 | Acknowledge",
      "200 | <html>welcome</html>     | 3 | PauseEndpoint",
      "301 | ''                       | 3 | PauseEndpoint",
      "400 | STRICT_400               | 3 | Split",
      "400 | STRICT_400               | 1 | DeadLetter",
      "400 | HTML                     | 1 | PauseEndpoint",
      "401 | STRICT_400               | 3 | PauseCredentials",
      "403 | ''                       | 1 | PauseCredentials",
      "404 | HTML                     | 3 | PauseEndpoint",
      "413 | STRICT_400               | 3 | PauseEndpoint",
      "429 | STRICT_400               | 3 | PauseRateLimit",
      "500 | ''                       | 3 | RetryAfter",
      "503 | HTML                     | 1 | RetryAfter",
      "501 | ''                       | 1 | PauseEndpoint"
  })
  void everyPipelinesAnswerHasOneAction(int status, String body, int ops, String expected) {
    assertAction(Request.pipelinesBatch(PIPELINES_URL, ops), status, body, expected);
  }

  @Test
  void aPipelinesRefusalOfOneCallDeadLettersItWithCustomerIosReason() {
    Action a = decide(Request.pipelinesBatch(PIPELINES_URL, 1), 400, STRICT_400);
    assertEquals("HTTP 400: batch[0].event: is required for track", a.reason());
  }

  @Test
  void aPipelinesCredentialsRefusalNamesTheWriteKey() {
    Action a = decide(Request.pipelinesBatch(PIPELINES_URL, 2), 401, "{\"meta\":{\"error\":\"unauthorized\"}}");
    assertTrue(a.reason().contains("check the Pipelines write key"), a.reason());
    assertFalse(decide(ONE, 401, "").reason().contains("write key"));
  }

  @Test
  void aRequestThatCouldNotBeBuiltIsSplitThenDeadLetteredNeverRetried() {
    io.ciorelay.client.ValidationException tooBig = new io.ciorelay.client.ValidationException(
        new io.ciorelay.client.Violation("batch[0]", "call is 40000 bytes encoded; the Pipelines limit is 32768 bytes",
            32768, 40000));
    assertInstanceOf(Action.Split.class, OutcomePolicy.decide(Request.pipelinesBatch(PIPELINES_URL, 4), tooBig));
    Action one = OutcomePolicy.decide(Request.pipelinesBatch(PIPELINES_URL, 1), new CompletionException(tooBig));
    assertInstanceOf(Action.DeadLetter.class, one);
    assertTrue(one.reason().contains("32768"), one.reason());
  }

  @Test
  void partialAcknowledgesTheRestAndRefusesTheNamedOperationsWithCustomerIosReason() {
    Action a = decide(THREE, 207, "{\"errors\":[{\"batch_index\":1,\"reason\":\"required\",\"field\":\"name\","
        + "\"message\":\"name is required\"}]}");
    Action.Partial p = assertInstanceOf(Action.Partial.class, a);
    assertEquals(List.of(0, 2), p.acknowledged());
    assertEquals(List.of(new Action.Refusal(1, "HTTP 207: required field 'name': name is required")), p.refused());
  }

  @Test
  void twoErrorsForOneOperationRefuseItOnceWithBothReasons() {
    Action.Partial p = assertInstanceOf(Action.Partial.class, decide(THREE, 207,
        "{\"errors\":[{\"batch_index\":2,\"message\":\"a\"},{\"batch_index\":2,\"message\":\"b\"}]}"));
    assertEquals(List.of(0, 1), p.acknowledged());
    assertEquals(1, p.refused().size());
    assertEquals("HTTP 207: a; b", p.refused().get(0).reason());
  }

  @Test
  void aSuccessCarryingErrorsIsAPartialToo() {
    Action.Partial p = assertInstanceOf(Action.Partial.class,
        decide(THREE, 200, "{\"errors\":[{\"batch_index\":0,\"message\":\"bad\"}]}"));
    assertEquals(List.of(1, 2), p.acknowledged());
  }

  /** Finding 7: a 207 error without a usable batch_index acknowledged the whole batch. */
  @Test
  void partialErrorWithoutBatchIndexDoesNotAcknowledgeTheBatch() {
    Action a = decide(THREE, 207, "{\"errors\":[{\"reason\":\"invalid\",\"message\":\"something\"}]}");
    Action.Split s = assertInstanceOf(Action.Split.class, a);
    assertTrue(s.reason().contains("no batch_index"), s.reason());
    assertTrue(s.reason().contains("something"), s.reason());
  }

  @Test
  void partialErrorWithBatchIndexOutsideTheRequestDoesNotAcknowledgeTheBatch() {
    assertInstanceOf(Action.Split.class, decide(THREE, 207, "{\"errors\":[{\"batch_index\":3,\"message\":\"x\"}]}"));
    assertInstanceOf(Action.Split.class, decide(THREE, 207, "{\"errors\":[{\"batch_index\":\"1\",\"message\":\"x\"}]}"));
    assertInstanceOf(Action.Split.class, decide(THREE, 207, "{\"errors\":[{\"batch_index\":-1,\"message\":\"x\"}]}"));
    assertInstanceOf(Action.Split.class, decide(THREE, 207,
        "{\"errors\":[{\"batch_index\":0,\"message\":\"x\"},{\"message\":\"y\"}]}"));
  }

  @Test
  void partialErrorWithoutBatchIndexOnOneOperationDeadLettersIt() {
    Action.DeadLetter d = assertInstanceOf(Action.DeadLetter.class,
        decide(ONE, 207, "{\"errors\":[{\"reason\":\"invalid\",\"message\":\"bad thing\"}]}"));
    assertTrue(d.reason().contains("bad thing"), d.reason());
  }

  @Test
  void aSingleV1OrEntityCallMatchesAnErrorToItsOnlyOperation() {
    Request entity = Request.single(Request.Kind.V2_ENTITY, "POST", URI.create("http://h/api/v2/entity"));
    Action.Partial p = assertInstanceOf(Action.Partial.class,
        OutcomePolicy.decide(entity, response(200, "{\"errors\":[{\"message\":\"bad\"}]}"), NOW));
    assertEquals(List.of(), p.acknowledged());
    assertEquals(0, p.refused().get(0).index());
  }

  @Test
  void wholeRequestRefusalCarriesCustomerIosMessage() {
    Action.DeadLetter d = assertInstanceOf(Action.DeadLetter.class, decide(ONE, 400, V1_400));
    assertEquals("HTTP 400: name cannot be blank", d.reason());
    Action.Split s = assertInstanceOf(Action.Split.class, decide(THREE, 400, CIO_400));
    assertEquals("HTTP 400: invalid field 'batch': bad", s.reason());
  }

  @Test
  void endpointPauseNamesStatusAndUrl() {
    Action.PauseEndpoint p = assertInstanceOf(Action.PauseEndpoint.class, decide(THREE, 404, HTML));
    assertTrue(p.reason().contains("404"), p.reason());
    assertTrue(p.reason().contains("POST http://127.0.0.1:1/api/v2/batch"), p.reason());
    Action.PauseEndpoint r = assertInstanceOf(Action.PauseEndpoint.class,
        decide(THREE, 301, "", "Location", "https://track-eu.customer.io/api/v2/batch"));
    assertTrue(r.reason().contains("redirect to https://track-eu.customer.io/api/v2/batch"), r.reason());
  }

  @Test
  void userInfoInTheUrlIsNotRepeated() {
    Request r = Request.batch(URI.create("http://site:secret@127.0.0.1:1/api/v2/batch"), 2);
    Action a = OutcomePolicy.decide(r, response(404, HTML), NOW);
    assertFalse(a.reason().contains("secret"), a.reason());
  }

  @Test
  void longHtmlBodiesAreCutInReasons() {
    Action a = decide(THREE, 404, "<html>" + "x".repeat(5000) + "</html>");
    assertTrue(a.reason().length() < 400, a.reason());
  }

  @Test
  void rateLimitCarriesRetryAfterInSecondsOrAsDate() {
    Action.PauseRateLimit p = assertInstanceOf(Action.PauseRateLimit.class, decide(THREE, 429, "", "Retry-After", "7"));
    assertEquals(Optional.of(Duration.ofSeconds(7)), p.retryAfter());
    Action.PauseRateLimit d = assertInstanceOf(Action.PauseRateLimit.class,
        decide(THREE, 429, "", "retry-after", "Thu, 01 Jan 2026 00:00:30 GMT"));
    assertEquals(Optional.of(Duration.ofSeconds(30)), d.retryAfter());
    assertEquals(Optional.empty(),
        assertInstanceOf(Action.PauseRateLimit.class, decide(THREE, 429, "")).retryAfter());
  }

  @Test
  void serverErrorsAreBreakerFailuresWithTheirRetryAfterAsHint() {
    Action.RetryAfter r = assertInstanceOf(Action.RetryAfter.class, decide(THREE, 503, "", "Retry-After", "3"));
    assertTrue(r.countsAsBreakerFailure());
    assertFalse(r.timeout());
    assertEquals(Optional.of(Duration.ofSeconds(3)), r.delayHint());
  }

  @Test
  void failuresWithoutAnAnswerAreRetriedAndTimeoutsSaySo() {
    Action.RetryAfter reset = assertInstanceOf(Action.RetryAfter.class,
        OutcomePolicy.decide(THREE, new CompletionException(new IOException("Connection reset"))));
    assertTrue(reset.countsAsBreakerFailure());
    assertFalse(reset.timeout());
    assertEquals(0, reset.status());
    assertTrue(reset.reason().contains("Connection reset"), reset.reason());
    Action.RetryAfter refused = assertInstanceOf(Action.RetryAfter.class,
        OutcomePolicy.decide(THREE, new ConnectException("refused")));
    assertTrue(refused.countsAsBreakerFailure());
    for (Throwable t : List.of(new HttpTimeoutException("request timed out"),
        new CioTransportException("POST /api/v2/batch timed out", null, true),
        new java.util.concurrent.TimeoutException("deadline"))) {
      Action.RetryAfter to = assertInstanceOf(Action.RetryAfter.class, OutcomePolicy.decide(THREE, t));
      assertTrue(to.timeout(), t.toString());
      assertTrue(to.countsAsBreakerFailure(), t.toString());
      assertEquals("timeout", to.tag());
    }
    Action.RetryAfter local = assertInstanceOf(Action.RetryAfter.class,
        OutcomePolicy.decide(THREE, new IllegalStateException("client is closed")));
    assertFalse(local.countsAsBreakerFailure());
  }

  @Test
  void requestFactsAreChecked() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Request.batch(BATCH_URL, 0));
    assertEquals("operations must be at least 1 but was 0", e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new Request(Request.Kind.V1, "POST", URI.create("http://h/api/v1/events"), 2));
  }
}
