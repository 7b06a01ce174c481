package io.ciorelay.server.relay;

import static io.ciorelay.server.RawHttp.requireNo5xxAndReasoned4xx;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import io.ciorelay.client.Operation;
import io.ciorelay.delivery.outbox.Durability;
import io.ciorelay.delivery.outbox.NewEntry;
import io.ciorelay.delivery.outbox.Outbox;
import io.ciorelay.delivery.outbox.OutboxFactory;
import io.ciorelay.server.RawHttp;
import io.ciorelay.simulator.CioSimulator;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzz targets for the relay's Track routes, driven over real HTTP against one in-process relay
 * (real SQLite outbox on tmpfs, delivery paused so what was stored stays observable). The
 * property: every answer is a 2xx or a 4xx with a reason, never a 5xx or a hang; a 4xx stores
 * nothing; and in a {@code 207} batch every operation not reported is stored unchanged. Runs its
 * committed corpus ({@code RelayFuzzTestInputs/}) in {@code ./mvnw verify}; fuzz with
 * {@code bench/fuzz.sh RelayFuzzTest#v2Batch 600}.
 */
class RelayFuzzTest {
  /** Track v1 routes: method, path with {@code {id}} for the fuzzed segment, whether it takes a body. */
  private static final List<String[]> V1_ROUTES = List.of(
      new String[] {"PUT", "/api/v1/customers/{id}"},
      new String[] {"DELETE", "/api/v1/customers/{id}"},
      new String[] {"POST", "/api/v1/customers/{id}/suppress"},
      new String[] {"POST", "/api/v1/customers/{id}/unsuppress"},
      new String[] {"POST", "/api/v1/customers/{id}/events"},
      new String[] {"PUT", "/api/v1/customers/{id}/devices"},
      new String[] {"DELETE", "/api/v1/customers/p1/devices/{id}"},
      new String[] {"POST", "/api/v1/merge_customers"},
      new String[] {"POST", "/api/v1/events"},
      new String[] {"GET", "/api/v1/accounts/region"});

  private static final ConcurrentLinkedQueue<NewEntry> appended = new ConcurrentLinkedQueue<>();
  private static CioSimulator sim;
  private static RelayServer relay;
  private static Path dir;
  private static List<String> auth;

  @BeforeAll
  static void start() throws IOException {
    Path shm = Path.of("/dev/shm");
    dir = Files.isDirectory(shm) ? Files.createTempDirectory(shm, "relay-fuzz") : Files.createTempDirectory("relay-fuzz");
    sim = CioSimulator.builder().rateLimit(0).build().start();
    relay = RelayServer.builder(RelayTestSupport.config(sim, dir).build())
        .customerIo(cb -> cb.durability(Durability.SYNC).outboxFactory(c -> recording(OutboxFactory.SQLITE.open(c))))
        .build().start();
    relay.customerIo().pause();
    auth = List.of("Authorization: " + RelayTestSupport.basic(sim.siteId(), sim.apiKey()));
  }

  @AfterAll
  static void stop() throws IOException {
    relay.stop();
    sim.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** The store, with every append also noted in {@link #appended}. */
  private static Outbox recording(Outbox real) {
    return (Outbox) Proxy.newProxyInstance(Outbox.class.getClassLoader(), new Class<?>[] {Outbox.class},
        (proxy, method, args) -> {
          if (method.getName().equals("append")) {
            appended.add((NewEntry) args[0]);
          }
          try {
            return method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  /** Sends one request and checks the property every answer has: no 5xx, a reasoned 4xx that stored nothing. */
  private static RawHttp.Response exchange(String method, String target, byte[] body) throws IOException {
    appended.clear();
    RawHttp.Response r = RawHttp.send(relay.port(), method, target, auth, body);
    String what = method + " " + target + " " + (body == null ? "" : RawHttp.abbreviate(new String(body, StandardCharsets.UTF_8)));
    requireNo5xxAndReasoned4xx(r, what);
    if (r.status() >= 400) {
      assertTrue(appended.isEmpty(), "a refused request stored nothing: " + what);
    }
    return r;
  }

  /**
   * Input: byte 0 picks the route, the bytes up to the first newline are the path segment (bytes
   * outside {@code [A-Za-z0-9-._~%]} percent-encoded, {@code %} passed through as is), the rest is the body.
   */
  @FuzzTest(maxDuration = "30s")
  void trackV1(byte[] input) throws IOException {
    if (input.length == 0) {
      return;
    }
    String[] route = V1_ROUTES.get(Byte.toUnsignedInt(input[0]) % V1_ROUTES.size());
    int nl = 1;
    while (nl < input.length && input[nl] != '\n') {
      nl++;
    }
    String segment = rawSegment(input, 1, nl);
    byte[] body = nl < input.length ? java.util.Arrays.copyOfRange(input, nl + 1, input.length) : new byte[0];
    String target = route[1].replace("{id}", segment);
    RawHttp.Response r = exchange(route[0], target, route[0].equals("GET") ? null : body);
    if (r.status() == 200 && !route[0].equals("GET")) {
      assertEquals("{}", r.body(), target);
    }
  }

  @FuzzTest(maxDuration = "30s")
  void v2Entity(byte[] body) throws IOException {
    RawHttp.Response r = exchange("POST", "/api/v2/entity", body);
    String what = "POST /api/v2/entity " + RawHttp.abbreviate(new String(body, StandardCharsets.UTF_8));
    if (r.status() < 400) {
      assertEquals(200, r.status(), what);
      assertStoredUnchanged(List.of(RelayTestSupport.JSON.readTree(body)), appended, what);
    }
  }

  @FuzzTest(maxDuration = "30s")
  void v2Batch(byte[] body) throws IOException {
    RawHttp.Response r = exchange("POST", "/api/v2/batch", body);
    String what = "POST /api/v2/batch " + RawHttp.abbreviate(new String(body, StandardCharsets.UTF_8));
    if (r.status() >= 400) {
      return;
    }
    assertTrue(r.status() == 200 || r.status() == 207, r.status() + " " + what);
    Set<Integer> refused = new HashSet<>();
    if (r.status() == 207) {
      for (JsonNode e : r.json().path("errors")) {
        assertTrue(e.path("batch_index").isInt() && !e.path("message").asText("").isBlank(), "207 error entry: " + e);
        refused.add(e.path("batch_index").asInt());
      }
      assertTrue(!refused.isEmpty(), "a 207 names the refused operations: " + r.body());
    }
    JsonNode batch = RelayTestSupport.JSON.readTree(body).path("batch");
    List<JsonNode> kept = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      if (!refused.contains(i)) {
        kept.add(batch.get(i));
      }
    }
    assertStoredUnchanged(kept, appended, what);
  }

  /** Each sent operation was stored, in order, as sent (the relay adds only an event id and a timestamp when absent). */
  private static void assertStoredUnchanged(List<JsonNode> sent, java.util.Collection<NewEntry> stored, String what)
      throws IOException {
    List<NewEntry> entries = List.copyOf(stored);
    assertEquals(sent.size(), entries.size(), "operations stored for " + what);
    for (int i = 0; i < sent.size(); i++) {
      Operation expected = Operation.fromJson(RelayTestSupport.JSON.writeValueAsBytes(sent.get(i)));
      Operation actual = Operation.fromJson(entries.get(i).payload());
      if (expected.id() == null && actual.id() != null) {
        expected = expected.withId(actual.id());
      }
      if (expected.timestamp() == null && actual.timestamp() != null) {
        expected = expected.withTimestamp(actual.timestamp());
      }
      assertEquals(expected, actual, "operation " + i + " stored unchanged for " + what);
    }
  }

  private static String rawSegment(byte[] b, int from, int to) {
    StringBuilder s = new StringBuilder();
    for (int i = from; i < to; i++) {
      int c = Byte.toUnsignedInt(b[i]);
      if (Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '.' || c == '_' || c == '~' || c == '%') {
        s.append((char) c);
      } else {
        s.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return s.toString();
  }
}
