package io.ciorelay.server.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.server.webhook.WebhookDeadLetter;
import io.ciorelay.server.webhook.WebhookEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The dashboard's filter over webhook dead letters, and bulk actions over a store whose ids are receipt order. */
class WebhookDeadLettersTest {
  static final WebhookDeadLetters KIND = new WebhookDeadLetters(() -> null);

  static WebhookDeadLetter dead(long seq, String person, String metric, String reason, long deadAt) {
    String body = "{\"event_id\":\"ev" + seq + "\",\"object_type\":\"email\",\"metric\":\"" + metric
        + "\",\"data\":{\"customer_id\":\"" + person + "\"}}";
    return new WebhookDeadLetter(new WebhookEvent(seq, "ev" + seq, person, 0, Instant.ofEpochMilli(deadAt - 5), "1",
        "sig", body.getBytes(StandardCharsets.UTF_8), 3), reason, Instant.ofEpochMilli(deadAt));
  }

  static Predicate<WebhookDeadLetter> match(Map<String, String> values, long asOf) {
    return KIND.matcher(DeadLetterFilter.parse(values::get), asOf);
  }

  @Test
  void theStatusIsTheHttpStatusTheReasonStartsWith() {
    assertEquals(503, WebhookDeadLetters.status("HTTP 503 (gave up after 8 attempts)"));
    assertEquals(0, WebhookDeadLetters.status("cannot be sent: invalid header value"));
    assertEquals(0, WebhookDeadLetters.status("timeout after HTTP 503"), "only at the start");
  }

  @Test
  void eachConditionNarrowsTheMatches() {
    WebhookDeadLetter opened = dead(1, "alice", "opened", "HTTP 500 (gave up after 8 attempts)", 1_000);
    WebhookDeadLetter clicked = dead(2, "bob", "clicked", "cannot be sent: bad id", 2_000);
    long now = Long.MAX_VALUE;
    assertTrue(match(Map.of(), now).test(opened));
    assertTrue(match(Map.of("type", "opened"), now).test(opened));
    assertFalse(match(Map.of("type", "opened"), now).test(clicked));
    assertTrue(match(Map.of("status", "500"), now).test(opened));
    assertTrue(match(Map.of("status", "0"), now).test(clicked), "a consumer that never answered is status 0");
    assertTrue(match(Map.of("person", "ALI"), now).test(opened));
    assertFalse(match(Map.of("person", "ali"), now).test(clicked));
    assertTrue(match(Map.of("reason", "cannot be sent"), now).test(clicked));
    assertTrue(match(Map.of("q", "email"), now).test(clicked), "q searches the object type");
    assertTrue(match(Map.of("q", "ev2"), now).test(clicked), "q searches the event id");
    assertFalse(match(Map.of("from", Instant.ofEpochMilli(1_500).toString()), now).test(opened));
    assertFalse(match(Map.of(), 1_999).test(clicked), "given up on after the count: left out");
  }

  /** Webhook dead letters keep their receipt seq when replayed, and a replayed one may be given up on again. */
  static final class Store implements DeadLetterScan.Source<WebhookDeadLetter> {
    final TreeMap<Long, WebhookDeadLetter> items = new TreeMap<>();
    final List<Long> replayed = new ArrayList<>();
    long now = 10_000;

    @Override
    public List<WebhookDeadLetter> list(long afterId, int limit) {
      return items.tailMap(afterId, false).values().stream().limit(limit).toList();
    }

    @Override
    public long id(WebhookDeadLetter item) {
      return item.event().seq();
    }

    @Override
    public long total() {
      return items.size();
    }

    @Override
    public int replay(List<Long> ids) {
      int n = 0;
      for (long id : ids) {
        WebhookDeadLetter d = items.get(id);
        if (d != null) {
          n++;
          replayed.add(id);
          items.put(id, new WebhookDeadLetter(d.event(), d.reason(), java.time.Instant.ofEpochMilli(++now)));
        }
      }
      return n;
    }

    @Override
    public int purge(List<Long> ids) {
      return (int) ids.stream().filter(id -> items.remove(id) != null).count();
    }
  }

  @Test
  void actingOnTheFilterTouchesEachCountedOneOnceAndNoneGivenUpOnAfterTheCount() {
    Store store = new Store();
    for (long seq = 1; seq <= 1_200; seq++) {
      store.items.put(seq, dead(seq, seq % 2 == 0 ? "even" : "odd", "opened", "HTTP 500", seq));
    }
    long asOf = 5_000;
    Predicate<WebhookDeadLetter> even = match(Map.of("person", "even"), asOf);
    DeadLetterScan.Count c = DeadLetterScan.count(store, even);
    assertEquals(600, c.matching());
    // An older event (lower seq than the counted ones) given up on after the count.
    store.items.put(0L, dead(0, "even", "opened", "HTTP 500", 6_000));
    DeadLetterScan.Applied a = DeadLetterScan.apply(store, even, c.upTo(), true);
    assertEquals(600, a.matched());
    assertEquals(600, store.replayed.size(), "each counted one once, though each came back under its own seq");
    assertFalse(store.replayed.contains(0L), "the late one is left alone");
  }
}
