package io.ciorelay.delivery;

import io.ciorelay.client.TrackClientConfig;
import io.ciorelay.delivery.health.Health;
import io.ciorelay.delivery.internal.DeliveryTracker;
import io.ciorelay.delivery.internal.HealthTracker;
import io.ciorelay.delivery.internal.LaneScheduler;
import io.ciorelay.delivery.internal.RequestEncoder;
import io.ciorelay.delivery.metrics.DeliveryMetrics;
import io.ciorelay.delivery.outbox.Outbox;
import io.ciorelay.delivery.outbox.OutboxStats;
import io.ciorelay.delivery.ratelimit.LocalRateLimiter;
import io.ciorelay.delivery.ratelimit.RateLimiter;
import io.ciorelay.delivery.retry.Backoff;
import io.ciorelay.delivery.send.Scheduler;
import io.ciorelay.delivery.send.Sender;
import io.ciorelay.delivery.send.Transport;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One workspace's delivery engine assembled from its {@link CustomerIoConfig}: the outbox, the
 * threads, the gates (rate limiter, circuit breaker), the transport, the lane scheduler, and the
 * acceptance, append, drain and direct-mode parts built over them. Queued and direct delivery share
 * every gate and the transport. {@link #transport} is the one place that picks how requests reach
 * Customer.io.
 *
 * <p>Thread-safe: the fields are final and each part is thread-safe; {@link #start()} and
 * {@link #release()} are called once each, by {@link CustomerIo}'s creation and close.
 */
final class Engine {
  /** The facade's logger: operators' log settings name {@code CustomerIo}. */
  private static final Logger log = LoggerFactory.getLogger(CustomerIo.class);

  final CustomerIoConfig config;
  final Clock clock;
  final Outbox outbox;
  final ExecutorService httpExecutor;
  final ScheduledExecutorService maintenance;
  final Scheduler scheduler;
  final RateLimiter limiter;
  final CircuitBreaker breaker;
  final DeliveryMetrics metrics;
  final HealthTracker health;
  final Transport transport;
  final LaneScheduler lanes;
  final Acceptance acceptance;
  final Appender appender;
  final Drain drain;
  final DirectClient direct;

  Engine(CustomerIoConfig config) {
    this.config = config;
    this.clock = config.clock();
    String ws = config.workspace();
    this.outbox = config.outboxFactory().open(config.outbox());
    this.httpExecutor = Executors.newFixedThreadPool(config.httpThreads(), named("cio-http-" + ws + "-"));
    this.maintenance = Executors.newSingleThreadScheduledExecutor(named("cio-maint-" + ws));
    this.scheduler = Scheduler.of(maintenance);
    this.limiter = config.rateLimiter() != null ? config.rateLimiter() : new LocalRateLimiter(config.rateLimit(), clock);
    this.breaker = config.breaker().newBreaker("customerio-" + ws, clock);
    Backoff backoff = new Backoff(config.retry(), config.random());
    this.metrics = new DeliveryMetrics(config.meterRegistry(), ws);
    this.health = new HealthTracker(clock, config.health());
    DeliveryTracker tracker = new DeliveryTracker(outbox::isPending, outbox::deadLetterOf, outbox::replayedAs);
    this.transport = transport(config, httpExecutor, scheduler);
    this.lanes = new LaneScheduler(ws, new LaneScheduler.Parts(outbox, transport, limiter, breaker, backoff, metrics,
        health, tracker, clock, config.ticker()), new LaneScheduler.Settings(config.maxBatchOperations(),
            config.maxBatchBytes(), config.linger(), config.retry().authRetryInterval(),
            config.retry().endpointRetryInterval()), RequestEncoder.of(config.api()));
    Rejections rejections = new Rejections(metrics);
    IdentifyGuard guard = IdentifyGuard.create(config.identifyDedupWindow(), config.identifyDedupSize(),
        config.ticker());
    this.acceptance = new Acceptance(clock, guard, rejections, metrics, config.api());
    this.appender = new Appender(outbox, guard, rejections, health, metrics, tracker, this::readStore);
    this.drain = new Drain(ws, outbox, Drain.Delivery.of(lanes), appender::lastAppend, scheduler, config.ticker());
    this.direct = new DirectClient(new DirectClient.Parts(transport, breaker, limiter, backoff, clock,
        config.ticker(), scheduler, health, metrics, acceptance::stamp,
        op -> appender.append(acceptance.accept(op)), acceptance::isClosing, config.api() == Api.TRACK_V2));
    breaker.getEventPublisher().onStateTransition(e -> {
      metrics.breakerTransition(e.getStateTransition().getToState().name().toLowerCase(Locale.ROOT));
      log.warn("circuit breaker of workspace {}: {}", ws, e.getStateTransition());
      lanes.wake();
    });
    metrics.gauges(this,
        s -> s.outbox.stats().pending(),
        s -> s.outbox.stats().pendingBytes(),
        Engine::oldestAgeSeconds,
        s -> s.outbox.stats().deadLetters(),
        s -> breakerGauge(s.breaker.getState()));
  }

  /**
   * How requests reach Customer.io: over HTTP with a hard deadline per exchange, on the engine's
   * HTTP threads (timeouts run on the maintenance scheduler); to the Track API with the site id and
   * API key, or with {@link Api#PIPELINES} with the write key and {@code X-Strict-Mode: 1}. With
   * {@link RequestEncoder#of(Api)} (bodies, limits) this is where the API is chosen.
   */
  static Transport transport(CustomerIoConfig config, ExecutorService httpExecutor, Scheduler scheduler) {
    TrackClientConfig c = config.client();
    TrackClientConfig http = TrackClientConfig.builder()
        .credentials(c.credentials())
        .baseUrl(c.baseUrl())
        .connectTimeout(c.connectTimeout())
        .requestTimeout(c.requestTimeout())
        .userAgent(c.userAgent())
        .executor(httpExecutor)
        .build();
    return config.api() == Api.PIPELINES ? Sender.pipelines(http, config.pipelinesWriteKey(), scheduler)
        : Sender.create(http, scheduler);
  }

  /** Starts delivery. */
  void start() {
    OutboxStats st = outbox.stats();
    if (st.pending() > 0) {
      log.info("workspace {}: resuming {} pending operation(s) from {}", config.workspace(), st.pending(),
          config.outboxFactory().describe(config.outbox()));
    }
    lanes.start();
  }

  /** The current health of delivery, with the store's own view of itself. */
  Health health() {
    if (outbox.reportsProblems()) {
      String problem = outbox.problem();
      if (problem != null) {
        health.storeFailure(problem);
      } else if (health.storeFailing()) {
        // The store says it works: a failure reported by a refused append earlier is over.
        health.storeRecovered();
      }
    }
    return health.snapshot(breaker.getState().name(), outbox.stats(), limiter.pausedUntil(),
        lanes.stalledLanes(clock.millis()));
  }

  /** Ends the transport and the engine's threads; after the drain closed the store. */
  void release() {
    transport.close();
    httpExecutor.shutdownNow();
    maintenance.shutdownNow();
  }

  /** Runs a store read for a receipt on the maintenance thread (the common pool once closed). */
  private void readStore(Runnable task) {
    try {
      maintenance.execute(task);
    } catch (RejectedExecutionException e) {
      java.util.concurrent.ForkJoinPool.commonPool().execute(task);
    }
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

  private static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + (prefix.endsWith("-") ? n.incrementAndGet() : ""));
      t.setDaemon(true);
      return t;
    };
  }
}
