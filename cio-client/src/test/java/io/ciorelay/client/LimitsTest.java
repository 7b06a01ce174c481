package io.ciorelay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Each documented limit at exactly the limit (accepted) and one byte over (rejected). */
class LimitsTest {
    private static final Identifiers P = Identifiers.id("42");

    private static void assertOne(List<Violation> vs, String field, long limit, long actual) {
        assertEquals(1, vs.size(), vs.toString());
        Violation v = vs.get(0);
        assertEquals(field, v.field(), v.toString());
        assertEquals(limit, v.limit(), v.toString());
        assertEquals(actual, v.actual(), v.toString());
        if (limit >= 0) {
            assertTrue(v.message().contains(Long.toString(limit)) && v.message().contains(Long.toString(actual)),
                    v.message());
        }
    }

    /** A string of exactly n UTF-8 bytes made of 2-byte characters (n even) or plus one ASCII byte. */
    private static String bytes(int n) {
        return "é".repeat(n / 2) + "a".repeat(n % 2);
    }

    @Test
    void helperCountsBytesNotChars() {
        assertEquals(151, Limits.utf8Length(bytes(151)));
        assertEquals(4, Limits.utf8Length("😀"));
        assertEquals(3, Limits.utf8Length("€"));
    }

    @Test
    void personId() {
        assertTrue(Limits.checkPersonId(bytes(150)).isEmpty());
        assertOne(Limits.checkPersonId(bytes(151)), "personId", 150, 151);
        assertTrue(Limits.checkPersonId("😀".repeat(37) + "ab").isEmpty()); // 148 + 2 = 150 bytes, 39 chars
        assertOne(Limits.checkPersonId("😀".repeat(38)), "personId", 150, 152); // 38 chars, 152 bytes
        assertEquals("personId is 151 bytes; the limit is 150 bytes", Limits.checkPersonId(bytes(151)).get(0).message());
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", " ", "\n\t"})
    void blankPersonIds(String id) {
        assertOne(Limits.checkPersonId(id), "personId", -1, -1);
        assertThrows(ValidationException.class, () -> Limits.require(Limits.checkIdentify(id, Map.of())));
    }

    @Test
    void attributeNames() {
        assertTrue(Limits.checkIdentify("1", Map.of(bytes(150), "v")).isEmpty());
        String over = bytes(151);
        assertOne(Limits.checkIdentify("1", Map.of(over, "v")), "attributes." + over, 150, 151);
        Map<String, Object> blank = new HashMap<>();
        blank.put(" ", 1);
        assertOne(Limits.checkIdentify("1", blank), "attributes", -1, -1);
        Map<String, Object> nullKey = new HashMap<>();
        nullKey.put(null, 1);
        assertOne(Limits.checkIdentify("1", nullKey), "attributes", -1, -1);
    }

    @Test
    void attributeValuesAsStringsCountUtf8Bytes() {
        assertTrue(Limits.checkIdentify("1", Map.of("plan", bytes(1000))).isEmpty());
        List<Violation> vs = Limits.checkIdentify("1", Map.of("plan", bytes(1001)));
        assertOne(vs, "attributes.plan", 1000, 1001);
        assertEquals("value for attribute 'plan' is 1001 bytes; the limit is 1000 bytes", vs.get(0).message());
        // a string with characters JSON escapes is counted as the string itself
        assertTrue(Limits.checkIdentify("1", Map.of("q", "\"".repeat(1000))).isEmpty());
    }

    @Test
    void nonStringValuesCountTheirJsonEncoding() {
        // ["xxx..."] is the string plus 4 bytes of JSON punctuation
        assertTrue(Limits.checkIdentify("1", Map.of("tags", List.of("x".repeat(996)))).isEmpty());
        assertOne(Limits.checkIdentify("1", Map.of("tags", List.of("x".repeat(997)))), "attributes.tags", 1000, 1001);
        assertTrue(Limits.checkIdentify("1", Map.of("n", 12345, "b", true, "o", Map.of("k", "v"))).isEmpty());
        Map<String, Object> nullValue = new HashMap<>();
        nullValue.put("gone", null);
        assertTrue(Limits.checkIdentify("1", nullValue).isEmpty());
    }

    @Test
    void unencodableValueIsAViolationNotACrash() {
        List<Violation> vs = Limits.checkIdentify("1", Map.of("thread", new Object()));
        assertEquals(1, vs.size());
        assertEquals("attributes.thread", vs.get(0).field());
        assertTrue(vs.get(0).message().contains("cannot be encoded as JSON"), vs.get(0).message());
    }

    @Test
    void attributeCount() {
        assertTrue(Limits.checkIdentify("1", attrs(300)).isEmpty());
        assertOne(Limits.checkIdentify("1", attrs(301)), "attributes", 300, 301);
        assertTrue(Limits.checkIdentify("1", null).isEmpty());
        assertOne(Limits.check(Operation.identify(P, attrs(301))), "attributes", 300, 301);
    }

    private static Map<String, Object> attrs(int n) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            m.put("a" + i, i);
        }
        return m;
    }

    @Test
    void eventName() {
        assertTrue(Limits.checkEvent("1", Event.builder(bytes(100)).build()).isEmpty());
        assertOne(Limits.checkEvent("1", Event.builder(bytes(101)).build()), "name", 100, 101);
        assertOne(Limits.checkEvent("1", Event.builder(" ").build()), "name", -1, -1);
        assertOne(Limits.checkEvent("1", Event.builder(null).build()), "name", -1, -1);
        assertOne(Limits.checkEvent("1", null), "event", -1, -1);
        assertOne(Limits.check(Operation.page(P, bytes(101), null)), "name", 100, 101);
        assertOne(Limits.check(Operation.screen(P, "", null)), "name", -1, -1);
    }

    @Test
    void eventData() {
        // {"d":"..."} is the string plus 8 bytes
        assertTrue(Limits.checkEvent("1", Event.builder("e").data(Map.of("d", "x".repeat(99_992))).build()).isEmpty());
        assertOne(Limits.checkEvent("1", Event.builder("e").data(Map.of("d", "x".repeat(99_993))).build()),
                "data", 100_000, 100_001);
        assertTrue(Limits.checkAnonymousEvent(null, Event.builder("e").data(Map.of("d", bytes(99_992))).build()).isEmpty());
    }

    @Test
    void eventIdAndTimestamp() {
        assertOne(Limits.checkEvent("1", Event.builder("e").id(" ").build()), "id", -1, -1);
        assertOne(Limits.checkEvent("1", Event.builder("e").timestamp(-1L).build()), "timestamp", 0, -1);
        assertOne(Limits.check(Operation.event(P, "e", null).withTimestamp(-5)), "timestamp", 0, -5);
    }

    @Test
    void anonymousId() {
        Event e = Event.builder("e").build();
        assertTrue(Limits.checkAnonymousEvent("", e).isEmpty());
        assertTrue(Limits.checkAnonymousEvent(bytes(150), e).isEmpty());
        assertOne(Limits.checkAnonymousEvent(bytes(151), e), "anonymousId", 150, 151);
    }

    @Test
    void devices() {
        assertTrue(Limits.checkDevice("1", Device.builder("t", "ios").build()).isEmpty());
        assertOne(Limits.checkDevice("1", Device.builder(" ", "ios").build()), "device.token", -1, -1);
        assertOne(Limits.checkDevice("1", Device.builder("t", null).build()), "device.platform", -1, -1);
        assertOne(Limits.checkDevice("1", null), "device", -1, -1);
        assertOne(Limits.checkDevice("1", Device.builder("t", "ios").attributes(Map.of("v", bytes(1001))).build()),
                "device.attributes.v", 1000, 1001);
        assertOne(Limits.checkDevice("1", Device.builder("t", "ios").lastUsed(-1L).build()), "device.last_used", 0, -1);
        assertOne(Limits.check(Operation.deleteDevice(P, null)), "device.token", -1, -1);
        assertOne(Limits.checkDeleteDevice("1", ""), "deviceId", -1, -1);
    }

    @Test
    void merge() {
        assertTrue(Limits.checkMerge(IdentifierType.ID, "1", IdentifierType.EMAIL, "a@b").isEmpty());
        assertOne(Limits.checkMerge(null, "1", IdentifierType.EMAIL, "a@b"), "primaryType", -1, -1);
        assertOne(Limits.checkMerge(IdentifierType.ID, "1", IdentifierType.EMAIL, bytes(151)), "secondary", 150, 151);
        assertOne(Limits.check(Operation.merge(Identifiers.id(bytes(151)), P)), "primary.id", 150, 151);
    }

    @Test
    void v2Identifiers() {
        assertTrue(Limits.check(Operation.delete(Identifiers.email(bytes(150)))).isEmpty());
        assertOne(Limits.check(Operation.delete(Identifiers.email(bytes(151)))), "identifiers.email", 150, 151);
    }

    @Test
    void relationshipsMustNotBeEmpty() {
        assertOne(Limits.check(Operation.addRelationships(P, List.of())), "cio_relationships", 1, 0);
        assertOne(Limits.check(Operation.deleteRelationships(P, null)), "cio_relationships", 1, 0);
        List<Map<String, Object>> withNull = new ArrayList<>();
        withNull.add(null);
        assertOne(Limits.check(Operation.addRelationships(P, withNull)), "cio_relationships[0]", -1, -1);
    }

    /** An event operation whose encoding is exactly {@code size} bytes. */
    static Operation eventOfSize(int size) {
        Operation empty = Operation.event(P, "e", Map.of("d", ""));
        int base = empty.toJson().length;
        Operation op = Operation.event(P, "e", Map.of("d", "x".repeat(size - base)));
        assertEquals(size, op.toJson().length);
        return op;
    }

    @Test
    void operationSize() {
        assertTrue(Limits.check(eventOfSize(32_000)).isEmpty());
        assertOne(Limits.check(eventOfSize(32_001)), "operation", 32_000, 32_001);
        // multi-byte characters count as bytes in the encoded size too
        Operation base = Operation.event(P, "e", Map.of("d", ""));
        int room = 32_000 - base.toJson().length;
        assertTrue(Limits.check(Operation.event(P, "e", Map.of("d", bytes(room)))).isEmpty());
        assertOne(Limits.check(Operation.event(P, "e", Map.of("d", bytes(room + 1)))), "operation", 32_000, 32_001);
    }

    @Test
    void batchSize() {
        // {"batch":[...]} adds 12 bytes, and one comma between operations
        int n = 17;
        int each = 29_500; // the last operation fills the rest: 27,972 bytes
        List<Operation> ops = new ArrayList<>();
        for (int i = 0; i < n - 1; i++) {
            ops.add(eventOfSize(each));
        }
        int used = 12 + (n - 1) + (n - 1) * each;
        List<Operation> atLimit = new ArrayList<>(ops);
        atLimit.add(eventOfSize(500_000 - used));
        assertTrue(Limits.checkBatch(atLimit).isEmpty());
        List<byte[]> encoded = atLimit.stream().map(Operation::toJson).toList();
        assertEquals(500_000, TrackClient.batchBody(encoded).length);

        List<Operation> over = new ArrayList<>(ops);
        over.add(eventOfSize(500_000 - used + 1));
        assertOne(Limits.checkBatch(over), "batch", 500_000, 500_001);
        assertThrows(ValidationException.class, () -> Limits.requireBatch(over));
    }

    @Test
    void batchShape() {
        assertOne(Limits.checkBatch(List.of()), "batch", 1, 0);
        assertOne(Limits.checkBatch(null), "batch", 1, 0);
        List<Operation> withNull = new ArrayList<>();
        withNull.add(Operation.delete(P));
        withNull.add(null);
        assertOne(Limits.checkBatch(withNull), "batch[1].operation", -1, -1);
        assertOne(Limits.checkBatch(List.of(Operation.delete(P), Operation.event(P, bytes(101), null))),
                "batch[1].name", 100, 101);
    }

    @Test
    void validationExceptionCarriesEveryViolation() {
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("plan", bytes(1204));
        attrs.put(bytes(151), 1);
        ValidationException e = assertThrows(ValidationException.class,
                () -> Limits.require(Limits.checkIdentify(bytes(151), attrs)));
        assertEquals(3, e.violations().size());
        assertEquals(new Violation("attributes.plan", "value for attribute 'plan' is 1204 bytes; the limit is 1000 bytes",
                1000, 1204), e.violations().get(1));
        assertTrue(e.getMessage().contains("attributes.plan: value for attribute 'plan' is 1204 bytes; the limit is 1000 bytes"),
                e.getMessage());
        assertTrue(e.getMessage().startsWith("invalid input (3 violations): personId: personId is 151 bytes"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ValidationException(List.of()));
        Limits.require(List.of()); // nothing to throw
    }

    @Test
    void typedCallsRejectBeforeSending() {
        // no server at this address: a ValidationException proves nothing was attempted
        try (TrackClient c = TrackClient.create(TrackClientConfig.builder().credentials(Credentials.of("s", "k"))
                .baseUrl(java.net.URI.create("http://127.0.0.1:9")).build())) {
            assertThrows(ValidationException.class, () -> c.identify(null, Map.of()));
            assertThrows(ValidationException.class, () -> c.delete(""));
            assertThrows(ValidationException.class, () -> c.suppress(bytes(151)));
            assertThrows(ValidationException.class, () -> c.unsuppress(" "));
            assertThrows(ValidationException.class, () -> c.track("1", null));
            assertThrows(ValidationException.class, () -> c.trackAnonymous("a", Event.builder("").build()));
            assertThrows(ValidationException.class, () -> c.addDevice("1", null));
            assertThrows(ValidationException.class, () -> c.deleteDevice("1", null));
            assertThrows(ValidationException.class, () -> c.mergeCustomers(IdentifierType.ID, "1", null, "2"));
            assertThrows(ValidationException.class, () -> c.entity(null));
            assertThrows(ValidationException.class, () -> c.batch(null));
            assertThrows(ValidationException.class, () -> c.batch(List.of(eventOfSize(32_001))));
        }
    }

    @Test
    void bytesHelperIsExact() {
        assertEquals(1001, bytes(1001).getBytes(StandardCharsets.UTF_8).length);
    }

  @Test
  void utf8LengthCountsAsTheEncoderEncodes() {
    java.util.Random r = new java.util.Random(7);
    char[] alphabet = {'a', '\u00e9', '\u4e2d', '\ud83d', '\ude00', '\u07ff', '\u0800', '\uffff', '\u0000'};
    for (int n = 0; n < 20_000; n++) {
      char[] c = new char[r.nextInt(12)];
      for (int i = 0; i < c.length; i++) {
        c[i] = alphabet[r.nextInt(alphabet.length)];
      }
      String s = new String(c);
      org.junit.jupiter.api.Assertions.assertEquals(s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length,
          Limits.utf8Length(s), s);
    }
  }
}
