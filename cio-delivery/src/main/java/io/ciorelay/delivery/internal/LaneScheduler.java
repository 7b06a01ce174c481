package io.ciorelay.delivery.internal;

import io.ciorelay.client.ApiResponse;
import io.ciorelay.delivery.metrics.DeliveryMetrics;
import io.ciorelay.delivery.outcome.Action;
import io.ciorelay.delivery.outcome.OutcomePolicy;
import io.ciorelay.delivery.outcome.Request;
import io.ciorelay.delivery.outbox.Outbox;
import io.ciorelay.delivery.outbox.StoredEntry;
import io.ciorelay.delivery.ratelimit.RateLimiter;
import io.ciorelay.delivery.retry.Backoff;
import io.ciorelay.delivery.send.Transport;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lane loop of one workspace: moves operations from the outbox to Customer.io in per-lane
 * order, one request in flight per lane, behind the circuit breaker and the rate limiter, on the
 * lanes the store lets this process own. What goes into a request is the {@link Batcher}'s job;
 * what an answer means, the {@link OutcomePolicy}'s; carrying that out, the {@link OutcomeApplier}'s;
 * whether the workspace may send at all, {@link WorkspacePauses}'; holding a merge for the secondary
 * person, {@link MergeHold}'s.
 *
 * <p>Concurrency: one dispatcher thread ({@code cio-dispatch-<workspace>}) owns all lane state.
 * HTTP completions and outbox commit callbacks never touch that state: they post a task to
 * {@link #inbox} and unpark the thread. No lock is held around I/O.
 *
 * <p>Ordering: each lane has at most one request in flight and frees itself only after the
 * outbox has committed the acknowledgement (or dead-lettering) of that request's operations, so
 * the next read of the lane starts after them. A bisected batch keeps its halves in order in the
 * lane's work queue.
 *
 * <p>Pauses: while the credentials or the endpoint are refused, one request at a time probes them;
 * nothing is dead-lettered meanwhile.
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

  /** Settings the dispatcher reads; all immutable. */
  public record Settings(int maxBatchOperations, int maxBatchBytes, Duration linger, Duration authRetryInterval,
      Duration endpointRetryInterval) {}

  /**
   * What the scheduler is built from; the same parts serve direct delivery.
   *
   * @param ticker monotonic nanoseconds (request latency, {@link #stop} deadlines)
   */
  public record Parts(Outbox outbox, Transport transport, RateLimiter limiter, CircuitBreaker breaker,
      Backoff backoff, DeliveryMetrics metrics, HealthTracker health, DeliveryTracker tracker, Clock clock,
      LongSupplier ticker) {}

  private final String workspace;
  private final Outbox outbox;
  private final Transport sender;
  private final RequestEncoder encoder;
  private final Batcher batcher;
  private final RateLimiter limiter;
  private final CircuitBreaker breaker;
  private final DeliveryMetrics metrics;
  private final HealthTracker health;
  private final Clock clock;
  private final LongSupplier ticker;
  private final WorkspacePauses pauses;
  private final MergeHold mergeHold;
  private final OutcomeApplier applier;
  private final Lane[] lanes;
  /** Per lane: when its request in flight started (epoch ms), or 0; read by health from any thread. */
  private final AtomicLongArray inFlightSince;
  private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
  private final Thread thread;

  private volatile boolean running = true;
  private volatile boolean abandoned;
  private volatile int flushRequests;
  private volatile int inFlight;
  private int cursor;

  public LaneScheduler(String workspace, Parts parts, Settings settings) {
    this(workspace, parts, settings, RequestEncoder.of(io.ciorelay.delivery.Api.TRACK_V2));
  }

  /** A scheduler whose requests are built by {@code encoder} (the workspace's API). */
  public LaneScheduler(String workspace, Parts parts, Settings settings, RequestEncoder encoder) {
    this.workspace = workspace;
    this.encoder = encoder;
    this.outbox = parts.outbox();
    this.sender = parts.transport();
    this.limiter = parts.limiter();
    this.breaker = parts.breaker();
    this.metrics = parts.metrics();
    this.health = parts.health();
    this.clock = parts.clock();
    this.ticker = parts.ticker();
    this.batcher = new Batcher(settings.maxBatchOperations(), settings.maxBatchBytes(), settings.linger().toMillis(),
        encoder.measuresWire() ? encoder::wireBytes : null);
    this.pauses = new WorkspacePauses(workspace, health, limiter, settings.authRetryInterval(),
        settings.endpointRetryInterval());
    this.mergeHold = new MergeHold(outbox::laneOf, outbox::oldestPendingSeq);
    this.applier = new OutcomeApplier(workspace, outbox, pauses, parts.backoff(), metrics, health, parts.tracker(),
        clock, this::post);
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
    pauses.pause();
  }

  /** Ends the operator's pause and the wait for the next probe of a refused endpoint or credentials. */
  public void resume() {
    pauses.resume();
    wake();
  }

  public boolean isPaused() {
    return pauses.isPaused();
  }

  /**
   * Whether nothing will be delivered until something outside changes: paused by an operator, or
   * the credentials or the endpoint refused (probing). Any thread.
   */
  public boolean isBlocked() {
    return pauses.isBlocked();
  }

  public long delivered() {
    return applier.delivered();
  }

  public long deadLettered() {
    return applier.deadLettered();
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
    return applier.settling();
  }

  /** Tickets handed out to results so far: every result handed to the store until now has a smaller one. Any thread. */
  public long resultsIssued() {
    return applier.resultsIssued();
  }

  /** Every result with a ticket below this is processed (health, metrics, watchers updated). Any thread. */
  public long resultsSettledBelow() {
    return applier.resultsSettledBelow();
  }

  /** Requests currently unanswered. */
  public int inFlight() {
    return inFlight;
  }

  /**
   * Stops starting new requests and waits until in-flight ones finish or {@code deadlineNanos}
   * (on the ticker) passes. Returns the number still unanswered.
   */
  public int stop(long deadlineNanos) {
    running = false;
    wake();
    try {
      long left = deadlineNanos - ticker.getAsLong();
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
      if ((inFlight == 0 && applier.settling() == 0) || abandoned) {
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
    long closedUntil = pauses.closedUntil(now);
    if (closedUntil > 0) {
      return closedUntil;
    }
    // While the endpoint or the credentials are refused, one request at a time probes them.
    boolean probing = pauses.probing();
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
      lane.forget();
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
    if (batch.mergeSecondaryLane == Batch.UNKNOWN) {
      batch.mergeSecondaryLane = mergeHold.secondaryLane(batch.head());
    }
    long mergeWait = mergeHold.holdUntil(lane.index, batch.mergeSecondaryLane, batch.head().seq(), now);
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
        lane.forget();
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

  private void send(Lane lane, Batch batch) {
    long startNanos = ticker.getAsLong();
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

  /** The request's answer (or failure), on the dispatcher thread: judged by the policy, told to the breaker, carried out. */
  private void onResult(Lane lane, Batch batch, ApiResponse response, Throwable error, long startNanos) {
    inFlight--;
    inFlightSince.set(lane.index, 0);
    long elapsedNanos = ticker.getAsLong() - startNanos;
    Request request = encoder.describe(batch.entries, sender::url);
    Action action = error != null ? OutcomePolicy.decide(request, error)
        : OutcomePolicy.decide(request, response, clock.instant());
    metrics.request(action.tag(), Duration.ofNanos(elapsedNanos));
    BreakerFeedback.record(breaker, action, elapsedNanos, error);
    applier.apply(lane, batch, action, clock.millis());
  }
}
