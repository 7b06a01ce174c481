package io.ciorelay.server.importer;

import io.ciorelay.client.ApiResponse;
import io.ciorelay.client.TrackClient;
import io.ciorelay.delivery.outcome.Action;
import io.ciorelay.delivery.outcome.OutcomePolicy;
import io.ciorelay.delivery.outcome.Request;
import io.ciorelay.delivery.ratelimit.RateLimiter;
import io.ciorelay.delivery.retry.Backoff;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends an import's batches to {@code /api/v2/batch} with at most {@code maxInFlight} batches
 * outstanding, paced by the rate limiter, and hands them back in file order once answered.
 *
 * <p>Answers are read by the delivery engine's {@link OutcomePolicy}, the same table queued
 * delivery uses: accepted — done; operations refused one by one (a 207 naming them by
 * {@code batch_index}) — rejected with Customer.io's reason; a whole request refused with a
 * Customer.io error body — split in halves and sent again until the bad operation is alone, then
 * rejected, so one bad row does not reject its neighbours; 408, 429, 5xx, timeouts and connection
 * errors — retried with backoff (a 429's {@code Retry-After} pauses every send), up to
 * {@code maxRetries} times; refused credentials, or an answer that says the endpoint is wrong
 * (3xx, 404, 405, 501, an HTML page…), or retries spent — the import fails and stops at the first
 * batch not answered, rejecting nothing (it resumes from its checkpoint).
 *
 * <p>Concurrency: the reader thread calls {@link #submit} (blocking for a free slot, then for a
 * rate-limit token, then sending asynchronously). Answers arrive on the HTTP client's threads;
 * retries and split halves are sent from one scheduler thread ({@code cio-import-send}); finished
 * batches are passed to the {@link Committer} in submission order on one thread
 * ({@code cio-import-commit}), which is the only thread that writes the rejects file and the
 * checkpoint. A slot is freed only when its batch is committed, so at most {@code maxInFlight}
 * batches are ever sent but not yet checkpointed — the bound on re-sends after a crash. The queue
 * of batches is lock-free; no lock is held around I/O.
 */
final class BatchSender implements AutoCloseable {

  /** Receives finished batches, in order, on the commit thread. */
  interface Committer {
    /** One finished batch (write its rejects, count it). */
    void batch(Batch b) throws Exception;

    /** After one or more batches: make them durable (checkpoint). */
    void flush() throws Exception;
  }

  /** A rejected row and why. */
  record Reject(long line, String reason, byte[] raw) {}

  /** A run of input rows: the rows to send, the rows rejected while reading, and where the run ends in the file. */
  static final class Batch {
    final List<Row> rows;
    final List<Reject> readRejects;
    final long endOffset;
    final long endLine;
    final List<Reject> serverRejects = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger parts = new AtomicInteger(1);
    volatile boolean done;

    Batch(List<Row> rows, List<Reject> readRejects, long endOffset, long endLine) {
      this.rows = rows;
      this.readRejects = readRejects;
      this.endOffset = endOffset;
      this.endLine = endLine;
    }
  }

  private final TrackClient client;
  private final URI batchUrl;
  private final RateLimiter limiter;
  private final Backoff backoff;
  private final int maxRetries;
  private final Clock clock;
  private final Committer committer;
  private final Semaphore slots;
  private final ConcurrentLinkedQueue<Batch> window = new ConcurrentLinkedQueue<>();
  private final ScheduledExecutorService sender;
  private final ExecutorService commits;
  private final AtomicReference<String> failure = new AtomicReference<>();
  private final LongAdder retried = new LongAdder();
  private final Object idle = new Object();

  BatchSender(TrackClient client, RateLimiter limiter, Backoff backoff, int maxRetries, int maxInFlight, Clock clock,
      Committer committer) {
    this.client = client;
    this.batchUrl = URI.create(client.config().baseUrl() + "/api/v2/batch");
    this.limiter = limiter;
    this.backoff = backoff;
    this.maxRetries = maxRetries;
    this.clock = clock;
    this.committer = committer;
    this.slots = new Semaphore(maxInFlight);
    this.sender = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "cio-import-send"));
    this.commits = Executors.newSingleThreadExecutor(r -> daemon(r, "cio-import-commit"));
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /**
   * Waits for a free slot and sends the batch (a batch with no rows is committed without sending).
   *
   * @return false if the import has failed and nothing more is sent
   */
  boolean submit(Batch b) throws InterruptedException {
    while (!slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
      if (failure.get() != null) {
        return false;
      }
    }
    if (failure.get() != null) {
      slots.release();
      return false;
    }
    window.add(b);
    if (b.rows.isEmpty()) {
      b.done = true;
      commits.execute(this::commitReady);
    } else {
      send(b, b.rows, 0);
    }
    return true;
  }

  /** The reason the import failed, or null. */
  String failure() {
    return failure.get();
  }

  /** Requests re-sent after a retryable failure. */
  long retried() {
    return retried.sum();
  }

  /** Batches sent (or being sent) but not yet committed. */
  int pending() {
    return window.size();
  }

  /** Waits until every submitted batch is committed, the import fails, or the timeout passes; true if all are committed. */
  boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (idle) {
      while (!window.isEmpty() && failure.get() == null) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(idle, left);
      }
    }
    return window.isEmpty();
  }

  private void send(Batch b, List<Row> part, int attempt) {
    if (!awaitToken()) {
      return;
    }
    List<byte[]> encoded = new ArrayList<>(part.size());
    for (Row r : part) {
      encoded.add(r.encoded());
    }
    client.batchAsync(encoded).whenComplete((resp, err) -> {
      try {
        answered(b, part, attempt, resp, err);
      } catch (RuntimeException e) {
        fail("internal error handling Customer.io's answer: " + e);
      }
    });
  }

  private boolean awaitToken() {
    while (failure.get() == null) {
      long wait = limiter.tryAcquire();
      if (wait == 0) {
        return true;
      }
      LockSupport.parkNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(100)));
    }
    return false;
  }

  /** What Customer.io's answer means is decided by the delivery engine's one {@link OutcomePolicy}. */
  private void answered(Batch b, List<Row> part, int attempt, ApiResponse resp, Throwable err) {
    Request request = Request.batch(batchUrl, part.size());
    Action action = err != null ? OutcomePolicy.decide(request, err)
        : OutcomePolicy.decide(request, resp, clock.instant());
    if (action instanceof Action.Acknowledge) {
      partDone(b);
    } else if (action instanceof Action.Partial partial) {
      for (Action.Refusal r : partial.refused()) {
        Row row = part.get(r.index());
        b.serverRejects.add(new Reject(row.line(), "rejected by Customer.io: " + r.reason(), row.raw()));
      }
      partDone(b);
    } else if (action instanceof Action.Split) {
      // The whole request refused: halves go out until the bad operation is alone, so one bad
      // row does not reject its neighbours.
      int mid = part.size() / 2;
      b.parts.incrementAndGet();
      List<Row> left = part.subList(0, mid);
      List<Row> right = part.subList(mid, part.size());
      sender.execute(() -> send(b, left, 0));
      sender.execute(() -> send(b, right, 0));
    } else if (action instanceof Action.DeadLetter refused) {
      Row row = part.get(0);
      b.serverRejects.add(new Reject(row.line(), "rejected by Customer.io: " + refused.reason(), row.raw()));
      partDone(b);
    } else if (action instanceof Action.PauseRateLimit rl) {
      rl.retryAfter().ifPresent(d -> limiter.pauseUntil(clock.millis() + d.toMillis()));
      retry(b, part, attempt, rl.retryAfter(), rl.reason());
    } else if (action instanceof Action.RetryAfter r) {
      retry(b, part, attempt, r.delayHint(), r.reason());
    } else if (action instanceof Action.PauseCredentials c) {
      fail(c.reason() + ": check CIO_SITE_ID and CIO_API_KEY and the region or --target");
    } else if (action instanceof Action.PauseEndpoint e) {
      fail(e.reason() + "; check the region or --target (nothing was rejected; the import resumes from its checkpoint)");
    } else {
      fail("internal error: unexpected outcome " + action);
    }
  }

  private void retry(Batch b, List<Row> part, int attempt, Optional<Duration> retryAfter, String why) {
    if (attempt >= maxRetries) {
      fail("gave up after " + maxRetries + " retries of one batch: " + why);
      return;
    }
    retried.increment();
    Duration delay = backoff.delay(attempt + 1, retryAfter);
    sender.schedule(() -> send(b, part, attempt + 1), delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void partDone(Batch b) {
    if (b.parts.decrementAndGet() == 0) {
      b.done = true;
      commits.execute(this::commitReady);
    }
  }

  /** On the commit thread: hands the finished prefix of the window to the committer, then frees its slots. */
  private void commitReady() {
    int n = 0;
    try {
      Batch head;
      while ((head = window.peek()) != null && head.done) {
        committer.batch(head);
        window.poll();
        n++;
      }
      if (n > 0) {
        committer.flush();
      }
    } catch (Exception e) {
      fail("cannot write the checkpoint or the rejects file: " + e.getMessage());
    } finally {
      slots.release(n);
      signalIdle();
    }
  }

  private void fail(String reason) {
    failure.compareAndSet(null, reason);
    signalIdle();
  }

  private void signalIdle() {
    synchronized (idle) {
      idle.notifyAll();
    }
  }

  /** Stops the threads; batches not answered by then stay uncommitted (the checkpoint does not pass them). */
  @Override
  public void close() {
    sender.shutdownNow();
    commits.shutdown();
    try {
      commits.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
