package io.ciorelay.server.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeadlinesTest {
  private final AtomicLong now = new AtomicLong(1_000);
  private final Deadlines deadlines = new Deadlines(Duration.ofSeconds(10), Duration.ofMillis(50), null, now::get);

  /** A watched request: finishes when told, records whether it was expired. */
  private static final class Request implements Deadlines.Watched {
    volatile boolean done;
    int expired;

    @Override
    public boolean isDone() {
      return done;
    }

    @Override
    public void expire() {
      expired++;
      done = true;
    }
  }

  @Test
  void expiresOnlyWhatIsOverdueAndUnfinished() {
    Request finished = new Request();
    Request late = new Request();
    deadlines.watch(finished);
    deadlines.watch(late);
    now.addAndGet(Duration.ofSeconds(5).toNanos());
    Request young = new Request();
    deadlines.watch(young);
    finished.done = true;

    assertEquals(0, deadlines.sweep());
    now.addAndGet(Duration.ofSeconds(5).toNanos());

    assertEquals(1, deadlines.sweep());
    assertEquals(1, late.expired);
    assertEquals(0, finished.expired);
    assertEquals(0, young.expired);
    assertEquals(1, deadlines.queued());

    now.addAndGet(Duration.ofSeconds(5).toNanos());
    assertEquals(1, deadlines.sweep());
    assertEquals(1, young.expired);
    assertEquals(0, deadlines.queued());
  }

  @Test
  void finishedEntriesLeaveTheQueueWithoutWaitingForTheirDeadline() {
    List<Request> all = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      Request r = new Request();
      all.add(r);
      deadlines.watch(r);
    }
    all.forEach(r -> r.done = true);

    assertEquals(0, deadlines.sweep());
    assertEquals(0, deadlines.queued());
    assertTrue(all.stream().allMatch(r -> r.expired == 0));
  }

  @Test
  void anExpiryThatThrowsDoesNotStopTheSweep() {
    Deadlines.Watched failing = new Deadlines.Watched() {
      @Override
      public boolean isDone() {
        return false;
      }

      @Override
      public void expire() {
        throw new IllegalStateException("connection already gone");
      }
    };
    Request after = new Request();
    deadlines.watch(failing);
    deadlines.watch(after);
    now.addAndGet(Duration.ofSeconds(11).toNanos());

    assertEquals(2, deadlines.sweep());
    assertEquals(1, after.expired);
    assertEquals(0, deadlines.queued());
  }
}
