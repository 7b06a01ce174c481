package io.ciorelay.delivery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.delivery.outbox.AppendResult;
import io.ciorelay.delivery.outbox.DeadLetter;
import io.ciorelay.delivery.outbox.DeadLetterRequest;
import io.ciorelay.delivery.outbox.NewEntry;
import io.ciorelay.delivery.outbox.Outbox;
import io.ciorelay.delivery.outbox.OutboxStats;
import io.ciorelay.delivery.outbox.SqliteOutbox;
import io.ciorelay.delivery.outbox.StoredEntry;
import io.ciorelay.simulator.CioSimulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A lane the store stops owning (a shared store's lease moved) is not sent from, and what was read from it is dropped. */
class LaneOwnershipIT {
  @TempDir
  Path dir;
  CioSimulator sim;

  @AfterEach
  void stop() {
    if (sim != null) {
      sim.close();
    }
  }

  @Test
  void aLaneNoLongerOwnedSendsNothingAndItsBatchIsReadAgainWhenOwnedAgain() throws Exception {
    sim = CioSimulator.builder().rateLimit(0).build().start();
    AtomicBoolean owned = new AtomicBoolean(true);
    CustomerIoConfig config = DeliveryTestSupport.config(sim, dir)
        .lanes(1)
        .outboxFactory(c -> new OwnershipOutbox(SqliteOutbox.open(c), owned))
        .build();
    try (CustomerIo cio = CustomerIo.create(config)) {
      sim.faults().errorRate(1.0, 500);
      assertTrue(cio.track("p1", "first", Map.of("seq", 0)).isAccepted());
      await().atMost(Duration.ofSeconds(10)).until(() -> sim.stats().totalRequests() >= 1);
      owned.set(false);
      // Let a retry that had already started finish: the request count settles.
      long[] seen = {-1};
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250)).until(() -> {
        long now = sim.stats().totalRequests();
        boolean settled = now == seen[0];
        seen[0] = now;
        return settled;
      });
      long before = sim.stats().totalRequests();
      sim.faults().clear();
      assertTrue(cio.track("p1", "second", Map.of("seq", 1)).isAccepted());
      assertTrue(cio.track("p1", "third", Map.of("seq", 2)).isAccepted());
      // Nothing goes out for as long as the lane is not owned (well past linger and retry delays).
      await().during(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(3))
          .until(() -> sim.stats().totalRequests() == before);
      assertEquals(before, sim.stats().totalRequests(), "requests sent from a lane the store does not own");
      assertEquals(0, sim.records().count());

      owned.set(true);
      await().atMost(Duration.ofSeconds(10)).until(() -> sim.records().count() == 3);
      // The batch read before the lane was lost held one operation; it was dropped and the lane
      // read again, so one request carries all three.
      assertEquals(before + 1, sim.stats().totalRequests(), "requests after the lane was owned again");
      DeliveryTestSupport.assertPerPersonOrder(sim.records().all());
    }
  }

  /** Delegates to a real store and answers {@link #owns} from a switch. */
  private static final class OwnershipOutbox implements Outbox {
    private final Outbox d;
    private final AtomicBoolean owned;

    OwnershipOutbox(Outbox d, AtomicBoolean owned) {
      this.d = d;
      this.owned = owned;
    }

    @Override public boolean owns(int lane) { return owned.get(); }
    @Override public AppendResult append(NewEntry entry) { return d.append(entry); }
    @Override public int laneOf(String personKey) { return d.laneOf(personKey); }
    @Override public int lanes() { return d.lanes(); }
    @Override public List<StoredEntry> peek(int lane, int maxEntries, long maxBytes) { return d.peek(lane, maxEntries, maxBytes); }
    @Override public long pending(int lane) { return d.pending(lane); }
    @Override public CompletableFuture<Void> ack(long[] seqs) { return d.ack(seqs); }
    @Override public CompletableFuture<Void> deadLetter(List<DeadLetterRequest> r) { return d.deadLetter(r); }
    @Override public CompletableFuture<Void> recordFailure(long[] seqs, long at, String e) { return d.recordFailure(seqs, at, e); }
    @Override public OutboxStats stats() { return d.stats(); }
    @Override public List<DeadLetter> deadLetters(long afterId, int limit) { return d.deadLetters(afterId, limit); }
    @Override public boolean isPending(long seq) { return d.isPending(seq); }
    @Override public Optional<DeadLetter> deadLetterOf(long seq) { return d.deadLetterOf(seq); }
    @Override public long oldestPendingSeq() { return d.oldestPendingSeq(); }
    @Override public long newestPendingSeq() { return d.newestPendingSeq(); }
    @Override public long deadLetterCount() { return d.deadLetterCount(); }
    @Override public int replay(Collection<Long> ids) { return d.replay(ids); }
    @Override public int replayAll() { return d.replayAll(); }
    @Override public int purge(Collection<Long> ids) { return d.purge(ids); }
    @Override public int purgeAll() { return d.purgeAll(); }
    @Override public void onAppendCommitted(Runnable listener) { d.onAppendCommitted(listener); }
    @Override public void stopAccepting() { d.stopAccepting(); }
    @Override public void close() { d.close(); }
  }
}
