package io.ciorelay.delivery;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A deterministic mix of identifies and events over many persons. Every operation carries a
 * {@code seq} attribute, increasing in acceptance order, so per-person order can be checked.
 */
final class Workload {
  final List<String> eventIds = new ArrayList<>();
  int identifies;
  private long seq;
  private final int persons;

  Workload(int persons) {
    this.persons = persons;
  }

  /** Sends {@code n} operations: one identify in five, the rest events. Asserts each is accepted. */
  void send(CustomerIo cio, int n) {
    for (int i = 0; i < n; i++) {
      long s = seq++;
      String person = "person-" + (s % persons);
      Receipt r;
      if (s % 5 == 0) {
        r = cio.identify(person, Map.of("seq", s, "plan", "pro", "email", person + "@example.com"));
        identifies++;
      } else {
        r = cio.track(person, "purchase", Map.of("seq", s, "sku", "sku-" + (s % 97), "price", 9.99));
        eventIds.add(r.eventId());
      }
      assertTrue(r.isAccepted(), "operation " + s + " was not accepted: " + r);
    }
  }

  long total() {
    return seq;
  }
}
