package io.ciorelay.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Operation#toJson()} streams its fields instead of serialising {@code toWire()}'s map: the
 * bytes must be exactly what the mapper writes for that map, for every kind of operation and value.
 */
class OperationJsonTest {
  private static byte[] viaMapper(Operation op) throws Exception {
    return Json.MAPPER.writeValueAsBytes(op.toWire());
  }

  @Test
  void everyKindOfOperationIsWrittenAsTheMapperWritesItsWireMap() throws Exception {
    Random r = new Random(20261202);
    for (int n = 0; n < 3_000; n++) {
      Operation op = randomOperation(r);
      assertArrayEquals(viaMapper(op), op.toJson(), () -> new String(op.toWire().toString()));
    }
  }

  @Test
  void aNumberWithNoJsonFormIsRefusedNamingTheOperation() {
    Operation op = Operation.event(Identifiers.id("p"), "e", Map.of("x", Double.POSITIVE_INFINITY));
    ValidationException e = assertThrows(ValidationException.class, op::toJson);
    assertEquals("operation", e.violations().get(0).field());
    assertTrue(e.getMessage().contains("no JSON form"), e.getMessage());
    Operation nested = Operation.event(Identifiers.id("p"), "e", Map.of("x", List.of(Map.of("y", Float.NaN))));
    assertThrows(ValidationException.class, nested::toJson);
  }

  @Test
  void aRefusedWriteLeavesTheNextOneOnTheSameThreadWhole() throws Exception {
    Operation good = Operation.event(Identifiers.id("p"), "e", Map.of("a", 1));
    Operation bad = Operation.event(Identifiers.id("p"), "e", Map.of("x", List.of(1, Map.of("y", Double.NaN))));
    assertThrows(ValidationException.class, bad::toJson);
    assertArrayEquals(viaMapper(good), good.toJson());
    assertArrayEquals(viaMapper(good), good.toJson(), "two in a row, no separator between them");
  }

  @Test
  void aMapWithANullKeyIsRefusedAsTheMapperRefusesIt() {
    Map<String, Object> bad = new LinkedHashMap<>();
    bad.put(null, 1);
    Operation op = Operation.event(Identifiers.id("p"), "e", Map.of("x", bad));
    assertThrows(ValidationException.class, op::toJson);
  }

  private static Operation randomOperation(Random r) {
    Identifiers who = r.nextBoolean() ? Identifiers.id("p" + r.nextInt(100)) : Identifiers.email("a" + r.nextInt(9) + "@x.io");
    Map<String, Object> attrs = randomMap(r, 0);
    switch (r.nextInt(12)) {
      case 0: return Operation.identify(who, attrs);
      case 1: return Operation.event(who, text(r), attrs).withId("01J" + r.nextInt(1_000_000)).withTimestamp(r.nextInt());
      case 2: return Operation.page(who, "https://x.io/" + r.nextInt(9), attrs);
      case 3: return Operation.screen(who, text(r), attrs).withTimestamp(1_700_000_000L + r.nextInt(1000));
      case 4: return Operation.delete(who);
      case 5: return Operation.suppress(who);
      case 6: return Operation.addDevice(who, Device.builder("tok" + r.nextInt(9), "ios").lastUsed(5L).attributes(attrs).build());
      case 7: return Operation.deleteDevice(who, "tok");
      case 8: return Operation.merge(who, Identifiers.id("q" + r.nextInt(9)));
      case 9: return Operation.addRelationships(who, List.of(Map.of("identifiers", Map.of("object_type_id", "1", "object_id", "o"))));
      case 10: return Operation.objectIdentify(ObjectIdentifiers.of("1", "o" + r.nextInt(9)), attrs,
          List.of(Map.of("identifiers", Map.of("id", "p"))));
      default: return Operation.objectDelete(ObjectIdentifiers.of("2", "o"));
    }
  }

  private static Map<String, Object> randomMap(Random r, int depth) {
    Map<String, Object> m = new LinkedHashMap<>();
    int n = r.nextInt(depth == 0 ? 8 : 4);
    for (int i = 0; i < n; i++) {
      m.put(text(r) + i, randomValue(r, depth));
    }
    return m;
  }

  private static Object randomValue(Random r, int depth) {
    switch (r.nextInt(depth > 2 ? 10 : 12)) {
      case 0: return text(r);
      case 1: return r.nextInt();
      case 2: return r.nextLong();
      case 3: return r.nextDouble() * 1e6 - 5e5;
      case 4: return (float) r.nextDouble();
      case 5: return r.nextBoolean();
      case 6: return null;
      case 7: return (short) r.nextInt(100);
      case 8: return new BigDecimal("12345678901234567890.123");
      case 9: return "\u00e9\u4e2d\ud83d\ude00\"\\\n\t\u0001";
      case 10: return randomMap(r, depth + 1);
      default:
        List<Object> l = new ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) {
          l.add(randomValue(r, depth + 1));
        }
        return l;
    }
  }

  private static String text(Random r) {
    byte[] b = new byte[1 + r.nextInt(8)];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) ('a' + r.nextInt(26));
    }
    return new String(b, StandardCharsets.US_ASCII);
  }
}
