package io.ciorelay.delivery.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TopLevelActionTest {
  private static final byte[] MERGE = "merge".getBytes(StandardCharsets.UTF_8);

  private static boolean merge(String json) {
    return TopLevelAction.is(json.getBytes(StandardCharsets.UTF_8), MERGE);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"type\":\"person\",\"action\":\"merge\",\"primary\":{\"id\":\"a\"},\"secondary\":{\"id\":\"b\"}}|true",
      "{\"primary\":{\"id\":\"a\",\"action\":\"x\"},\"action\":\"merge\"}|true",
      " { \"type\" : \"person\" , \"action\" : \"merge\" } |true",
      "{\"t\":[1,{\"action\":\"merge\"},\"]\"],\"n\":-1.5e3,\"b\":true,\"z\":null,\"action\":\"merge\"}|true",
      "{\"k\\\"action\":\"merge\",\"action\":\"event\"}|false",
      "{\"type\":\"person\",\"action\":\"event\",\"attributes\":{\"action\":\"merge\"}}|false",
      "{\"attributes\":{\"action\":\"merge\"}}|false",
      "{\"name\":\"\\\"action\\\":\\\"merge\\\"\"}|false",
      "{\"action\":\"merger\"}|false",
      "{\"action\":\"merg\"}|false",
      "{\"action\":1}|false",
      "[\"action\",\"merge\"]|false",
      "{\"action\":\"merge\"|true",
      "{\"action\"|false",
      "{\"a\":{\"b\":\"unterminated}|false",
      "|false",
  })
  void readsOnlyTheTopLevelAction(String json, boolean expected) {
    assertEquals(expected, merge(json == null ? "" : json), json);
  }

  @Test
  void agreesWithAParserOnRandomObjects() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    Random random = new Random(20261202);
    String[] words = {"action", "merge", "event", "type", "a\\\"b", "{", "]", ","};
    for (int n = 0; n < 5_000; n++) {
      String json = randomObject(random, words, 0);
      JsonNode tree = mapper.readTree(json);
      boolean expected = tree.path("action").isTextual() && tree.path("action").asText().equals("merge");
      assertEquals(expected, merge(json), json);
    }
    assertTrue(merge("{\"action\":\"merge\"}"));
    assertFalse(merge("{}"));
  }

  private static String randomObject(Random r, String[] words, int depth) {
    StringBuilder sb = new StringBuilder("{");
    int fields = r.nextInt(5);
    java.util.Set<String> keys = new java.util.HashSet<>();
    for (int i = 0; i < fields; i++) {
      String key = words[r.nextInt(words.length)];
      if (!keys.add(key)) {
        continue;
      }
      if (sb.length() > 1) {
        sb.append(',');
      }
      sb.append('"').append(key).append("\":").append(randomValue(r, words, depth));
    }
    return sb.append('}').toString();
  }

  private static String randomValue(Random r, String[] words, int depth) {
    switch (r.nextInt(depth > 2 ? 4 : 6)) {
      case 0: return "\"" + words[r.nextInt(words.length)] + "\"";
      case 1: return Integer.toString(r.nextInt(2000) - 1000);
      case 2: return r.nextBoolean() ? "true" : "null";
      case 3: return "\"merge\"";
      case 4: return randomObject(r, words, depth + 1);
      default: return "[" + randomValue(r, words, depth + 1) + "," + randomObject(r, words, depth + 1) + "]";
    }
  }
}
