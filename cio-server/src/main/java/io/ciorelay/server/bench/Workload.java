package io.ciorelay.server.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Realistic operations for benchmarks: many persons; one identify in five with ten attributes,
 * the rest events with ten data fields. Deterministic. Not thread-safe.
 */
final class Workload {
  private final int persons;
  private long n;

  Workload(int persons) {
    this.persons = persons;
  }

  boolean nextIsIdentify() {
    return n % 5 == 0;
  }

  String nextPerson() {
    return "bench-person-" + (n % persons);
  }

  Map<String, Object> identifyAttributes() {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("email", "person" + (n % persons) + "@example.com");
    a.put("first_name", "Ada");
    a.put("last_name", "Lovelace");
    a.put("plan", (n & 1) == 0 ? "pro" : "team");
    a.put("created_at", 1_700_000_000L + n);
    a.put("country", "DE");
    a.put("language", "de");
    a.put("company", "Analytical Engines Ltd");
    a.put("seats", (int) (n % 50));
    a.put("trial", false);
    n++;
    return a;
  }

  Map<String, Object> eventData() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("order_id", "ord-" + n);
    d.put("sku", "sku-" + (n % 997));
    d.put("price", 19.99);
    d.put("currency", "EUR");
    d.put("quantity", (int) (n % 5) + 1);
    d.put("category", "shoes");
    d.put("campaign", "winter-sale");
    d.put("coupon", "SAVE10");
    d.put("channel", "web");
    d.put("first_purchase", (n % 7) == 0);
    n++;
    return d;
  }
}
