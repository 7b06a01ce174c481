package io.ciorelay.redis;

import io.ciorelay.delivery.outbox.AppendResult;
import io.ciorelay.delivery.outbox.DeadLetter;
import io.ciorelay.delivery.outbox.DeadLetterRequest;
import io.ciorelay.delivery.outbox.LaneHash;
import io.ciorelay.delivery.outbox.NewEntry;
import io.ciorelay.delivery.outbox.Outbox;
import io.ciorelay.delivery.outbox.OutboxConfig;
import io.ciorelay.delivery.outbox.OutboxException;
import io.ciorelay.delivery.outbox.OutboxStats;
import io.ciorelay.delivery.outbox.StoredEntry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Redis outbox that could not connect when it was opened: it reports the reason as its
 * {@link #problem()} (health DOWN), refuses appends with it (FAILED, so the relay answers 503 with
 * {@code Retry-After}), has nothing to deliver, and tries to open the real {@link RedisOutbox}
 * once a second on its own thread; from then on every call goes to that one. Nothing can have been
 * accepted before, so nothing is lost or delayed. Thread-safe.
 */
final class ReconnectingOutbox implements Outbox {
  private static final Logger log = LoggerFactory.getLogger(ReconnectingOutbox.class);
  private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final RedisStoreConfig store;
  private final OutboxConfig config;
  private final int shards;
  private final List<Runnable> listeners = new ArrayList<>();
  private final java.util.concurrent.ScheduledExecutorService connector;
  private volatile RedisOutbox delegate;
  private volatile String problem;
  private volatile boolean accepting = true;
  private volatile boolean closed;

  private ReconnectingOutbox(RedisStoreConfig store, OutboxConfig config, String problem) {
    this.store = store;
    this.config = config;
    this.shards = store.shards() > 0 ? store.shards() : config.lanes();
    this.problem = problem;
    this.connector = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "cio-redis-connect-" + store.workspace());
      t.setDaemon(true);
      return t;
    });
  }

  /** The real outbox if Redis answers now, else one that connects by itself later. */
  static Outbox open(RedisStoreConfig store, OutboxConfig config) {
    try {
      return RedisOutbox.open(store, config);
    } catch (RedisStoreMismatchException e) {
      throw e;
    } catch (OutboxException e) {
      // Unreachable, or reachable but not answering yet (loading its data after a restart, busy,
      // timing out): start disconnected and keep trying.
      log.warn("Redis store {} {}: {}; starting disconnected (new work refused, health DOWN) and retrying every second",
          store.describe(), store.keyBase(), e.getMessage());
      ReconnectingOutbox r = new ReconnectingOutbox(store, config, e.getMessage());
      r.connector.scheduleWithFixedDelay(r::tryConnect, RETRY_NANOS, RETRY_NANOS, TimeUnit.NANOSECONDS);
      return r;
    }
  }

  /** One attempt (every second on the connector thread); the connector stops once one succeeds. */
  private void tryConnect() {
    if (closed || delegate != null) {
      connector.shutdown();
      return;
    }
    try {
      RedisOutbox d = RedisOutbox.open(store, config);
      List<Runnable> toRun;
      synchronized (this) {
        if (closed) {
          d.close();
          return;
        }
        listeners.forEach(d::onAppendCommitted);
        if (!accepting) {
          d.stopAccepting();
        }
        delegate = d;
        problem = null;
        toRun = List.copyOf(listeners);
      }
      log.info("Redis store {} {} reached: delivering and accepting", store.describe(), store.keyBase());
      connector.shutdown();
      toRun.forEach(Runnable::run);
    } catch (RedisUnreachableException e) {
      problem = e.getMessage();
    } catch (RuntimeException e) {
      // Redis answers but refuses this relay (e.g. another shard count): say so, keep trying.
      if (!String.valueOf(e.getMessage()).equals(problem)) {
        log.error("Redis store {} {} cannot be opened: {}", store.describe(), store.keyBase(), e.getMessage());
      }
      problem = e.getMessage();
    }
  }

  private OutboxException unavailable() {
    return new OutboxException("Redis store " + store.keyBase() + " is not connected: " + problem);
  }

  @Override
  public boolean reportsProblems() {
    return true;
  }

  @Override
  public String problem() {
    RedisOutbox d = delegate;
    return d != null ? d.problem() : closed ? null : problem;
  }

  @Override
  public AppendResult append(NewEntry entry) {
    RedisOutbox d = delegate;
    if (d != null) {
      return d.append(entry);
    }
    if (!accepting || closed) {
      return AppendResult.rejected(AppendResult.Reason.CLOSED, "Redis outbox " + store.keyBase() + " no longer accepts appends");
    }
    return AppendResult.rejected(AppendResult.Reason.FAILED, problem);
  }

  @Override
  public int laneOf(String personKey) {
    return LaneHash.lane(personKey, shards);
  }

  @Override
  public int lanes() {
    return shards;
  }

  @Override
  public boolean owns(int lane) {
    RedisOutbox d = delegate;
    return d != null && d.owns(lane);
  }

  @Override
  public List<StoredEntry> peek(int lane, int maxEntries, long maxBytes) {
    RedisOutbox d = delegate;
    return d != null ? d.peek(lane, maxEntries, maxBytes) : List.of();
  }

  @Override
  public long pending(int lane) {
    RedisOutbox d = delegate;
    return d != null ? d.pending(lane) : 0;
  }

  @Override
  public CompletableFuture<Void> ack(long[] seqs) {
    RedisOutbox d = delegate;
    return d != null ? d.ack(seqs) : CompletableFuture.failedFuture(unavailable());
  }

  @Override
  public CompletableFuture<Void> deadLetter(List<DeadLetterRequest> requests) {
    RedisOutbox d = delegate;
    return d != null ? d.deadLetter(requests) : CompletableFuture.failedFuture(unavailable());
  }

  @Override
  public CompletableFuture<Void> recordFailure(long[] seqs, long atMillis, String lastError) {
    RedisOutbox d = delegate;
    return d != null ? d.recordFailure(seqs, atMillis, lastError) : CompletableFuture.failedFuture(unavailable());
  }

  @Override
  public OutboxStats stats() {
    RedisOutbox d = delegate;
    return d != null ? d.stats() : new OutboxStats(0, 0, -1, 0, 0);
  }

  @Override
  public List<DeadLetter> deadLetters(long afterId, int limit) {
    return connected().deadLetters(afterId, limit);
  }

  @Override
  public boolean isPending(long seq) {
    return connected().isPending(seq);
  }

  @Override
  public Optional<DeadLetter> deadLetterOf(long seq) {
    return connected().deadLetterOf(seq);
  }

  @Override
  public long oldestPendingSeq() {
    RedisOutbox d = delegate;
    return d != null ? d.oldestPendingSeq() : -1;
  }

  @Override
  public long newestPendingSeq() {
    RedisOutbox d = delegate;
    return d != null ? d.newestPendingSeq() : -1;
  }

  @Override
  public long deadLetterCount() {
    return connected().deadLetterCount();
  }

  @Override
  public int replay(Collection<Long> deadLetterIds) {
    return connected().replay(deadLetterIds);
  }

  @Override
  public int replayAll() {
    return connected().replayAll();
  }

  @Override
  public int purge(Collection<Long> deadLetterIds) {
    return connected().purge(deadLetterIds);
  }

  @Override
  public int purgeAll() {
    return connected().purgeAll();
  }

  private RedisOutbox connected() {
    RedisOutbox d = delegate;
    if (d == null) {
      throw unavailable();
    }
    return d;
  }

  @Override
  public synchronized void onAppendCommitted(Runnable listener) {
    listeners.add(listener);
    if (delegate != null) {
      delegate.onAppendCommitted(listener);
    }
  }

  @Override
  public synchronized void stopAccepting() {
    accepting = false;
    if (delegate != null) {
      delegate.stopAccepting();
    }
  }

  @Override
  public void close() {
    close(false);
  }

  @Override
  public void close(boolean requestsInFlight) {
    RedisOutbox d;
    synchronized (this) {
      closed = true;
      accepting = false;
      d = delegate;
    }
    connector.shutdownNow();
    if (d != null) {
      d.close(requestsInFlight);
    }
  }

  @Override
  public String toString() {
    return "ReconnectingOutbox{" + store.describe() + " " + store.keyBase() + (delegate == null ? ", not connected" : "") + "}";
  }
}
