package io.ciorelay.delivery.outbox;

import static io.ciorelay.delivery.outbox.Entries.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A million-entry backlog stays on disk: peek reads only what it is asked for. */
class LargeBacklogTest {

  private static final int ENTRIES = 1_000_000;

  @TempDir Path dir;

  @Test
  void peekOverAMillionPendingEntriesReturnsOnlyTheBoundedCount() throws Exception {
    OutboxConfig cfg = config(dir).lanes(4).durability(Durability.ASYNC).overflowPolicy(OverflowPolicy.BLOCK)
        .blockTimeout(Duration.ofMinutes(5)).maxGroupSize(16_384).build();
    byte[] payload = new byte[16];
    try (SqliteOutbox outbox = SqliteOutbox.open(cfg)) {
      CompletableFuture<Long> last = null;
      for (int i = 0; i < ENTRIES; i++) {
        AppendResult r = outbox.append(new NewEntry("p" + (i % 1000), null, EntryKind.V2_OPERATION, payload, i));
        assertTrue(r.isAccepted(), r::message);
        last = r.committed();
      }
      last.get(5, TimeUnit.MINUTES);
      assertEquals(ENTRIES, outbox.stats().pending());
      assertEquals(16L * ENTRIES, outbox.stats().pendingBytes());

      long total = 0;
      for (int lane = 0; lane < outbox.lanes(); lane++) {
        long pending = outbox.pending(lane);
        assertTrue(pending > 1000);
        total += pending;
        List<StoredEntry> page = outbox.peek(lane, 500, Long.MAX_VALUE);
        assertEquals(500, page.size());
        assertEquals(64, outbox.peek(lane, 500, 64 * 16).size());
        for (int i = 1; i < page.size(); i++) {
          assertTrue(page.get(i).seq() > page.get(i - 1).seq());
        }
      }
      assertEquals(ENTRIES, total);
      assertEquals(0L, outbox.stats().oldestAcceptedAtMillis());
    }
  }
}
