package io.ciorelay.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OperationTest {
    static final Identifiers P = Identifiers.id("42");
    static final List<String> EXPECTED_WIRE = List.of(
            "{\"type\":\"person\",\"identifiers\":{\"id\":\"42\"},\"action\":\"identify\",\"timestamp\":1700000000,\"attributes\":{\"plan\":\"pro\"}}",
            "{\"type\":\"person\",\"identifiers\":{\"id\":\"42\"},\"action\":\"delete\"}",
            "{\"type\":\"person\",\"identifiers\":{\"id\":\"42\"},\"action\":\"event\",\"name\":\"purchase\",\"id\":\"01HF0000000000000000000000\",\"timestamp\":1700000000,\"attributes\":{\"sku\":\"x\"}}",
            "{\"type\":\"person\",\"identifiers\":{\"id\":\"42\"},\"action\":\"page\",\"name\":\"/pricing\"}",
            "{\"type\":\"person\",\"identifiers\":{\"id\":\"42\"},\"action\":\"screen\",\"name\":\"Home\",\"attributes\":{\"tab\":1}}",
            "{\"type\":\"person\",\"identifiers\":{\"id\":\"42\"},\"action\":\"add_relationships\",\"cio_relationships\":[{\"identifiers\":{\"object_type_id\":\"1\",\"object_id\":\"acme\"}}]}",
            "{\"type\":\"person\",\"identifiers\":{\"id\":\"42\"},\"action\":\"delete_relationships\",\"cio_relationships\":[{\"identifiers\":{\"object_type_id\":\"1\",\"object_id\":\"acme\"}}]}",
            "{\"type\":\"person\",\"identifiers\":{\"id\":\"42\"},\"action\":\"add_device\",\"device\":{\"token\":\"tok\",\"platform\":\"android\",\"last_used\":1700000000,\"attributes\":{\"push_enabled\":\"true\"}}}",
            "{\"type\":\"person\",\"identifiers\":{\"id\":\"42\"},\"action\":\"delete_device\",\"device\":{\"token\":\"tok\"}}",
            "{\"type\":\"person\",\"action\":\"merge\",\"primary\":{\"email\":\"a@example.com\"},\"secondary\":{\"cio_id\":\"c1\"}}",
            "{\"type\":\"person\",\"identifiers\":{\"phone\":\"+15551234567\"},\"action\":\"suppress\"}",
            "{\"type\":\"person\",\"identifiers\":{\"cio_id\":\"c1\"},\"action\":\"unsuppress\"}",
            "{\"type\":\"object\",\"identifiers\":{\"object_type_id\":\"1\",\"object_id\":\"acme\"},\"action\":\"identify\",\"attributes\":{\"name\":\"Acme\"},\"cio_relationships\":[{\"identifiers\":{\"id\":\"42\"}}]}",
            "{\"type\":\"object\",\"identifiers\":{\"object_type_id\":\"2\",\"object_id\":\"team\"},\"action\":\"identify_anonymous\",\"cio_relationships\":[{\"identifiers\":{\"anonymous_id\":\"a1\"}}]}",
            "{\"type\":\"object\",\"identifiers\":{\"object_type_id\":\"1\",\"object_id\":\"acme\"},\"action\":\"delete\"}");

    static List<Operation> oneOfEachAction() {
        Map<String, Object> objectIds = new java.util.LinkedHashMap<>(); // ordered, so the expected bytes are stable
        objectIds.put("object_type_id", "1");
        objectIds.put("object_id", "acme");
        List<Map<String, Object>> rel = List.of(Map.of("identifiers", objectIds));
        return List.of(
                Operation.identify(P, Map.of("plan", "pro")).withTimestamp(1700000000L),
                Operation.delete(P),
                Operation.event(P, "purchase", Map.of("sku", "x")).withId("01HF0000000000000000000000").withTimestamp(1700000000L),
                Operation.page(P, "/pricing", null),
                Operation.screen(P, "Home", Map.of("tab", 1)),
                Operation.addRelationships(P, rel),
                Operation.deleteRelationships(P, rel),
                Operation.addDevice(P, Device.builder("tok", "android").lastUsed(1700000000L)
                        .attributes(Map.of("push_enabled", "true")).build()),
                Operation.deleteDevice(P, "tok"),
                Operation.merge(Identifiers.email("a@example.com"), Identifiers.cioId("c1")),
                Operation.suppress(Identifiers.phone("+15551234567")),
                Operation.unsuppress(Identifiers.cioId("c1")),
                Operation.objectIdentify(ObjectIdentifiers.of("1", "acme"), Map.of("name", "Acme"),
                        List.of(Map.of("identifiers", Map.of("id", "42")))),
                Operation.objectIdentifyAnonymous(ObjectIdentifiers.of("2", "team"), null,
                        List.of(Map.of("identifiers", Map.of("anonymous_id", "a1")))),
                Operation.objectDelete(ObjectIdentifiers.of("1", "acme")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e999", "-1e999", "1.5e400"})
    void fromJsonRefusesANumberThatOverflowsToInfinityInsteadOfSendingTheStringInfinity(String number) {
        byte[] json = ("{\"type\":\"person\",\"identifiers\":{\"id\":\"42\"},\"action\":\"identify\","
                + "\"attributes\":{\"score\":[1," + number + "]}}").getBytes(StandardCharsets.UTF_8);
        ValidationException e = assertThrows(ValidationException.class, () -> Operation.fromJson(json));
        assertEquals("attributes.score[1]", e.violations().get(0).field());
        assertTrue(e.getMessage().contains("out of range"), e.getMessage());
    }

    @Test
    void anInfiniteOrNaNAttributeCannotBeEncodedAndIsRefusedNamingTheField() {
        for (Object bad : List.of(Double.POSITIVE_INFINITY, Double.NaN, Float.NEGATIVE_INFINITY)) {
            List<Violation> vs = Limits.check(Operation.identify(P, Map.of("score", bad)));
            assertEquals(1, vs.size(), vs.toString());
            assertEquals("attributes.score", vs.get(0).field(), vs.toString());
            assertTrue(vs.get(0).message().contains("finite"), vs.toString());
            List<Violation> event = Limits.check(Operation.event(P, "e", Map.of("nested", Map.of("x", bad))));
            assertEquals("attributes", event.get(0).field(), event.toString());
        }
        assertEquals("{\"type\":\"person\",\"identifiers\":{\"id\":\"42\"},\"action\":\"identify\","
                + "\"attributes\":{\"f\":1.5}}",
                new String(Operation.identify(P, Map.of("f", 1.5f)).toJson(), StandardCharsets.UTF_8), "finite floats still work");
    }

    @Test
    void everyActionHasItsWireForm() {
        List<Operation> ops = oneOfEachAction();
        List<Action> seen = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            assertEquals(EXPECTED_WIRE.get(i), new String(ops.get(i).toJson(), StandardCharsets.UTF_8));
            seen.add(ops.get(i).action());
        }
        assertTrue(seen.containsAll(List.of(Action.values())), "covers every action: " + seen);
    }

    @Test
    void objectOperationsOrderWithTheirRelatedPerson() {
        List<Operation> ops = oneOfEachAction();
        assertEquals("id:42", ops.get(ops.size() - 3).personKey());
        assertEquals("anon:a1", ops.get(ops.size() - 2).personKey());
        assertEquals("object:1/acme", ops.get(ops.size() - 1).personKey());
        assertTrue(ops.get(ops.size() - 1).isObject());
    }

    @Test
    void objectOperationsRefuseWhatAnObjectCannotHave() {
        ValidationException e = org.junit.jupiter.api.Assertions.assertThrows(ValidationException.class, () -> Operation.fromJson(
                "{\"type\":\"object\",\"identifiers\":{\"object_type_id\":\"1\",\"object_id\":\"a\"},\"action\":\"event\"}"
                        .getBytes(StandardCharsets.UTF_8)));
        assertEquals("action", e.violations().get(0).field());
        e = org.junit.jupiter.api.Assertions.assertThrows(ValidationException.class, () -> Operation.fromJson(
                "{\"type\":\"object\",\"identifiers\":{\"id\":\"1\"},\"action\":\"identify\"}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("identifiers", e.violations().get(0).field());
        e = org.junit.jupiter.api.Assertions.assertThrows(ValidationException.class, () -> Operation.fromJson(
                "{\"type\":\"person\",\"identifiers\":{\"id\":\"1\"},\"action\":\"identify_anonymous\"}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("action", e.violations().get(0).field());
        assertEquals("cio_relationships", Limits.check(Operation.objectIdentifyAnonymous(ObjectIdentifiers.of("1", "a"), null, null))
                .get(0).field());
    }

    @Test
    void fromJsonIsTheInverseOfToJson() {
        for (Operation op : oneOfEachAction()) {
            Operation back = Operation.fromJson(op.toJson());
            assertArrayEquals(op.toJson(), back.toJson());
            assertEquals(op.action(), back.action());
            assertEquals(op.personKey(), back.personKey());
        }
        Operation ev = Operation.fromJson(EXPECTED_WIRE.get(2).getBytes(StandardCharsets.UTF_8));
        assertEquals("purchase", ev.name());
        assertEquals("01HF0000000000000000000000", ev.id());
        assertEquals(1700000000L, ev.timestamp());
        assertEquals(Map.of("sku", "x"), ev.attributes());
    }

    @Test
    void accessorsAndPersonKey() {
        Operation merge = Operation.merge(Identifiers.email("a@example.com"), Identifiers.cioId("c1"));
        assertNull(merge.identifiers());
        assertEquals("email:a@example.com", merge.personKey());
        assertEquals(Identifiers.cioId("c1"), merge.secondary());
        assertEquals("id:42", Operation.delete(P).personKey());
        assertEquals("phone:+1", Operation.delete(Identifiers.phone("+1")).personKey());
        Operation dev = Operation.addDevice(P, Device.builder("t", "ios").build());
        assertEquals("t", dev.device().token());
        assertEquals(Map.of("id", "42"), P.toMap());
        assertEquals(IdentifierType.ID, P.type());
        assertEquals("42", P.value());
    }

    @Test
    void withIdAndWithTimestampCopy() {
        Operation a = Operation.event(P, "e", null);
        Operation b = a.withId("01A").withTimestamp(5);
        assertNull(a.id());
        assertNull(a.timestamp());
        assertEquals("01A", b.id());
        assertEquals(5L, b.timestamp());
        assertEquals(b, Operation.event(P, "e", Map.of()).withTimestamp(5).withId("01A"));
    }

    @Test
    void attributeMapsAreCopied() {
        Map<String, Object> m = new java.util.HashMap<>(Map.of("a", 1));
        Operation op = Operation.identify(P, m);
        m.put("b", 2);
        assertEquals(Map.of("a", 1), op.attributes());
        assertThrows(UnsupportedOperationException.class, () -> op.attributes().put("c", 3));
    }

    @Test
    void factoriesRejectNullIdentifiersNamingTheField() {
        ValidationException e = assertThrows(ValidationException.class, () -> Operation.identify(null, Map.of()));
        assertEquals("identifiers", e.violations().get(0).field());
        e = assertThrows(ValidationException.class, () -> Operation.merge(P, null));
        assertEquals("secondary", e.violations().get(0).field());
        e = assertThrows(ValidationException.class, () -> Operation.addDevice(P, null));
        assertEquals("device", e.violations().get(0).field());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t"})
    void blankIdentifiersAreRejected(String v) {
        ValidationException e = assertThrows(ValidationException.class, () -> Identifiers.email(v));
        assertEquals("identifiers.email", e.violations().get(0).field());
        assertThrows(ValidationException.class, () -> Identifiers.id(null));
        assertThrows(ValidationException.class, () -> Identifiers.of(null, "x"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "not json|`{\"type\":`|operation",
        "garbage|`hello`|operation",
        "trailing garbage|`{\"type\":\"person\"} x`|operation",
        "array|`[1,2]`|operation",
        "string|`\"person\"`|operation",
        "missing type|`{\"identifiers\":{\"id\":\"1\"},\"action\":\"delete\"}`|type",
        "object identifiers|`{\"type\":\"object\",\"identifiers\":{\"id\":\"1\"},\"action\":\"delete\"}`|identifiers",
        "unknown type|`{\"type\":\"delivery\",\"identifiers\":{\"id\":\"1\"},\"action\":\"delete\"}`|type",
        "type number|`{\"type\":1,\"identifiers\":{\"id\":\"1\"},\"action\":\"delete\"}`|type",
        "missing action|`{\"type\":\"person\",\"identifiers\":{\"id\":\"1\"}}`|action",
        "unknown action|`{\"type\":\"person\",\"identifiers\":{\"id\":\"1\"},\"action\":\"explode\"}`|action",
        "missing identifiers|`{\"type\":\"person\",\"action\":\"delete\"}`|identifiers",
        "identifiers string|`{\"type\":\"person\",\"identifiers\":\"1\",\"action\":\"delete\"}`|identifiers",
        "two identifiers|`{\"type\":\"person\",\"identifiers\":{\"id\":\"1\",\"email\":\"a@b\"},\"action\":\"delete\"}`|identifiers",
        "no identifier|`{\"type\":\"person\",\"identifiers\":{},\"action\":\"delete\"}`|identifiers",
        "unknown identifier|`{\"type\":\"person\",\"identifiers\":{\"uid\":\"1\"},\"action\":\"delete\"}`|identifiers.uid",
        "numeric id|`{\"type\":\"person\",\"identifiers\":{\"id\":1},\"action\":\"delete\"}`|identifiers.id",
        "blank id|`{\"type\":\"person\",\"identifiers\":{\"id\":\" \"},\"action\":\"delete\"}`|identifiers.id",
        "event without name|`{\"type\":\"person\",\"identifiers\":{\"id\":\"1\"},\"action\":\"event\"}`|name",
        "name number|`{\"type\":\"person\",\"identifiers\":{\"id\":\"1\"},\"action\":\"event\",\"name\":5}`|name",
        "timestamp string|`{\"type\":\"person\",\"identifiers\":{\"id\":\"1\"},\"action\":\"event\",\"name\":\"e\",\"timestamp\":\"now\"}`|timestamp",
        "timestamp fraction|`{\"type\":\"person\",\"identifiers\":{\"id\":\"1\"},\"action\":\"event\",\"name\":\"e\",\"timestamp\":1.5}`|timestamp",
        "id number|`{\"type\":\"person\",\"identifiers\":{\"id\":\"1\"},\"action\":\"event\",\"name\":\"e\",\"id\":7}`|id",
        "attributes array|`{\"type\":\"person\",\"identifiers\":{\"id\":\"1\"},\"action\":\"identify\",\"attributes\":[1]}`|attributes",
        "attributes on delete|`{\"type\":\"person\",\"identifiers\":{\"id\":\"1\"},\"action\":\"delete\",\"attributes\":{\"a\":1}}`|attributes",
        "name on identify|`{\"type\":\"person\",\"identifiers\":{\"id\":\"1\"},\"action\":\"identify\",\"name\":\"x\"}`|name",
        "device missing|`{\"type\":\"person\",\"identifiers\":{\"id\":\"1\"},\"action\":\"add_device\"}`|device",
        "device string|`{\"type\":\"person\",\"identifiers\":{\"id\":\"1\"},\"action\":\"add_device\",\"device\":\"t\"}`|device",
        "device no token|`{\"type\":\"person\",\"identifiers\":{\"id\":\"1\"},\"action\":\"add_device\",\"device\":{\"platform\":\"ios\"}}`|device.token",
        "device no platform|`{\"type\":\"person\",\"identifiers\":{\"id\":\"1\"},\"action\":\"add_device\",\"device\":{\"token\":\"t\"}}`|device.platform",
        "device last_used string|`{\"type\":\"person\",\"identifiers\":{\"id\":\"1\"},\"action\":\"add_device\",\"device\":{\"token\":\"t\",\"platform\":\"ios\",\"last_used\":\"x\"}}`|device.last_used",
        "merge without secondary|`{\"type\":\"person\",\"action\":\"merge\",\"primary\":{\"id\":\"1\"}}`|secondary",
        "merge with identifiers|`{\"type\":\"person\",\"identifiers\":{\"id\":\"1\"},\"action\":\"merge\",\"primary\":{\"id\":\"1\"},\"secondary\":{\"id\":\"2\"}}`|identifiers",
        "relationships object|`{\"type\":\"person\",\"identifiers\":{\"id\":\"1\"},\"action\":\"add_relationships\",\"cio_relationships\":{}}`|cio_relationships",
        "relationship number|`{\"type\":\"person\",\"identifiers\":{\"id\":\"1\"},\"action\":\"add_relationships\",\"cio_relationships\":[1]}`|cio_relationships[0]",
        "unknown field|`{\"type\":\"person\",\"identifiers\":{\"id\":\"1\"},\"action\":\"delete\",\"extra\":1}`|extra",
    })
    void fromJsonRejectsMalformedInputNamingTheField(String description, String json, String field) {
        ValidationException e = assertThrows(ValidationException.class,
                () -> Operation.fromJson(json.getBytes(StandardCharsets.UTF_8)));
        assertEquals(field, e.violations().get(0).field(), e.getMessage());
        assertTrue(e.getMessage().contains(field), e.getMessage());
    }

    @Test
    void fromJsonRejectsNullAndEmpty() {
        assertEquals("operation", assertThrows(ValidationException.class, () -> Operation.fromJson(null))
                .violations().get(0).field());
        assertEquals("operation", assertThrows(ValidationException.class, () -> Operation.fromJson(new byte[0]))
                .violations().get(0).field());
        byte[] truncated = EXPECTED_WIRE.get(2).substring(0, 40).getBytes(StandardCharsets.UTF_8);
        assertThrows(ValidationException.class, () -> Operation.fromJson(truncated));
    }

    @Test
    void twoIdentifiersReportLimitOneAndActualCount() {
        ValidationException e = assertThrows(ValidationException.class, () -> Operation.fromJson(
                "{\"type\":\"person\",\"identifiers\":{\"id\":\"1\",\"email\":\"a@b\",\"phone\":\"+1\"},\"action\":\"delete\"}"
                        .getBytes(StandardCharsets.UTF_8)));
        Violation v = e.violations().get(0);
        assertEquals(1, v.limit());
        assertEquals(3, v.actual());
    }
}
