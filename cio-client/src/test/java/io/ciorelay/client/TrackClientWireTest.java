package io.ciorelay.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What each typed call puts on the wire, checked on a real socket. */
class TrackClientWireTest {
    private static final String API_KEY = "k3y-s3cr3t";
    private FakeCio fake;
    private TrackClient client;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeCio();
        client = TrackClient.create(TrackClientConfig.builder()
                .credentials(Credentials.of("site1", API_KEY))
                .baseUrl(fake.baseUrl())
                .build());
    }

    @AfterEach
    void stop() {
        client.close();
        fake.close();
    }

    private static void assertJson(String expected, String actual) throws Exception {
        assertEquals(Json.MAPPER.readTree(expected), Json.MAPPER.readTree(actual), actual);
    }

    @Test
    void everyRequestCarriesAuthContentTypeAcceptAndUserAgent() {
        client.delete("42");
        FakeCio.Recorded r = fake.only();
        String expectedAuth = "Basic " + Base64.getEncoder().encodeToString("site1:k3y-s3cr3t".getBytes(StandardCharsets.UTF_8));
        assertEquals(expectedAuth, r.header("Authorization"));
        assertEquals("application/json", r.header("Content-Type"));
        assertEquals("application/json", r.header("Accept"));
        assertEquals("cio-relay-java/" + TrackClientConfig.VERSION, r.header("User-Agent"));
        assertTrue(TrackClientConfig.VERSION.matches("\\d+\\.\\d+\\.\\d+.*"), TrackClientConfig.VERSION);
    }

    @Test
    void everyTypedCallCarriesTheSameHeaders() {
        fake.respond(200, "{}").respond(200, "{}").respond(200, "{}").respond(200, "{}").respond(200, "{}")
                .respond(200, "{}").respond(200, "{}").respond(200, "{}").respond(200, "{}")
                .respond(200, "{\"url\":\"u\",\"region\":\"us\",\"environment_id\":1}");
        client.identify("1", Map.of());
        client.delete("1");
        client.suppress("1");
        client.unsuppress("1");
        client.track("1", Event.builder("e").build());
        client.trackAnonymous("a", Event.builder("e").build());
        client.addDevice("1", Device.builder("t", "ios").build());
        client.deleteDevice("1", "t");
        client.mergeCustomers(IdentifierType.ID, "1", IdentifierType.ID, "2");
        client.accountRegion();
        client.entity(Operation.delete(Identifiers.id("1")));
        client.batch(List.of(Operation.delete(Identifiers.id("1"))));
        List<FakeCio.Recorded> rs = fake.requests();
        assertEquals(12, rs.size());
        String auth = Credentials.of("site1", API_KEY).basicAuthorization();
        for (FakeCio.Recorded r : rs) {
            String where = r.method() + " " + r.rawPath();
            assertEquals(auth, r.header("Authorization"), where);
            assertEquals("application/json", r.header("Content-Type"), where);
            assertEquals("application/json", r.header("Accept"), where);
            assertEquals(TrackClientConfig.DEFAULT_USER_AGENT, r.header("User-Agent"), where);
        }
        assertEquals(List.of("PUT /api/v1/customers/1", "DELETE /api/v1/customers/1", "POST /api/v1/customers/1/suppress",
                "POST /api/v1/customers/1/unsuppress", "POST /api/v1/customers/1/events", "POST /api/v1/events",
                "PUT /api/v1/customers/1/devices", "DELETE /api/v1/customers/1/devices/t", "POST /api/v1/merge_customers",
                "GET /api/v1/accounts/region", "POST /api/v2/entity", "POST /api/v2/batch"),
                rs.stream().map(r -> r.method() + " " + r.rawPath()).toList());
    }

    @Test
    void customUserAgentIsSent() {
        TrackClient c = TrackClient.create(TrackClientConfig.builder().credentials(Credentials.of("s", "k"))
                .baseUrl(fake.baseUrl()).userAgent("my-app/1.0").build());
        c.delete("1");
        assertEquals("my-app/1.0", fake.only().header("User-Agent"));
    }

    @Test
    void baseUrlPathPrefixIsKept() {
        TrackClient c = TrackClient.create(TrackClientConfig.builder().credentials(Credentials.of("s", "k"))
                .baseUrl(fake.baseUrl().resolve("/relay/")).build());
        c.delete("1");
        assertEquals("/relay/api/v1/customers/1", fake.only().rawPath());
    }

    @Test
    void identifyPutsAttributes() throws Exception {
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("email", "a@example.com");
        attrs.put("plan", "pro");
        attrs.put("created_at", 1700000000L);
        client.identify("42", attrs);
        FakeCio.Recorded r = fake.only();
        assertEquals("PUT", r.method());
        assertEquals("/api/v1/customers/42", r.rawPath());
        assertEquals("{\"email\":\"a@example.com\",\"plan\":\"pro\",\"created_at\":1700000000}", r.bodyText());
    }

    @Test
    void identifyWithNullAttributesSendsEmptyObject() {
        client.identify("42", null);
        assertEquals("{}", fake.only().bodyText());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "a b|a%20b",
        "a/b|a%2Fb",
        "ü€|%C3%BC%E2%82%AC",
        "a+b@x.com|a%2Bb%40x.com",
        "100%|100%25",
        "q?x#y|q%3Fx%23y",
        "cio_03000001|cio_03000001",
        "star*|star%2A",
    })
    void idsAreEncodedAsOnePathSegment(String id, String encoded) {
        client.delete(id);
        client.deleteDevice(id, id);
        List<FakeCio.Recorded> rs = fake.requests();
        assertEquals("/api/v1/customers/" + encoded, rs.get(0).rawPath());
        assertEquals("/api/v1/customers/" + encoded + "/devices/" + encoded, rs.get(1).rawPath());
        assertEquals("DELETE", rs.get(1).method());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        ".|%2E",
        "..|%2E%2E",
        "...|...",
        "a..b|a..b",
    })
    void dotSegmentIdsAreEncodedSoTheyCannotClimbThePath(String id, String encoded) {
        client.deleteDevice("p1", id);
        client.delete(id);
        List<FakeCio.Recorded> rs = fake.requests();
        assertEquals("/api/v1/customers/p1/devices/" + encoded, rs.get(0).rawPath());
        assertEquals("/api/v1/customers/" + encoded, rs.get(1).rawPath());
    }

    @Test
    void deleteSendsNoBody() {
        client.delete("42");
        FakeCio.Recorded r = fake.only();
        assertEquals("DELETE", r.method());
        assertEquals(0, r.body().length);
    }

    @Test
    void suppressAndUnsuppressPostEmptyObject() {
        client.suppress("a b");
        client.unsuppress("a b");
        List<FakeCio.Recorded> rs = fake.requests();
        assertEquals("POST", rs.get(0).method());
        assertEquals("/api/v1/customers/a%20b/suppress", rs.get(0).rawPath());
        assertEquals("{}", rs.get(0).bodyText());
        assertEquals("POST", rs.get(1).method());
        assertEquals("/api/v1/customers/a%20b/unsuppress", rs.get(1).rawPath());
        assertEquals("{}", rs.get(1).bodyText());
    }

    @Test
    void trackSendsEventWithIdAndTimestamp() {
        client.track("42", Event.builder("purchase").data(Map.of("sku", "x"))
                .id("01HF0000000000000000000000").timestamp(1700000000L).build());
        FakeCio.Recorded r = fake.only();
        assertEquals("POST", r.method());
        assertEquals("/api/v1/customers/42/events", r.rawPath());
        assertEquals("{\"name\":\"purchase\",\"type\":\"event\",\"data\":{\"sku\":\"x\"},"
                + "\"id\":\"01HF0000000000000000000000\",\"timestamp\":1700000000}", r.bodyText());
    }

    @Test
    void trackPageAndScreenOmitAbsentFields() {
        client.track("42", Event.builder("/pricing").type(EventType.PAGE).build());
        client.track("42", Event.builder("Home").type(EventType.SCREEN).build());
        assertEquals("{\"name\":\"/pricing\",\"type\":\"page\"}", fake.requests().get(0).bodyText());
        assertEquals("{\"name\":\"Home\",\"type\":\"screen\"}", fake.requests().get(1).bodyText());
    }

    @Test
    void trackAnonymousAddsAnonymousIdUnlessEmpty() {
        client.trackAnonymous("anon-1", Event.builder("signup").data(Map.of("a", 1)).build());
        client.trackAnonymous("", Event.builder("invite").data(Map.of("recipient", "x@example.com")).build());
        client.trackAnonymous(null, Event.builder("invite").build());
        List<FakeCio.Recorded> rs = fake.requests();
        assertEquals("/api/v1/events", rs.get(0).rawPath());
        assertEquals("POST", rs.get(0).method());
        assertEquals("{\"name\":\"signup\",\"type\":\"event\",\"data\":{\"a\":1},\"anonymous_id\":\"anon-1\"}",
                rs.get(0).bodyText());
        assertEquals("{\"name\":\"invite\",\"type\":\"event\",\"data\":{\"recipient\":\"x@example.com\"}}",
                rs.get(1).bodyText());
        assertEquals("{\"name\":\"invite\",\"type\":\"event\"}", rs.get(2).bodyText());
    }

    @Test
    void addDeviceSendsTokenAsId() throws Exception {
        client.addDevice("42", Device.builder("tok/1", "ios").lastUsed(1700000000L)
                .attributes(Map.of("app_version", "1.2")).build());
        FakeCio.Recorded r = fake.only();
        assertEquals("PUT", r.method());
        assertEquals("/api/v1/customers/42/devices", r.rawPath());
        assertJson("{\"device\":{\"id\":\"tok/1\",\"platform\":\"ios\",\"last_used\":1700000000,"
                + "\"attributes\":{\"app_version\":\"1.2\"}}}", r.bodyText());
    }

    @Test
    void mergeCustomersSendsPrimaryAndSecondary() {
        client.mergeCustomers(IdentifierType.ID, "42", IdentifierType.EMAIL, "old@example.com");
        FakeCio.Recorded r = fake.only();
        assertEquals("POST", r.method());
        assertEquals("/api/v1/merge_customers", r.rawPath());
        assertEquals("{\"primary\":{\"id\":\"42\"},\"secondary\":{\"email\":\"old@example.com\"}}", r.bodyText());
    }

    @Test
    void accountRegionIsParsed() {
        fake.respond(200, "{\"url\":\"https://track-eu.customer.io\",\"region\":\"eu\",\"environment_id\":12345}");
        AccountRegion region = client.accountRegion();
        assertEquals(new AccountRegion("https://track-eu.customer.io", "eu", 12345), region);
        FakeCio.Recorded r = fake.only();
        assertEquals("GET", r.method());
        assertEquals("/api/v1/accounts/region", r.rawPath());
        assertEquals(0, r.body().length);
    }

    @Test
    void accountRegionWithUnexpectedBodyFails() {
        fake.respond(200, "{}");
        CioException e = assertThrows(CioException.class, client::accountRegion);
        assertTrue(e.getMessage().contains("/api/v1/accounts/region"), e.getMessage());
    }

    @Test
    void entityPostsOneOperation() {
        Operation op = Operation.event(Identifiers.email("a@example.com"), "purchase", Map.of("sku", "x"))
                .withId("01HF0000000000000000000000").withTimestamp(1700000000L);
        client.entity(op);
        FakeCio.Recorded r = fake.only();
        assertEquals("POST", r.method());
        assertEquals("/api/v2/entity", r.rawPath());
        assertEquals("{\"type\":\"person\",\"identifiers\":{\"email\":\"a@example.com\"},\"action\":\"event\","
                + "\"name\":\"purchase\",\"id\":\"01HF0000000000000000000000\",\"timestamp\":1700000000,"
                + "\"attributes\":{\"sku\":\"x\"}}", r.bodyText());
    }

    @Test
    void batchPostsEveryActionInOneBody() throws Exception {
        List<Operation> ops = OperationTest.oneOfEachAction();
        BatchResult result = client.batch(ops);
        assertTrue(result.allAccepted());
        assertEquals(200, result.status());
        FakeCio.Recorded r = fake.only();
        assertEquals("POST", r.method());
        assertEquals("/api/v2/batch", r.rawPath());
        StringBuilder expected = new StringBuilder("{\"batch\":[");
        for (int i = 0; i < ops.size(); i++) {
            expected.append(i == 0 ? "" : ",").append(OperationTest.EXPECTED_WIRE.get(i));
        }
        expected.append("]}");
        assertEquals(expected.toString(), r.bodyText());
    }

    @Test
    void batchAsyncConcatenatesEncodedOperationsUnchanged() throws Exception {
        byte[] a = "{\"type\":\"person\",\"identifiers\":{\"id\":\"1\"},\"action\":\"delete\"}".getBytes(StandardCharsets.UTF_8);
        byte[] b = "{ \"weird spacing\" : true }".getBytes(StandardCharsets.UTF_8);
        ApiResponse resp = client.batchAsync(List.of(a, b)).get();
        assertEquals(200, resp.status());
        FakeCio.Recorded r = fake.only();
        assertEquals("/api/v2/batch", r.rawPath());
        assertEquals("{\"batch\":[" + new String(a, StandardCharsets.UTF_8) + "," + new String(b, StandardCharsets.UTF_8)
                + "]}", r.bodyText());
        assertArrayEquals(TrackClient.batchBody(List.of(a, b)), r.body());
    }

    @Test
    void batchBodyOfNoOperationsIsAnEmptyArray() {
        assertEquals("{\"batch\":[]}", new String(TrackClient.batchBody(List.of()), StandardCharsets.UTF_8));
    }

    @Test
    void sendAsyncSendsBodyBytesAsIsAndNullBodyAsNone() throws Exception {
        byte[] raw = "not even json".getBytes(StandardCharsets.UTF_8);
        client.sendAsync(new ApiRequest("POST", "/api/v1/customers/42/events", raw)).get();
        client.sendAsync(new ApiRequest("GET", "/api/v1/accounts/region", null)).get();
        List<FakeCio.Recorded> rs = fake.requests();
        assertArrayEquals(raw, rs.get(0).body());
        assertEquals("GET", rs.get(1).method());
        assertEquals(0, rs.get(1).body().length);
    }

    @Test
    void sendAsyncExposesResponseHeadersCaseInsensitively() throws Exception {
        fake.respond(200, Map.of("X-Thing", "v"), "{}");
        ApiResponse r = client.sendAsync(new ApiRequest("GET", "/api/v1/accounts/region", null)).get();
        assertEquals("v", r.header("x-thing").orElseThrow());
        assertEquals("v", r.header("X-THING").orElseThrow());
        assertTrue(r.header("missing").isEmpty());
        assertEquals("{}", r.bodyText());
    }

    @Test
    void customExecutorIsUsed() {
        java.util.concurrent.atomic.AtomicInteger tasks = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try (TrackClient c = TrackClient.create(TrackClientConfig.builder().credentials(Credentials.of("s", "k"))
                .baseUrl(fake.baseUrl()).executor(task -> {
                    tasks.incrementAndGet();
                    pool.execute(task);
                }).build())) {
            c.delete("1");
            assertTrue(tasks.get() > 0, "tasks run on the configured executor: " + tasks.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void oneClientServesManyThreads() throws Exception {
        int threads = 8;
        int each = 25;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<?>> futures = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        client.track("p" + thread, Event.builder("e" + i).build());
                    }
                }));
            }
            for (var f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        List<FakeCio.Recorded> rs = fake.requests();
        assertEquals(threads * each, rs.size());
        for (int t = 0; t < threads; t++) {
            String path = "/api/v1/customers/p" + t + "/events";
            assertEquals(each, rs.stream().filter(r -> r.rawPath().equals(path)).count(), path);
        }
    }

    @Test
    void nullMapsMeanNone() {
        assertTrue(Operation.event(Identifiers.id("1"), "e", null).attributes().isEmpty());
        assertTrue(Operation.identify(Identifiers.id("1"), null).attributes().isEmpty());
        assertTrue(Event.builder("e").data(null).build().data().isEmpty());
        assertTrue(Device.builder("t", "ios").attributes(null).build().attributes().isEmpty());
        client.track("1", Event.builder("e").data(null).build());
        client.addDevice("1", Device.builder("t", "ios").attributes(null).build());
        assertEquals("{\"name\":\"e\",\"type\":\"event\"}", fake.requests().get(0).bodyText());
        assertEquals("{\"device\":{\"id\":\"t\",\"platform\":\"ios\"}}", fake.requests().get(1).bodyText());
    }

    @Test
    void afterCloseSendAsyncFailsWithoutThrowing() {
        client.close();
        var f = client.sendAsync(new ApiRequest("GET", "/api/v1/accounts/region", null));
        assertTrue(f.isCompletedExceptionally());
        var e = assertThrows(java.util.concurrent.CompletionException.class, f::join);
        assertTrue(e.getCause() instanceof IllegalStateException, String.valueOf(e.getCause()));
        assertTrue(fake.requests().isEmpty());
    }
}
