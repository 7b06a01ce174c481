package io.ciorelay.delivery.outbox;

import static io.ciorelay.delivery.outbox.Entries.appendCommitted;
import static io.ciorelay.delivery.outbox.Entries.config;
import static io.ciorelay.delivery.outbox.Entries.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Regression: an acknowledgement, dead-letter move or failure record handed over while the writer
 * drains its main queue (after it read the urgent queue, before the drain took the wake-up) waited
 * until some later write, so its lane stayed blocked. The hand-off queue here runs the hand-over at
 * exactly that moment.
 */
class SqliteUrgentHandOffTest {

  @TempDir Path dir;

  /** A hand-off queue that runs a hook once, inside the writer's next drain, before it takes anything. */
  static final class InterleavingQueue extends LinkedBlockingQueue<WriteOp> {
    volatile Runnable beforeNextDrain;

    @Override
    public int drainTo(Collection<? super WriteOp> c, int maxElements) {
      Runnable hook = beforeNextDrain;
      if (hook != null) {
        beforeNextDrain = null;
        hook.run();
      }
      return super.drainTo(c, maxElements);
    }
  }

  enum Urgent {
    ACK(o -> o.ack(new long[] {o.oldestPendingSeq()})),
    DEAD_LETTER(o -> o.deadLetter(List.of(new DeadLetterRequest(o.oldestPendingSeq(), "refused", 400, 1)))),
    RECORD_FAILURE(o -> o.recordFailure(new long[] {o.oldestPendingSeq()}, 5_000L, "HTTP 503"));

    final Function<Outbox, CompletableFuture<Void>> handOver;

    Urgent(Function<Outbox, CompletableFuture<Void>> handOver) {
      this.handOver = handOver;
    }
  }

  @ParameterizedTest
  @EnumSource(Urgent.class)
  void anUrgentOperationHandedOverDuringTheDrainIsCommittedWithoutWaitingForALaterWrite(Urgent urgent) throws Exception {
    for (Durability durability : Durability.values()) {
      Path file = dir.resolve(urgent + "-" + durability);
      InterleavingQueue queue = new InterleavingQueue();
      try (SqliteOutbox outbox = SqliteOutbox.open(config(file).durability(durability).build(), queue)) {
        long first = appendCommitted(outbox, entry("person-1", "first"));
        AtomicReference<CompletableFuture<Void>> handedOver = new AtomicReference<>();
        queue.beforeNextDrain = () -> handedOver.set(urgent.handOver.apply(outbox));
        // The writer takes this append, reads the urgent queue (empty), then drains: the hook hands
        // the urgent operation over and the drain takes its wake-up. Nothing is written after it.
        appendCommitted(outbox, entry("person-2", "second"));
        CompletableFuture<Void> done = handedOver.get();
        assertNotNull(done, "the hook ran inside the writer's drain");
        done.get(5, TimeUnit.SECONDS);
        if (urgent == Urgent.RECORD_FAILURE) {
          assertEquals(1, outbox.peek(outbox.laneOf("person-1"), 1, 1_000).get(0).attempts());
        } else {
          assertTrue(!outbox.isPending(first), "the entry is no longer pending");
        }
      }
    }
  }
}
