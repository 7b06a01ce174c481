package io.ciorelay.simulator;

import java.util.ArrayList;
import java.util.List;

/**
 * Validation problems found in one operation, in the order found. Each has a v2-style reason and
 * field plus the message text (for v1 only the message is sent). Not thread-safe; one per operation.
 */
final class Problems {
  record Problem(String reason, String field, String message) {}

  private List<Problem> list;

  void add(String reason, String field, String message) {
    if (list == null) {
      list = new ArrayList<>(2);
    }
    list.add(new Problem(reason, field, message));
  }

  boolean isEmpty() {
    return list == null;
  }

  List<Problem> list() {
    return list == null ? List.of() : list;
  }
}
