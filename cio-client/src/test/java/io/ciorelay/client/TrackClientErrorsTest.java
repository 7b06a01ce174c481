package io.ciorelay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How answers and failures from the server are reported, over a real socket. */
class TrackClientErrorsTest {
    private static final String API_KEY = "sk_live_DO_NOT_LEAK_123";
    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
    private FakeCio fake;
    private TrackClient client;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeCio();
        client = client(fake.baseUrl(), Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() {
        client.close();
        fake.close();
    }

    private static TrackClient client(URI base, Duration requestTimeout) {
        return TrackClient.create(TrackClientConfig.builder()
                .credentials(Credentials.of("site1", API_KEY))
                .baseUrl(base)
                .connectTimeout(Duration.ofSeconds(2))
                .requestTimeout(requestTimeout)
                .clock(Clock.fixed(NOW, ZoneOffset.UTC))
                .build());
    }

    private static void assertNoSecret(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertFalse(String.valueOf(t.getMessage()).contains(API_KEY), t.getMessage());
            assertFalse(String.valueOf(t).contains(API_KEY), t.toString());
        }
        String basic = Credentials.of("site1", API_KEY).basicAuthorization().substring("Basic ".length());
        assertFalse(String.valueOf(e.getMessage()).contains(basic), e.getMessage());
    }

    @Test
    void batch207ReturnsPerOperationErrors() {
        fake.respond(207, "{\"errors\":[{\"batch_index\":1,\"reason\":\"required\",\"field\":\"name\","
                + "\"message\":\"name is required\"},{\"batch_index\":0,\"reason\":\"invalid\"}]}");
        BatchResult r = client.batch(List.of(Operation.delete(Identifiers.id("1")), Operation.delete(Identifiers.id("2"))));
        assertEquals(207, r.status());
        assertFalse(r.allAccepted());
        assertEquals(List.of(new BatchError(1, "required", "name", "name is required"), new BatchError(0, "invalid", "", "")),
                r.errors());
    }

    @Test
    void batch200WithErrorsIsPartialFailure() {
        fake.respond(200, "{\"errors\":[{\"batch_index\":2,\"reason\":\"too_large\",\"field\":\"attributes\",\"message\":\"m\"}]}");
        BatchResult r = client.batch(List.of(Operation.delete(Identifiers.id("1"))));
        assertEquals(200, r.status());
        assertFalse(r.allAccepted());
        assertEquals(2, r.errors().get(0).batchIndex());
    }

    @Test
    void batch200WithEmptyOrNoBodyIsAllAccepted() {
        fake.respond(200, "");
        fake.respond(200, "{}");
        assertTrue(client.batch(List.of(Operation.delete(Identifiers.id("1")))).allAccepted());
        assertTrue(client.batch(List.of(Operation.delete(Identifiers.id("1")))).allAccepted());
    }

    @Test
    void batchErrorWithoutIndexGetsMinusOne() {
        BatchResult r = BatchResult.parse(new ApiResponse(207, Map.of(), "{\"errors\":[{\"message\":\"x\"}]}".getBytes()));
        assertEquals(-1, r.errors().get(0).batchIndex());
        assertFalse(r.allAccepted());
        assertTrue(BatchResult.parse(new ApiResponse(207, Map.of(), "garbage".getBytes())).errors().isEmpty());
        assertFalse(BatchResult.parse(new ApiResponse(207, Map.of(), "garbage".getBytes())).allAccepted());
    }

    @Test
    void v1MetaErrorIsParsed() {
        fake.respond(400, "{\"meta\":{\"error\":\"event name cannot be longer than 100 bytes\"}}");
        CioApiException e = assertThrows(CioApiException.class, () -> client.track("42", Event.builder("x").build()));
        assertEquals(400, e.status());
        assertEquals(List.of("event name cannot be longer than 100 bytes"), e.messages());
        assertEquals("Customer.io answered 400 on POST /api/v1/customers/42/events: event name cannot be longer than 100 bytes",
                e.getMessage());
        assertFalse(e.retryable());
        assertTrue(e.retryAfter().isEmpty());
    }

    @Test
    void v1MetaErrorsArrayIsParsed() {
        fake.respond(400, "{\"meta\":{\"errors\":[\"x is bad\",\"y is bad\"]}}");
        CioApiException e = assertThrows(CioApiException.class, () -> client.identify("42", Map.of("a", 1)));
        assertEquals(List.of("x is bad", "y is bad"), e.messages());
        assertEquals("Customer.io answered 400 on PUT /api/v1/customers/42: x is bad; y is bad", e.getMessage());
    }

    @Test
    void v2ErrorsAreParsedIntoMessagesAndBatchErrors() {
        fake.respond(400, "{\"errors\":[{\"reason\":\"required\",\"field\":\"identifiers\",\"message\":\"identifiers is required\"}]}");
        CioApiException e = assertThrows(CioApiException.class, () -> client.entity(Operation.delete(Identifiers.id("1"))));
        assertEquals(List.of("identifiers is required (field identifiers)"), e.messages());
        assertEquals(List.of(new BatchError(-1, "required", "identifiers", "identifiers is required")), e.batchErrors());
        assertTrue(e.getMessage().startsWith("Customer.io answered 400 on POST /api/v2/entity: identifiers is required"),
                e.getMessage());
    }

    @Test
    void nonJsonErrorBodyIsQuotedShortly() {
        fake.respond(502, "<html>" + "x".repeat(1000) + "</html>");
        CioApiException e = assertThrows(CioApiException.class, () -> client.delete("1"));
        assertEquals(502, e.status());
        assertTrue(e.retryable());
        assertTrue(e.messages().isEmpty());
        assertTrue(e.getMessage().length() < 300, e.getMessage());
        assertTrue(e.getMessage().startsWith("Customer.io answered 502 on DELETE /api/v1/customers/1: <html>"));
    }

    @Test
    void unauthorizedNeverShowsTheKey() {
        fake.respond(401, "{\"meta\":{\"error\":\"Unauthorized request\"}}");
        CioApiException e = assertThrows(CioApiException.class, () -> client.identify("42", null));
        assertEquals(401, e.status());
        assertFalse(e.retryable());
        assertNoSecret(e);
        assertFalse(client.config().toString().contains(API_KEY), client.config().toString());
        assertTrue(client.config().toString().contains("apiKey=****"), client.config().toString());
    }

    @Test
    void tooManyRequestsWithRetryAfterSeconds() {
        fake.respond(429, Map.of("Retry-After", "7"), "");
        CioApiException e = assertThrows(CioApiException.class, () -> client.delete("1"));
        assertEquals(429, e.status());
        assertTrue(e.retryable());
        assertEquals(Duration.ofSeconds(7), e.retryAfter().orElseThrow());
        assertTrue(Retryability.isRetryable(e));
    }

    @Test
    void tooManyRequestsWithRetryAfterHttpDate() {
        fake.respond(429, Map.of("Retry-After", "Sun, 22 Nov 2026 12:01:30 GMT"), "{}");
        CioApiException e = assertThrows(CioApiException.class, () -> client.delete("1"));
        assertEquals(Duration.ofSeconds(90), e.retryAfter().orElseThrow());
    }

    @Test
    void sameAnswerThroughSendAsyncGivesTheSameErrorModel() throws Exception {
        fake.respond(429, Map.of("Retry-After", "Sun, 22 Nov 2026 12:00:05 GMT"),
                "{\"errors\":[{\"batch_index\":0,\"reason\":\"rate\",\"message\":\"slow down\"}]}");
        ApiRequest req = new ApiRequest("POST", "/api/v2/batch", TrackClient.batchBody(List.of(
                Operation.delete(Identifiers.id("1")).toJson())));
        ApiResponse resp = client.sendAsync(req).get();
        assertEquals(429, resp.status());
        CioApiException e = CioApiException.from(req, resp, Clock.fixed(NOW, ZoneOffset.UTC));
        assertEquals(Duration.ofSeconds(5), e.retryAfter().orElseThrow());
        assertEquals(List.of("batch_index 0: slow down"), e.messages());
        assertEquals(List.of(new BatchError(0, "rate", "", "slow down")), e.batchErrors());
        assertTrue(e.getMessage().startsWith("Customer.io answered 429 on POST /api/v2/batch: batch_index 0: slow down"),
                e.getMessage());
        assertTrue(e.retryable());
        assertEquals("{\"batch\":[{\"type\":\"person\",\"identifiers\":{\"id\":\"1\"},\"action\":\"delete\"}]}",
                fake.only().bodyText());
    }

    @Test
    void redirectIsNotFollowedAndReported() {
        fake.respond(301, Map.of("Location", "https://track-eu.customer.io/api/v1/customers/1"),
                "{\"errors\":[{\"detail\":\"wrong datacenter\",\"status\":\"301\"}]}");
        CioApiException e = assertThrows(CioApiException.class, () -> client.delete("1"));
        assertEquals(301, e.status());
        assertEquals(List.of("wrong datacenter"), e.messages());
        assertEquals(1, fake.requests().size());
    }

    @Test
    void sendAsyncCompletesNormallyWithAnyStatus() throws Exception {
        fake.respond(500, "{\"meta\":{\"error\":\"boom\"}}");
        fake.respond(404, "");
        ApiResponse a = client.sendAsync(new ApiRequest("POST", "/api/v2/batch", "{}".getBytes())).get();
        ApiResponse b = client.sendAsync(new ApiRequest("GET", "/nowhere", null)).get();
        assertEquals(500, a.status());
        assertEquals("{\"meta\":{\"error\":\"boom\"}}", a.bodyText());
        assertEquals(404, b.status());
        CioApiException e = CioApiException.from(a, Clock.systemUTC());
        assertEquals("Customer.io answered 500: boom", e.getMessage());
    }

    @Test
    void connectionRefusedIsATransportFailure() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (TrackClient c = client(URI.create("http://127.0.0.1:" + port), Duration.ofSeconds(5))) {
            CioTransportException e = assertThrows(CioTransportException.class, () -> c.delete("1"));
            assertFalse(e.timeout());
            assertTrue(e.retryable());
            assertTrue(Retryability.isRetryable(e));
            assertTrue(e.getMessage().startsWith("DELETE /api/v1/customers/1 "), e.getMessage());
            assertNoSecret(e);

            ExecutionException ex = assertThrows(ExecutionException.class,
                    () -> c.sendAsync(new ApiRequest("GET", "/api/v1/accounts/region", null)).get());
            assertInstanceOf(CioTransportException.class, ex.getCause());
        }
    }

    @Test
    void serverThatNeverAnswersTimesOut() throws Exception {
        // The kernel completes the TCP handshake into the backlog; nothing ever reads or answers.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                TrackClient c = client(URI.create("http://127.0.0.1:" + silent.getLocalPort()), Duration.ofMillis(300))) {
            CioTransportException e = assertThrows(CioTransportException.class, () -> c.identify("42", Map.of("a", 1)));
            assertTrue(e.timeout(), e.getMessage());
            assertTrue(e.getMessage().contains("timed out"), e.getMessage());
            assertTrue(Retryability.isRetryable(e));
            assertNoSecret(e);

            ExecutionException ex = assertThrows(ExecutionException.class,
                    () -> c.batchAsync(List.of("{}".getBytes())).get());
            CioTransportException cause = assertInstanceOf(CioTransportException.class, ex.getCause());
            assertTrue(cause.timeout());
        }
    }

    @Test
    void validationFailuresSendNothing() {
        assertThrows(ValidationException.class, () -> client.identify("x".repeat(151), null));
        assertThrows(ValidationException.class, () -> client.track("42", Event.builder(" ").build()));
        assertThrows(ValidationException.class, () -> client.batch(List.of()));
        assertThrows(ValidationException.class, () -> client.entity(Operation.event(Identifiers.id("1"), null, null)));
        assertTrue(fake.requests().isEmpty());
    }
}
