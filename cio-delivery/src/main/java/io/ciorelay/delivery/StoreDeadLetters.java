package io.ciorelay.delivery;

import io.ciorelay.delivery.outbox.DeadLetter;
import io.ciorelay.delivery.outbox.Outbox;
import java.util.Collection;
import java.util.List;

/** The outbox's dead letters, waking delivery after a replay. Thread-safe as the outbox is. */
final class StoreDeadLetters implements DeadLetters {
  private final Outbox outbox;
  private final Runnable wake;

  StoreDeadLetters(Outbox outbox, Runnable wake) {
    this.outbox = outbox;
    this.wake = wake;
  }

  @Override
  public List<DeadLetter> list(long afterId, int limit) {
    return outbox.deadLetters(afterId, limit);
  }

  @Override
  public long count() {
    return outbox.deadLetterCount();
  }

  @Override
  public int replay(Collection<Long> ids) {
    int n = outbox.replay(ids);
    wake.run();
    return n;
  }

  @Override
  public int replayAll() {
    int n = outbox.replayAll();
    wake.run();
    return n;
  }

  @Override
  public int purge(Collection<Long> ids) {
    return outbox.purge(ids);
  }

  @Override
  public int purgeAll() {
    return outbox.purgeAll();
  }
}
