package io.ciorelay.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.f4b6a3.ulid.Ulid;
import io.ciorelay.client.Device;
import io.ciorelay.client.Identifiers;
import io.ciorelay.client.Limits;
import io.ciorelay.client.Operation;
import io.ciorelay.client.TrackClientConfig;
import io.ciorelay.client.ValidationException;
import io.ciorelay.client.Violation;
import io.ciorelay.delivery.breaker.BreakerConfig;
import io.ciorelay.delivery.health.Health;
import io.ciorelay.delivery.internal.DeliveryTracker;
import io.ciorelay.delivery.internal.LaneScheduler;
import io.ciorelay.delivery.internal.RequestEncoder;
import io.ciorelay.delivery.internal.HealthTracker;
import io.ciorelay.delivery.metrics.DeliveryMetrics;
import io.ciorelay.delivery.outbox.AppendResult;
import io.ciorelay.delivery.outbox.DeadLetter;
import io.ciorelay.delivery.outbox.EntryKind;
import io.ciorelay.delivery.outbox.NewEntry;
import io.ciorelay.delivery.outbox.Outbox;
import io.ciorelay.delivery.outbox.OutboxStats;
import io.ciorelay.delivery.ratelimit.LocalRateLimiter;
import io.ciorelay.delivery.ratelimit.RateLimiter;
import io.ciorelay.delivery.retry.Backoff;
import io.ciorelay.delivery.send.Scheduler;
import io.ciorelay.delivery.send.Sender;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The library applications embed to send data to one Customer.io workspace without ever being
 * crashed, stalled or made to lose data by it.
 *
 * <p>Every call validates the operation against Customer.io's documented limits, stamps events
 * with a ULID {@code id} and a timestamp, hands the operation to a durable outbox and returns a
 * {@link Receipt} at once — accepted, skipped or rejected with the specific reason. Nothing
 * public throws for delivery reasons. In the background, operations are delivered in Track API
 * v2 batches (or, with {@link Api#PIPELINES}, Data Pipelines batches of Segment-spec calls),
 * per-person order kept, under the workspace rate limit, behind a circuit breaker, with retries
 * that re-send the same event ids and messageIds.
 *
 * <p>Thread-safe. Threads: the outbox writer, one dispatcher ({@code cio-dispatch-<workspace>}),
 * a bounded HTTP pool ({@code cio-http-<workspace>-N}) and one maintenance thread
 * ({@code cio-maint-<workspace>}); see CONCURRENCY.md.
 */
public final class CustomerIo implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CustomerIo.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final CustomerIoConfig config;
  private final Clock clock;
  private final Outbox outbox;
  private final ExecutorService httpExecutor;
  private final ScheduledExecutorService maintenance;
  private final RateLimiter limiter;
  private final CircuitBreaker breaker;
  private final Backoff backoff;
  private final DeliveryMetrics metrics;
  private final HealthTracker healthTracker;
  private final DeliveryTracker tracker;
  private final Sender sender;
  private final RequestEncoder encoder;
  private final LaneScheduler dispatcher;
  private final Cache<String, String> identifyGuard;
  private final DirectClient direct;
  private final AtomicLong accepted = new AtomicLong();
  private volatile CompletableFuture<Long> lastAppend = CompletableFuture.completedFuture(0L);
  private volatile boolean closing;
  private volatile ShutdownReport shutdownReport;

  private CustomerIo(CustomerIoConfig config) {
    this.config = config;
    this.clock = config.clock();
    this.outbox = config.outboxFactory().open(config.outbox());
    String ws = config.workspace();
    this.httpExecutor = Executors.newFixedThreadPool(config.httpThreads(), named("cio-http-" + ws + "-"));
    this.maintenance = Executors.newSingleThreadScheduledExecutor(named("cio-maint-" + ws));
    TrackClientConfig c = config.client();
    TrackClientConfig http = TrackClientConfig.builder()
        .credentials(c.credentials())
        .baseUrl(c.baseUrl())
        .connectTimeout(c.connectTimeout())
        .requestTimeout(c.requestTimeout())
        .userAgent(c.userAgent())
        .executor(httpExecutor)
        .build();
    this.limiter = config.rateLimiter() != null ? config.rateLimiter()
        : new LocalRateLimiter(config.rateLimit(), clock);
    BreakerConfig bc = config.breaker();
    this.breaker = bc.newBreaker("customerio-" + ws, clock);
    this.backoff = new Backoff(config.retry(), config.random());
    this.metrics = new DeliveryMetrics(config.meterRegistry(), ws);
    this.healthTracker = new HealthTracker(clock, config.health());
    this.tracker = new DeliveryTracker(outbox::isPending, outbox::deadLetterOf, outbox::replayedAs);
    // The one place the API is chosen: its sender (auth, headers) and its encoder (bodies, limits).
    boolean pipelines = config.api() == Api.PIPELINES;
    this.sender = pipelines ? Sender.pipelines(http, config.pipelinesWriteKey(), Scheduler.of(maintenance))
        : Sender.create(http, Scheduler.of(maintenance));
    this.encoder = RequestEncoder.of(config.api());
    this.dispatcher = new LaneScheduler(ws, outbox, sender, limiter, breaker, backoff, metrics, healthTracker,
        tracker, clock, new LaneScheduler.Settings(config.maxBatchOperations(), config.maxBatchBytes(),
            config.linger(), config.retry().authRetryInterval(), config.retry().endpointRetryInterval()), encoder);
    this.identifyGuard = config.identifyDedupWindow().isZero() ? null
        : Caffeine.newBuilder().maximumSize(config.identifyDedupSize())
            .expireAfterWrite(config.identifyDedupWindow()).build();
    this.direct = new DirectClient(new DirectClient.Parts(sender, breaker, limiter, backoff, clock,
        Scheduler.of(maintenance), healthTracker, metrics, this::stamp, this::submitOperation, () -> closing,
        !pipelines));
    breaker.getEventPublisher().onStateTransition(e -> {
      String to = e.getStateTransition().getToState().name();
      metrics.breakerTransition(to.toLowerCase(java.util.Locale.ROOT));
      log.warn("circuit breaker of workspace {}: {}", ws, e.getStateTransition());
      dispatcher.wake();
    });
    metrics.gauges(this,
        s -> s.outbox.stats().pending(),
        s -> s.outbox.stats().pendingBytes(),
        s -> s.oldestAgeSeconds(),
        s -> s.outbox.stats().deadLetters(),
        s -> breakerGauge(s.breaker.getState()));
    OutboxStats st = outbox.stats();
    if (st.pending() > 0) {
      log.info("workspace {}: resuming {} pending operation(s) from {}", ws, st.pending(),
          config.outboxFactory().describe(config.outbox()));
    }
    dispatcher.start();
  }

  /** Opens the outbox and starts delivery. */
  public static CustomerIo create(CustomerIoConfig config) {
    return new CustomerIo(Objects.requireNonNull(config, "config"));
  }

  public static CustomerIoConfig.Builder builder() {
    return CustomerIoConfig.builder();
  }

  public CustomerIoConfig config() {
    return config;
  }

  // ---------------------------------------------------------------- operations

  /** Creates or updates a person (v2 {@code identify}); stamped with a timestamp for ordering. */
  public Receipt identify(String personId, Map<String, ?> attributes) {
    return submit(() -> Operation.identify(Identifiers.id(personId), orEmpty(attributes)));
  }

  public Receipt identify(Identifiers person, Map<String, ?> attributes) {
    return submit(() -> Operation.identify(person, orEmpty(attributes)));
  }

  /** Records an event for a person; gets a ULID {@code id} sent unchanged on every retry. */
  public Receipt track(String personId, String name, Map<String, ?> data) {
    return submit(() -> Operation.event(Identifiers.id(personId), name, orEmpty(data)));
  }

  public Receipt track(Identifiers person, String name, Map<String, ?> data) {
    return submit(() -> Operation.event(person, name, orEmpty(data)));
  }

  /** Records a page view ({@code name} is the URL or path). */
  public Receipt page(String personId, String url, Map<String, ?> data) {
    return submit(() -> Operation.page(Identifiers.id(personId), url, orEmpty(data)));
  }

  /** Records a mobile screen view. */
  public Receipt screen(String personId, String name, Map<String, ?> data) {
    return submit(() -> Operation.screen(Identifiers.id(personId), name, orEmpty(data)));
  }

  public Receipt delete(String personId) {
    return submit(() -> Operation.delete(Identifiers.id(personId)));
  }

  public Receipt suppress(String personId) {
    return submit(() -> Operation.suppress(Identifiers.id(personId)));
  }

  public Receipt unsuppress(String personId) {
    return submit(() -> Operation.unsuppress(Identifiers.id(personId)));
  }

  public Receipt addDevice(String personId, Device device) {
    return submit(() -> Operation.addDevice(Identifiers.id(personId), device));
  }

  public Receipt deleteDevice(String personId, String token) {
    return submit(() -> Operation.deleteDevice(Identifiers.id(personId), token));
  }

  /** Merges {@code secondary} into {@code primary} (irreversible at Customer.io). */
  public Receipt merge(Identifiers primary, Identifiers secondary) {
    return submit(() -> Operation.merge(primary, secondary));
  }

  /** Queues any v2 person operation as given (events without an id get one). */
  public Receipt submit(Operation operation) {
    return submit(() -> Objects.requireNonNull(operation, "operation must not be null"));
  }

  /**
   * Records an event for a person not identified yet. Sent alone to {@code POST /api/v1/events}
   * (the v2 batch has no anonymous person), in order with other anonymous events of that id.
   */
  public Receipt trackAnonymous(String anonymousId, String name, Map<String, ?> data) {
    try {
      return trackAnonymous(anonymousId, io.ciorelay.client.Event.builder(name).data(orEmpty(data)).build());
    } catch (ValidationException e) {
      return invalid(e.violations());
    } catch (RuntimeException e) {
      return reject(Rejection.Reason.INVALID, String.valueOf(e.getMessage()), List.of());
    }
  }

  /**
   * Records an anonymous event given in full (type, data, and optionally its own ULID {@code id}
   * and {@code timestamp}, which are kept; missing ones are assigned).
   */
  public Receipt trackAnonymous(String anonymousId, io.ciorelay.client.Event event) {
    if (closing) {
      return reject(Rejection.Reason.CLOSED, "closed: no longer accepting operations", List.of());
    }
    byte[] body;
    String id;
    try {
      if (anonymousId == null || anonymousId.isBlank()) {
        return reject(Rejection.Reason.INVALID, "anonymous_id must not be blank", List.of());
      }
      if (event == null) {
        return reject(Rejection.Reason.INVALID, "event must not be null", List.of());
      }
      id = event.id() != null ? event.id() : Ulid.fast().toString();
      long ts = event.timestamp() != null ? event.timestamp() : clock.millis() / 1000;
      io.ciorelay.client.Event stamped = io.ciorelay.client.Event.builder(event.name()).type(event.type())
          .data(event.data()).id(id).timestamp(ts).build();
      List<Violation> v = Limits.checkEvent(anonymousId, stamped);
      if (!v.isEmpty()) {
        return invalid(v);
      }
      ObjectNode node = JSON.createObjectNode();
      node.put("name", stamped.name());
      if (stamped.type() != null && stamped.type() != io.ciorelay.client.EventType.EVENT) {
        node.put("type", stamped.type().wireName());
      }
      node.set("data", JSON.valueToTree(stamped.data()));
      node.put("id", id);
      node.put("timestamp", ts);
      node.put("anonymous_id", anonymousId);
      body = JSON.writeValueAsBytes(node);
    } catch (ValidationException e) {
      return invalid(e.violations());
    } catch (RuntimeException | com.fasterxml.jackson.core.JsonProcessingException e) {
      return reject(Rejection.Reason.INVALID, String.valueOf(e.getMessage()), List.of());
    }
    NewEntry entry = new NewEntry("anon:" + anonymousId, id, EntryKind.V1_ANONYMOUS_EVENT, body, clock.millis());
    List<Violation> refused = encoder.check(entry);
    if (!refused.isEmpty()) {
      return invalid(refused);
    }
    return append(entry, id, null);
  }

  // ---------------------------------------------------------------- lifecycle and views

  /**
   * Completes when every operation accepted before this call is delivered or dead-lettered.
   * Part-full batches go out at once while a flush is outstanding. Never completes exceptionally.
   */
  public CompletableFuture<Void> flush() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    dispatcher.beginFlush();
    // Sequence numbers follow acceptance order: once the last append made before this call has
    // committed with sequence S, the flush is done when no pending entry has a sequence <= S.
    // Entries already pending (from before a restart, or replayed dead letters) count too.
    lastAppend.handle((seq, e) -> seq == null ? Long.MAX_VALUE : seq)
        .thenAccept(seq -> {
          long target;
          try {
            target = Math.max(seq, outbox.newestPendingSeq());
          } catch (io.ciorelay.delivery.outbox.OutboxException ex) {
            target = seq;
          }
          pollFlush(target, done, -1);
        });
    return done.whenComplete((x, e) -> dispatcher.endFlush());
  }

  private void pollDrained(CompletableFuture<Void> drained) {
    try {
      if (outbox.stats().pending() == 0 || dispatcher.isBlocked()) {
        drained.complete(null);
        return;
      }
      maintenance.schedule(() -> pollDrained(drained), 10, TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      drained.complete(null);
    }
  }

  private void pollFlush(long lastSeq, CompletableFuture<Void> done, long ticket) {
    if (done.isDone()) {
      return;
    }
    try {
      long oldest = outbox.oldestPendingSeq();
      if (ticket < 0 && (oldest < 0 || oldest > lastSeq)) {
        // Delivered on disk; wait until the engine has applied those results (health, metrics,
        // watchers): every result handed to the store before now has a ticket below this one.
        ticket = dispatcher.resultsIssued();
      }
      if (ticket >= 0 && dispatcher.resultsSettledBelow() >= ticket) {
        done.complete(null);
        return;
      }
      long t = ticket;
      maintenance.schedule(() -> pollFlush(lastSeq, done, t), 20, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException | io.ciorelay.delivery.outbox.OutboxException e) {
      // Closed: nothing more will be delivered by this instance.
      done.complete(null);
    }
  }

  /** The current health of delivery. */
  public Health health() {
    if (outbox.reportsProblems()) {
      String problem = outbox.problem();
      if (problem != null) {
        healthTracker.storeFailure(problem);
      } else if (healthTracker.storeFailing()) {
        // The store says it works: a failure reported by a refused append earlier is over.
        healthTracker.storeRecovered();
      }
    }
    return healthTracker.snapshot(breaker.getState().name(), outbox.stats(), limiter.pausedUntil(),
        dispatcher.stalledLanes(clock.millis()));
  }

  /** The dead-letter store. */
  public DeadLetters deadLetters() {
    return new DeadLetters() {
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
        dispatcher.wake();
        return n;
      }

      @Override
      public int replayAll() {
        int n = outbox.replayAll();
        dispatcher.wake();
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
    };
  }

  /** The synchronous view: delivers inline, falls back to the outbox. */
  public DirectClient direct() {
    return direct;
  }

  /** Stops sending (accepting continues; the backlog grows on disk). Health turns DOWN. */
  public void pause() {
    dispatcher.pause();
  }

  public void resume() {
    dispatcher.resume();
  }

  /** The Micrometer registry holding this instance's meters. */
  public io.micrometer.core.instrument.MeterRegistry meterRegistry() {
    return metrics.registry();
  }

  /** Closes with {@link CustomerIoConfig#DEFAULT_CLOSE_TIMEOUT}. */
  @Override
  public void close() {
    close(CustomerIoConfig.DEFAULT_CLOSE_TIMEOUT);
  }

  /**
   * Stops accepting (later calls are rejected with reason CLOSED), commits what is buffered,
   * delivers until {@code timeout}, and leaves the rest in the outbox for the next start.
   * Idempotent: later calls return the first report.
   */
  public synchronized ShutdownReport close(Duration timeout) {
    if (shutdownReport != null) {
      return shutdownReport;
    }
    long startNanos = System.nanoTime();
    long deadline = startNanos + timeout.toNanos();
    closing = true;
    outbox.stopAccepting();
    try {
      lastAppend.handle((s, e) -> null).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (Exception e) {
      // Commit still running at the deadline; close() below finishes it.
    }
    dispatcher.beginFlush();
    // Deliver until the backlog is empty, delivery is blocked (paused, credentials or endpoint
    // refused: waiting longer would deliver nothing), or the deadline passes.
    CompletableFuture<Void> drained = new CompletableFuture<>();
    pollDrained(drained);
    try {
      drained.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      // deadline: the rest stays in the outbox for the next start
    }
    int abandoned = dispatcher.stop(deadline);
    outbox.close(abandoned > 0);
    OutboxStats st = outbox.stats();
    sender.close();
    httpExecutor.shutdownNow();
    maintenance.shutdownNow();
    shutdownReport = new ShutdownReport(accepted.get(), dispatcher.delivered(), dispatcher.deadLettered(),
        st.pending(), abandoned, Duration.ofNanos(System.nanoTime() - startNanos));
    log.info("workspace {} closed: {}", config.workspace(), shutdownReport);
    return shutdownReport;
  }

  // ---------------------------------------------------------------- internals

  interface OperationSupplier {
    Operation get();
  }

  private Receipt submit(OperationSupplier supplier) {
    if (closing) {
      return reject(Rejection.Reason.CLOSED, "closed: no longer accepting operations", List.of());
    }
    Operation op;
    try {
      op = supplier.get();
      if (op == null) {
        return reject(Rejection.Reason.INVALID, "operation must not be null", List.of());
      }
    } catch (ValidationException e) {
      return invalid(e.violations());
    } catch (RuntimeException e) {
      return reject(Rejection.Reason.INVALID, String.valueOf(e.getMessage()), List.of());
    }
    return submitOperation(op);
  }

  Receipt submitOperation(Operation op) {
    try {
      Operation stamped = stamp(op);
      byte[] payload = stamped.toJson();
      List<Violation> violations = Limits.check(stamped, payload);
      if (!violations.isEmpty()) {
        return invalid(violations);
      }
      String digest = null;
      if (identifyGuard != null) {
        if (stamped.action() == io.ciorelay.client.Action.IDENTIFY) {
          digest = digest(op.toJson());
          if (digest.equals(identifyGuard.getIfPresent(stamped.personKey()))) {
            metrics.skipped();
            return Receipt.skipped();
          }
        } else if (stamped.action() == io.ciorelay.client.Action.DELETE
            || stamped.action() == io.ciorelay.client.Action.SUPPRESS
            || stamped.action() == io.ciorelay.client.Action.UNSUPPRESS
            || stamped.action() == io.ciorelay.client.Action.MERGE) {
          // These change the person an identify would update, so the next identify is sent even
          // if its attributes are unchanged.
          identifyGuard.invalidate(stamped.personKey());
          if (stamped.secondary() != null) {
            identifyGuard.invalidate(Operation.identify(stamped.secondary(), Map.of()).personKey());
          }
        }
      }
      // Under the Pipelines API every operation carries a messageId: an event its ULID, any other a
      // ULID given here and stored with it, so each retry and restart re-sends the same one.
      String messageId = stamped.id() == null && config.api() == Api.PIPELINES ? Ulid.fast().toString() : stamped.id();
      NewEntry entry = new NewEntry(stamped.personKey(), messageId, EntryKind.V2_OPERATION, payload, clock.millis());
      List<Violation> refused = encoder.check(entry);
      if (!refused.isEmpty()) {
        return invalid(refused);
      }
      return append(entry, stamped.id(), digest == null ? null : new GuardEntry(stamped.personKey(), digest));
    } catch (ValidationException e) {
      return invalid(e.violations());
    } catch (RuntimeException e) {
      return reject(Rejection.Reason.INVALID, String.valueOf(e.getMessage()), List.of());
    }
  }

  /**
   * Events get a ULID id and a timestamp; identifies get a timestamp. Existing values are kept.
   * {@code Ulid.fast()} draws 80 random bits from {@code ThreadLocalRandom} without a lock: the id
   * only has to be unique (order comes from the outbox sequence), and a shared generator behind a
   * lock became the bottleneck with many request threads.
   */
  Operation stamp(Operation op) {
    Operation out = op;
    switch (op.action()) {
      case EVENT, PAGE, SCREEN -> {
        if (out.id() == null) {
          out = out.withId(Ulid.fast().toString());
        }
        if (out.timestamp() == null) {
          out = out.withTimestamp(clock.millis() / 1000);
        }
      }
      case IDENTIFY -> {
        if (out.timestamp() == null) {
          out = out.withTimestamp(clock.millis() / 1000);
        }
      }
      default -> {
      }
    }
    return out;
  }

  /** An identify's digest, remembered by the dedup guard while its commit is not known to have failed. */
  private record GuardEntry(String personKey, String digest) {}

  /**
   * Appends {@code entry}. An identify's digest ({@code guard}) is remembered from acceptance, so an
   * identical identify right behind it is skipped, and forgotten again if the commit fails, before
   * the receipt reports the failure: a caller retrying after {@code durable()} said false gets the
   * identify stored, not skipped.
   */
  private Receipt append(NewEntry entry, String eventId, GuardEntry guard) {
    if (guard != null) {
      identifyGuard.put(guard.personKey(), guard.digest());
    }
    AppendResult r = outbox.append(entry);
    if (guard != null && !r.isAccepted()) {
      identifyGuard.asMap().remove(guard.personKey(), guard.digest());
    }
    if (!r.isAccepted()) {
      Rejection.Reason reason = switch (r.reason()) {
        case FULL -> Rejection.Reason.FULL;
        case CLOSED -> Rejection.Reason.CLOSED;
        case FAILED -> Rejection.Reason.FAILED;
      };
      if (reason == Rejection.Reason.FAILED) {
        healthTracker.storeFailure(r.message());
      }
      return reject(reason, r.message(), List.of());
    }
    accepted.incrementAndGet();
    metrics.accepted();
    CompletableFuture<Long> committed = guard == null ? r.committed()
        : r.committed().whenComplete((seq, err) -> {
          if (err != null) {
            identifyGuard.asMap().remove(guard.personKey(), guard.digest());
          }
        });
    lastAppend = committed;
    if (healthTracker.storeFailing()) {
      committed.thenRun(healthTracker::storeRecovered);
    }
    // The watch reads the store (is the entry still pending? was it dead-lettered?): it runs on the
    // maintenance thread, never on the store thread that completed the commit (the SQLite writer or
    // the Redis event loop, which must not block on their own store).
    return Receipt.accepted(eventId, committed, () -> committed
        .thenComposeAsync(seq -> tracker.watch(seq), this::readStore)
        .handle((o, err) -> err != null
            ? new DeliveryOutcome(DeliveryOutcome.Status.NOT_STORED, "commit failed: " + err.getMessage())
            : o.delivered() ? DeliveryOutcome.DELIVERED
                : new DeliveryOutcome(DeliveryOutcome.Status.DEAD_LETTERED, o.reason())));
  }

  /** Runs a store read for a receipt on the maintenance thread (the common pool once closed). */
  private void readStore(Runnable task) {
    try {
      maintenance.execute(task);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      java.util.concurrent.ForkJoinPool.commonPool().execute(task);
    }
  }

  private Receipt invalid(List<Violation> violations) {
    StringBuilder sb = new StringBuilder();
    for (Violation v : violations) {
      sb.append(sb.length() == 0 ? "" : "; ").append(v.field()).append(": ").append(v.message());
    }
    return reject(Rejection.Reason.INVALID, sb.toString(), List.copyOf(violations));
  }

  private Receipt reject(Rejection.Reason reason, String message, List<Violation> violations) {
    metrics.rejected(reason.tag());
    return Receipt.rejected(new Rejection(reason, message, violations));
  }

  private double oldestAgeSeconds() {
    long oldest = outbox.stats().oldestAcceptedAtMillis();
    return oldest < 0 ? 0 : Math.max(0, clock.millis() - oldest) / 1000.0;
  }

  private static double breakerGauge(CircuitBreaker.State s) {
    return switch (s) {
      case CLOSED, DISABLED, METRICS_ONLY -> 0;
      case HALF_OPEN -> 1;
      case OPEN, FORCED_OPEN -> 2;
    };
  }

  private static Map<String, ?> orEmpty(Map<String, ?> m) {
    return m == null ? Map.of() : m;
  }

  private static String digest(byte[] bytes) {
    try {
      return Arrays.toString(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + (prefix.endsWith("-") ? n.incrementAndGet() : ""));
      t.setDaemon(true);
      return t;
    };
  }
}
