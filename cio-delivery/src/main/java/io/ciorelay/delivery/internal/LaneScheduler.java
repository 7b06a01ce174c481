package io.ciorelay.delivery.internal;

import io.ciorelay.client.ApiResponse;
import io.ciorelay.client.Operation;
import io.ciorelay.delivery.metrics.DeliveryMetrics;
import io.ciorelay.delivery.outcome.Action;
import io.ciorelay.delivery.outcome.OutcomePolicy;
import io.ciorelay.delivery.outcome.Request;
import io.ciorelay.delivery.outbox.DeadLetterRequest;
import io.ciorelay.delivery.outbox.EntryKind;
import io.ciorelay.delivery.outbox.Outbox;
import io.ciorelay.delivery.outbox.StoredEntry;
import io.ciorelay.delivery.ratelimit.RateLimiter;
import io.ciorelay.delivery.retry.Backoff;
import io.ciorelay.delivery.send.Transport;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves operations from the outbox to Customer.io for one workspace.
 *
 * <p>Concurrency: one dispatcher thread ({@code cio-dispatch-<workspace>}) owns all lane state.
 * HTTP completions and outbox commit callbacks never touch that state: they post a task to
 * {@link #inbox} and unpark the thread. No lock is held around I/O.
 *
 * <p>Ordering: each lane has at most one request in flight and frees itself only after the
 * outbox has committed the acknowledgement (or dead-lettering) of that request's operations, so
 * the next read of the lane starts after them. A bisected batch keeps its halves in order in the
 * lane's work queue. A batch headed by a merge waits until the secondary person's lane has
 * nothing pending older than the merge ({@link Outbox#oldestPendingSeq(int)}).
 *
 * <p>Pauses: a credentials or endpoint refusal ({@link io.ciorelay.delivery.outcome.OutcomePolicy})
 * blocks every lane until its interval passes (or {@link #resume()}), then lets one request at a
 * time probe until a proper answer clears it; nothing is dead-lettered meanwhile.
 *
 * <p>Ownership: a lane the outbox no longer {@linkplain Outbox#owns owns} is skipped and its read
 * batches dropped unsent; a request already in flight finishes and its answer is still recorded.
 *
 * <p>Recovery: everything sent is still in the outbox until acknowledged; after a crash it is
 * read again and re-sent with the same payload (events keep their ULID {@code id}).
 */
public final class LaneScheduler {
  private static final Logger log = LoggerFactory.getLogger(LaneScheduler.class);
  private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
  private static final long BREAKER_POLL_MILLIS = 100;
  private static final long MERGE_POLL_MILLIS = 50;

  /** Settings the dispatcher reads; all immutable. */
  public record Settings(int maxBatchOperations, int maxBatchBytes, Duration linger, Duration authRetryInterval,
      Duration endpointRetryInterval) {}

  private final String workspace;
  private final Outbox outbox;
  private final Transport sender;
  private final RequestEncoder encoder;
  private final Batcher batcher;
  private final RateLimiter limiter;
  private final CircuitBreaker breaker;
  private final Backoff backoff;
  private final DeliveryMetrics metrics;
  private final HealthTracker health;
  private final DeliveryTracker tracker;
  private final Clock clock;
  private final Settings settings;
  private final Lane[] lanes;
  /** Per lane: when its request in flight started (epoch ms), or 0; read by health from any thread. */
  private final AtomicLongArray inFlightSince;
  private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
  private final Thread thread;

  private volatile boolean running = true;
  private volatile boolean abandoned;
  private volatile boolean paused;
  private volatile int flushRequests;
  private volatile long delivered;
  private volatile long deadLettered;
  private volatile int inFlight;
  /** Results handed to the store whose commit has not been processed yet; written by the dispatcher thread only. */
  private volatile int finishing;
  // Result tickets (dispatcher thread), published through volatiles for flush().
  private long issued;
  private final java.util.TreeSet<Long> outstanding = new java.util.TreeSet<>();
  private volatile long issuedPublished;
  private volatile long settledBelow;
  private long blockedUntil;
  private int cursor;

  public LaneScheduler(String workspace, Outbox outbox, Transport sender, RateLimiter limiter,
      CircuitBreaker breaker, Backoff backoff, DeliveryMetrics metrics, HealthTracker health,
      DeliveryTracker tracker, Clock clock, Settings settings) {
    this(workspace, outbox, sender, limiter, breaker, backoff, metrics, health, tracker, clock, settings,
        RequestEncoder.of(io.ciorelay.delivery.Api.TRACK_V2));
  }

  /** A scheduler whose requests are built by {@code encoder} (the workspace's API). */
  public LaneScheduler(String workspace, Outbox outbox, Transport sender, RateLimiter limiter,
      CircuitBreaker breaker, Backoff backoff, DeliveryMetrics metrics, HealthTracker health,
      DeliveryTracker tracker, Clock clock, Settings settings, RequestEncoder encoder) {
    this.workspace = workspace;
    this.encoder = encoder;
    this.outbox = outbox;
    this.sender = sender;
    this.limiter = limiter;
    this.breaker = breaker;
    this.backoff = backoff;
    this.metrics = metrics;
    this.health = health;
    this.tracker = tracker;
    this.clock = clock;
    this.settings = settings;
    this.batcher = new Batcher(settings.maxBatchOperations(), settings.maxBatchBytes(), settings.linger().toMillis(),
        encoder.measuresWire() ? encoder::wireBytes : null);
    this.lanes = new Lane[outbox.lanes()];
    this.inFlightSince = new AtomicLongArray(lanes.length);
    for (int i = 0; i < lanes.length; i++) {
      lanes[i] = new Lane(i);
    }
    this.thread = new Thread(this::loop, "cio-dispatch-" + workspace);
    this.thread.setDaemon(true);
    outbox.onAppendCommitted(this::wake);
  }

  public void start() {
    thread.start();
  }

  /** Wakes the dispatcher (new work, a completion, a state change). Any thread. */
  public void wake() {
    LockSupport.unpark(thread);
  }

  /** Sends part-full batches at once (no linger) while at least one flush is outstanding. */
  public synchronized void beginFlush() {
    flushRequests++;
    wake();
  }

  public synchronized void endFlush() {
    flushRequests = Math.max(0, flushRequests - 1);
  }

  public void pause() {
    paused = true;
    health.paused(true);
  }

  public void resume() {
    paused = false;
    health.paused(false);
    post(() -> blockedUntil = 0);
  }

  public boolean isPaused() {
    return paused;
  }

  /**
   * Whether nothing will be delivered until something outside changes: paused by an operator, or
   * the credentials or the endpoint refused (probing). Any thread.
   */
  public boolean isBlocked() {
    return paused || health.endpointFailing() || health.authFailing();
  }

  public long delivered() {
    return delivered;
  }

  public long deadLettered() {
    return deadLettered;
  }

  /**
   * Lanes whose request has waited for an answer longer than the sender's deadline (it should
   * have been cancelled by then), described for health; empty when none. Any thread.
   */
  public List<String> stalledLanes(long nowMillis) {
    long deadline = sender.deadline().toMillis();
    List<String> out = new ArrayList<>();
    for (int i = 0; i < inFlightSince.length(); i++) {
      long since = inFlightSince.get(i);
      if (since > 0 && nowMillis - since > deadline) {
        out.add("lane " + i + ": a request has waited " + (nowMillis - since) / 1000 + " s for an answer, past its "
            + sender.deadline().toSeconds() + " s deadline");
      }
    }
    return out;
  }

  /**
   * Request results (acknowledgements, dead letters) handed to the store and not yet processed
   * after their commit (health, metrics, watchers updated). Any thread.
   */
  public int settling() {
    return finishing;
  }

  /** Tickets handed out to results so far: every result handed to the store until now has a smaller one. Any thread. */
  public long resultsIssued() {
    return issuedPublished;
  }

  /** Every result with a ticket below this is processed (health, metrics, watchers updated). Any thread. */
  public long resultsSettledBelow() {
    return settledBelow;
  }

  private void publishSettled() {
    issuedPublished = issued;
    settledBelow = outstanding.isEmpty() ? issued : outstanding.first();
  }

  /** Requests currently unanswered. */
  public int inFlight() {
    return inFlight;
  }

  /**
   * Stops starting new requests and waits until in-flight ones finish or {@code deadlineNanos}
   * (System.nanoTime) passes. Returns the number still unanswered.
   */
  public int stop(long deadlineNanos) {
    running = false;
    wake();
    try {
      long left = deadlineNanos - System.nanoTime();
      thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    int unanswered = inFlight;
    // Past the deadline: stop waiting for answers. Their operations stay in the outbox and are
    // re-sent (same ids) by the next start.
    abandoned = true;
    wake();
    return unanswered;
  }

  private void post(Runnable task) {
    inbox.add(task);
    wake();
  }

  private void loop() {
    while (true) {
      long wakeAt = step();
      if (wakeAt == DONE) {
        return;
      }
      long now = clock.millis();
      long parkNanos = wakeAt == Long.MAX_VALUE ? IDLE_PARK_NANOS
          : Math.min(IDLE_PARK_NANOS, TimeUnit.MILLISECONDS.toNanos(Math.max(1, wakeAt - now)));
      if (inbox.isEmpty()) {
        LockSupport.parkNanos(parkNanos);
      }
    }
  }

  private static final long DONE = Long.MIN_VALUE;

  /**
   * One turn of the loop: runs the posted completions, then starts what may start. Returns the
   * clock time (epoch ms) at which to look again ({@code Long.MAX_VALUE}: when woken), or DONE
   * once stopped with nothing in flight. Tests call it on their own thread instead of {@link #start()}.
   */
  long step() {
    Runnable task;
    while ((task = inbox.poll()) != null) {
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        // Even an OutOfMemoryError must not end delivery silently: report it and keep going.
        log.error("delivery task failed for workspace {}", workspace, e);
        health.failure("delivery task failed: " + e);
      }
    }
    if (!running) {
      if ((inFlight == 0 && finishing == 0) || abandoned) {
        return DONE;
      }
      return clock.millis() + TimeUnit.NANOSECONDS.toMillis(IDLE_PARK_NANOS);
    }
    try {
      return dispatch();
    } catch (RuntimeException | Error e) {
      log.error("delivery loop error for workspace {}; retrying in 1 s", workspace, e);
      if (e instanceof io.ciorelay.delivery.outbox.OutboxException) {
        health.storeFailure(e.getMessage());
      } else {
        health.failure("delivery loop error: " + e);
      }
      return clock.millis() + 1000;
    }
  }

  /** Starts what can start now; returns the earliest time (epoch ms) something else may start. */
  private long dispatch() {
    long now = clock.millis();
    if (paused) {
      return now + 1000;
    }
    if (blockedUntil > now) {
      return blockedUntil;
    }
    // While the endpoint or the credentials are refused, one request at a time probes them.
    boolean probing = health.endpointFailing() || health.authFailing();
    if (probing && inFlight > 0) {
      return Long.MAX_VALUE;
    }
    long wakeAt = Long.MAX_VALUE;
    int n = lanes.length;
    int start = cursor;
    cursor = (cursor + 1) % n;
    for (int k = 0; k < n; k++) {
      Lane lane = lanes[(start + k) % n];
      long r = tryStart(lane, now);
      if (r == STOP_ALL) {
        return now + BREAKER_POLL_MILLIS;
      }
      if (probing && inFlight > 0) {
        return Long.MAX_VALUE;
      }
      if (r > 0) {
        wakeAt = Math.min(wakeAt, r);
      }
    }
    return wakeAt;
  }

  private static final long STOP_ALL = -1;

  /** Returns 0 if nothing to do or started, STOP_ALL if no lane may send now, else a wake time. */
  private long tryStart(Lane lane, long now) {
    if (lane.inFlight) {
      return 0;
    }
    if (!outbox.owns(lane.index)) {
      // Another process delivers this lane now (a shared store's lease moved or lapsed): forget
      // what was read from it, unsent; the new owner reads it again from the store.
      if (!lane.work.isEmpty() || lane.notBefore != 0 || lane.lingerUntil != 0) {
        lane.work.clear();
        lane.notBefore = 0;
        lane.lingerUntil = 0;
      }
      return 0;
    }
    if (lane.notBefore > now) {
      return lane.notBefore;
    }
    Batch batch = lane.work.peekFirst();
    boolean fresh = false;
    if (batch == null) {
      if (outbox.pending(lane.index) == 0) {
        return 0;
      }
      boolean flushing = flushRequests > 0 || !running;
      if (!flushing && lane.lingerUntil > now) {
        return lane.lingerUntil;
      }
      // Wait for the request slot before reading the lane, so the batch holds all that is queued
      // by the time it can go.
      long slotNanos = limiter.nanosUntilAvailable();
      if (slotNanos > 0) {
        metrics.rateLimitWait();
        return now + Math.max(1, TimeUnit.NANOSECONDS.toMillis(slotNanos));
      }
      List<StoredEntry> entries = outbox.peek(lane.index, batcher.maxOperations(), batcher.payloadBudget());
      if (entries.isEmpty()) {
        return 0;
      }
      Batcher.Decision d = batcher.next(entries, now, flushing);
      if (d instanceof Batcher.Linger l) {
        lane.lingerUntil = l.untilMillis();
        return l.untilMillis();
      }
      batch = new Batch(((Batcher.Send) d).entries());
      fresh = true;
    }
    long mergeWait = holdMerge(lane, batch, now);
    if (mergeWait > 0) {
      if (fresh) {
        lane.work.addLast(batch);
      }
      return mergeWait;
    }
    if (!breaker.tryAcquirePermission()) {
      // Open (or half-open with its probes out): no lane may send now.
      return STOP_ALL;
    }
    try {
      long waitNanos = limiter.tryAcquire();
      if (waitNanos > 0) {
        breaker.releasePermission();
        metrics.rateLimitWait();
        return now + Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos));
      }
      if (!outbox.owns(lane.index)) {
        // Asked again right before the request starts: on a shared store the limiter and the read
        // are round trips that can take seconds, and the lease may have run short meanwhile.
        // Send nothing; the lane's next owner reads it again from the store.
        breaker.releasePermission();
        lane.work.clear();
        lane.notBefore = 0;
        lane.lingerUntil = 0;
        return 0;
      }
      if (fresh) {
        lane.work.addLast(batch);
      }
      send(lane, batch);
    } catch (RuntimeException e) {
      // A permission taken must be given back, or a half-open breaker waits for it forever.
      breaker.releasePermission();
      throw e;
    }
    return 0;
  }

  /**
   * A merge waits until every operation of the secondary person accepted before it is delivered or
   * dead-lettered: those sit in the secondary's lane and, sent after the merge, would recreate the
   * merged-away profile. Returns 0 if the batch may go, else when to look again. The wait ends
   * only by lower sequence numbers being resolved, so two merges cannot wait on each other.
   */
  private long holdMerge(Lane lane, Batch batch, long now) {
    StoredEntry head = batch.entries.get(0);
    if (batch.mergeSecondaryLane == Batch.NOT_A_MERGE) {
      return 0;
    }
    if (batch.mergeSecondaryLane == Batch.UNKNOWN) {
      batch.mergeSecondaryLane = Batch.NOT_A_MERGE;
      if (Batcher.isMerge(head)) {
        try {
          Operation op = Operation.fromJson(head.payload());
          if (op.action() == io.ciorelay.client.Action.MERGE && op.secondary() != null) {
            batch.mergeSecondaryLane = outbox.laneOf(op.secondary().key());
          }
        } catch (RuntimeException e) {
          // Not a readable merge: nothing to wait for; Customer.io will judge it.
        }
      }
      if (batch.mergeSecondaryLane == Batch.NOT_A_MERGE) {
        return 0;
      }
    }
    int other = batch.mergeSecondaryLane;
    if (other == lane.index) {
      return 0; // the same lane: lane order already holds
    }
    long oldest = outbox.oldestPendingSeq(other);
    if (oldest == Outbox.UNKNOWN_SEQ || oldest < 0 || oldest > head.seq()) {
      return 0;
    }
    return now + MERGE_POLL_MILLIS;
  }

  private void send(Lane lane, Batch batch) {
    long startNanos = System.nanoTime();
    CompletableFuture<ApiResponse> f;
    try {
      f = sender.send(encoder.encode(batch.entries));
    } catch (io.ciorelay.client.ValidationException e) {
      f = CompletableFuture.failedFuture(e); // the outcome policy isolates and dead-letters it
    }
    lane.inFlight = true;
    inFlightSince.set(lane.index, clock.millis());
    inFlight++;
    f.whenComplete((response, error) -> post(() -> onResult(lane, batch, response, error, startNanos)));
  }

  private void onResult(Lane lane, Batch batch, ApiResponse response, Throwable error, long startNanos) {
    inFlight--;
    inFlightSince.set(lane.index, 0);
    long elapsedNanos = System.nanoTime() - startNanos;
    Duration latency = Duration.ofNanos(elapsedNanos);
    Request request = encoder.describe(batch.entries, this::url);
    Action action = error != null ? OutcomePolicy.decide(request, error)
        : OutcomePolicy.decide(request, response, clock.instant());
    long now = clock.millis();
    metrics.request(action.tag(), latency);
    if (action instanceof Action.Acknowledge) {
      breaker.onSuccess(elapsedNanos, TimeUnit.NANOSECONDS);
      finish(lane, batch, batch.seqs(), List.of(), action.status(), "delivered");
    } else if (action instanceof Action.Partial p) {
      breaker.onSuccess(elapsedNanos, TimeUnit.NANOSECONDS);
      List<DeadLetterRequest> dls = new ArrayList<>();
      for (Action.Refusal r : p.refused()) {
        StoredEntry e = batch.entries.get(r.index());
        dls.add(new DeadLetterRequest(e.seq(), r.reason(), p.status(), e.attempts() + 1));
      }
      long[] good = new long[p.acknowledged().size()];
      for (int i = 0; i < good.length; i++) {
        good[i] = batch.entries.get(p.acknowledged().get(i)).seq();
      }
      finish(lane, batch, good, dls, p.status(), "partial");
    } else if (action instanceof Action.Split) {
      breaker.onSuccess(elapsedNanos, TimeUnit.NANOSECONDS);
      // Bisect to isolate the operation(s) Customer.io refuses; halves go out in order.
      int mid = batch.entries.size() / 2;
      lane.work.pollFirst();
      lane.work.addFirst(new Batch(batch.entries.subList(mid, batch.entries.size())));
      lane.work.addFirst(new Batch(batch.entries.subList(0, mid)));
      lane.inFlight = false;
      health.success(0);
    } else if (action instanceof Action.DeadLetter d) {
      breaker.onSuccess(elapsedNanos, TimeUnit.NANOSECONDS);
      StoredEntry e = batch.entries.get(0);
      finish(lane, batch, new long[0],
          List.of(new DeadLetterRequest(e.seq(), d.reason(), d.status(), e.attempts() + 1)), d.status(), "refused");
    } else if (action instanceof Action.PauseCredentials || action instanceof Action.PauseEndpoint) {
      // Nothing was refused: the credentials or the endpoint are wrong. Keep every operation and
      // probe again (one request) after the interval.
      boolean auth = action instanceof Action.PauseCredentials;
      Duration interval = auth ? settings.authRetryInterval() : settings.endpointRetryInterval();
      breaker.releasePermission();
      if (auth) {
        health.authFailure(action.reason());
      } else {
        health.endpointFailure(action.reason());
      }
      blockedUntil = now + interval.toMillis();
      log.error("workspace {}: {}; delivery paused, a probe every {} s, nothing dropped",
          workspace, action.reason(), interval.toSeconds());
      lane.inFlight = false;
    } else if (action instanceof Action.PauseRateLimit rl) {
      breaker.releasePermission();
      metrics.rateLimitPause();
      metrics.retried(batch.entries.size());
      batch.rateLimited++;
      Duration wait = backoff.delay(Math.min(batch.rateLimited, 10), rl.retryAfter());
      limiter.pauseUntil(now + wait.toMillis());
      lane.inFlight = false;
    } else if (action instanceof Action.RetryAfter r) {
      if (r.countsAsBreakerFailure()) {
        breaker.onError(elapsedNanos, TimeUnit.NANOSECONDS,
            error != null ? error : new RuntimeException("HTTP " + r.status()));
      } else {
        breaker.releasePermission();
      }
      if (r.timeout()) {
        health.timeout(r.reason());
      } else {
        health.failure(r.reason());
      }
      batch.attempts++;
      if (batch.firstFailure == 0) {
        batch.firstFailure = now;
      }
      outbox.recordFailure(batch.seqs(), now, r.reason());
      if (backoff.budgetSpent(batch.attempts, batch.firstFailure, now)) {
        List<DeadLetterRequest> dls = new ArrayList<>();
        String reason = "retry budget spent after " + batch.attempts + " attempts; last error: " + r.reason();
        for (StoredEntry e : batch.entries) {
          dls.add(new DeadLetterRequest(e.seq(), reason, r.status(), batch.attempts));
        }
        finish(lane, batch, new long[0], dls, r.status(), "budget");
      } else {
        metrics.retried(batch.entries.size());
        lane.notBefore = now + backoff.delay(batch.attempts, r.delayHint()).toMillis();
        lane.inFlight = false;
      }
    } else {
      throw new IllegalStateException("unknown action " + action);
    }
  }

  private URI url(String path) {
    return sender.url(path);
  }

  /**
   * Acknowledges {@code acked}, dead-letters {@code dls}, and frees the lane once both commit.
   * If the store fails, the lane is freed anyway: the entries stay pending and are re-sent
   * (events keep their ids, so Customer.io drops the repeat).
   */
  private void finish(Lane lane, Batch batch, long[] acked, List<DeadLetterRequest> dls, int status, String how) {
    // The ticket is published before the store can commit, so a flush that sees the commit waits for it.
    finishing++;
    long ticket = issued++;
    outstanding.add(ticket);
    publishSettled();
    CompletableFuture<Void> a;
    CompletableFuture<Void> d;
    try {
      a = acked.length == 0 ? CompletableFuture.completedFuture(null) : outbox.ack(acked);
      d = dls.isEmpty() ? CompletableFuture.completedFuture(null) : outbox.deadLetter(dls);
    } catch (RuntimeException e) {
      finishing--;
      outstanding.remove(ticket);
      publishSettled();
      throw e;
    }
    CompletableFuture.allOf(a, d).whenComplete((ok, err) -> post(() -> {
      try {
        applyResults(lane, batch, acked, dls, how, a, d, err);
      } finally {
        finishing--;
        outstanding.remove(ticket);
        publishSettled();
      }
    }));
  }

  private void applyResults(Lane lane, Batch batch, long[] acked, List<DeadLetterRequest> dls, String how,
      CompletableFuture<Void> a, CompletableFuture<Void> d, Throwable err) {
    { // results of one request, applied on the dispatcher thread
      if (err != null) {
        // The results are not on disk. Keep the batch at the head of the lane (order kept) and
        // back off: a failed store refuses every write, so this lane waits instead of re-sending
        // at the full rate; once the store works again the batch is re-sent with the same ids.
        log.error("outbox failed to record delivery results for workspace {}", workspace, err);
        health.storeFailure(String.valueOf(err.getMessage()));
        batch.storeFailures++;
        lane.notBefore = clock.millis() + backoff.delay(Math.min(batch.storeFailures, 10), java.util.Optional.empty()).toMillis();
        lane.inFlight = false;
        if (tracker.hasWatches()) {
          if (!a.isCompletedExceptionally()) {
            for (long s2 : acked) {
              tracker.complete(s2, new DeliveryTracker.Outcome(true, null));
            }
          }
          if (!d.isCompletedExceptionally()) {
            for (DeadLetterRequest r : dls) {
              tracker.complete(r.seq(), new DeliveryTracker.Outcome(false, r.reason()));
            }
          }
        }
        return;
      } else {
        health.storeRecovered();
        delivered += acked.length;
        deadLettered += dls.size();
        metrics.delivered(acked.length);
        if (!dls.isEmpty()) {
          metrics.deadLettered("budget".equals(how) ? "budget" : "refused", dls.size());
          for (DeadLetterRequest r : dls) {
            log.warn("dead-lettered operation seq={} of workspace {}: status {}: {}", r.seq(), workspace,
                r.lastStatus(), r.reason());
          }
        }
        if (acked.length > 0 || !"budget".equals(how)) {
          health.success(acked.length);
        }
        if (tracker.hasWatches()) {
          for (long s : acked) {
            tracker.complete(s, new DeliveryTracker.Outcome(true, null));
          }
          for (DeadLetterRequest r : dls) {
            tracker.complete(r.seq(), new DeliveryTracker.Outcome(false, r.reason()));
          }
        }
      }
      lane.work.pollFirst();
      lane.inFlight = false;
    }
  }

  /** One ordered partition's state; touched only by the dispatcher thread. */
  private static final class Lane {
    final int index;
    final Deque<Batch> work = new ArrayDeque<>();
    boolean inFlight;
    long notBefore;
    long lingerUntil;

    Lane(int index) {
      this.index = index;
    }
  }

  /** Operations sent together; kept unchanged across retries. */
  private static final class Batch {
    final List<StoredEntry> entries;
    int attempts;
    long firstFailure;
    int rateLimited;
    int storeFailures;

    static final int UNKNOWN = -2;
    static final int NOT_A_MERGE = -1;
    /** For a batch headed by a merge: the secondary person's lane; UNKNOWN until looked at. */
    int mergeSecondaryLane = UNKNOWN;

    Batch(List<StoredEntry> entries) {
      this.entries = List.copyOf(entries);
      int a = 0;
      long first = 0;
      for (StoredEntry e : entries) {
        a = Math.max(a, e.attempts());
        if (e.firstFailureAtMillis() > 0 && (first == 0 || e.firstFailureAtMillis() < first)) {
          first = e.firstFailureAtMillis();
        }
      }
      this.attempts = a;
      this.firstFailure = first;
    }

    EntryKind kind() {
      return entries.get(0).kind();
    }

    long[] seqs() {
      long[] s = new long[entries.size()];
      for (int i = 0; i < s.length; i++) {
        s[i] = entries.get(i).seq();
      }
      return s;
    }
  }
}
