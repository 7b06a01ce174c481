package io.ciorelay.delivery.outbox;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Test helpers: entries with readable payloads, and draining a store. */
final class Entries {
  private Entries() {}

  static NewEntry entry(String personKey, String payload) {
    return new NewEntry(personKey, "ev-" + payload, EntryKind.V2_OPERATION, bytes(payload), 1_000L);
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  static OutboxConfig.Builder config(Path dir) {
    return OutboxConfig.builder().path(dir.resolve("outbox.db"));
  }

  /** Appends and waits for the commit; returns the sequence number. */
  static long appendCommitted(Outbox outbox, NewEntry entry) throws Exception {
    AppendResult r = outbox.append(entry);
    assertTrue(r.isAccepted(), () -> "rejected: " + r.reason() + " " + r.message());
    return r.committed().get(30, TimeUnit.SECONDS);
  }

  /** Every committed pending entry of every lane, lane by lane, in seq order. */
  static List<StoredEntry> all(Outbox outbox) {
    List<StoredEntry> out = new ArrayList<>();
    for (int lane = 0; lane < outbox.lanes(); lane++) {
      out.addAll(outbox.peek(lane, Integer.MAX_VALUE, Long.MAX_VALUE));
    }
    return out;
  }
}
