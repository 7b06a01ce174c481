package io.ciorelay.delivery.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The Micrometer meters of one workspace's delivery. Every meter carries the tag
 * {@code workspace}. Names (Prometheus replaces dots with underscores and adds {@code _total} to
 * counters):
 *
 * <ul>
 *   <li>{@value #ACCEPTED} counter — operations accepted into the outbox
 *   <li>{@value #REJECTED} counter, tag {@code reason} = invalid | full | closed | failed
 *   <li>{@value #SKIPPED} counter — identifies skipped by the dedup guard
 *   <li>{@value #DELIVERED} counter — operations Customer.io accepted
 *   <li>{@value #RETRIED} counter — operations in requests that are retried
 *   <li>{@value #DEAD_LETTERED} counter, tag {@code reason} = refused | budget
 *   <li>{@value #REQUESTS} timer, tag {@code outcome} = delivered | partial | split | refused |
 *       auth | endpoint | rate_limited | retry | timeout — request latency by outcome ({@code Action.tag()})
 *   <li>{@value #BACKLOG} gauge — operations waiting; {@value #BACKLOG_BYTES} gauge;
 *       {@value #BACKLOG_AGE} gauge — age of the oldest, seconds
 *   <li>{@value #DEAD_LETTERS} gauge — operations in the dead-letter store
 *   <li>{@value #BREAKER_STATE} gauge — 0 closed, 1 half-open, 2 open;
 *       {@value #BREAKER_TRANSITIONS} counter, tag {@code to}
 *   <li>{@value #RATE_LIMIT_WAITS} counter — times a lane waited for a rate-limit token;
 *       {@value #RATE_LIMIT_PAUSES} counter — 429 answers that paused the workspace
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class DeliveryMetrics {
  public static final String ACCEPTED = "cio.operations.accepted";
  public static final String REJECTED = "cio.operations.rejected";
  public static final String SKIPPED = "cio.operations.skipped";
  public static final String DELIVERED = "cio.operations.delivered";
  public static final String RETRIED = "cio.operations.retried";
  public static final String DEAD_LETTERED = "cio.operations.dead_lettered";
  public static final String REQUESTS = "cio.requests";
  public static final String BACKLOG = "cio.backlog.operations";
  public static final String BACKLOG_BYTES = "cio.backlog.bytes";
  public static final String BACKLOG_AGE = "cio.backlog.oldest.age.seconds";
  public static final String DEAD_LETTERS = "cio.dead_letters";
  public static final String BREAKER_STATE = "cio.breaker.state";
  public static final String BREAKER_TRANSITIONS = "cio.breaker.transitions";
  public static final String RATE_LIMIT_WAITS = "cio.ratelimit.waits";
  public static final String RATE_LIMIT_PAUSES = "cio.ratelimit.pauses";

  private final MeterRegistry registry;
  private final Tags tags;
  private final Counter accepted;
  private final Counter skipped;
  private final Counter delivered;
  private final Counter retried;
  private final Counter rateLimitWaits;
  private final Counter rateLimitPauses;
  private final Map<String, Counter> rejected = new ConcurrentHashMap<>();
  private final Map<String, Counter> deadLettered = new ConcurrentHashMap<>();
  private final Map<String, Timer> requests = new ConcurrentHashMap<>();
  private final Map<String, Counter> transitions = new ConcurrentHashMap<>();

  public DeliveryMetrics(MeterRegistry registry, String workspace) {
    this.registry = registry;
    this.tags = Tags.of("workspace", workspace);
    this.accepted = Counter.builder(ACCEPTED).tags(tags).description("operations accepted").register(registry);
    this.skipped = Counter.builder(SKIPPED).tags(tags).description("identifies skipped as unchanged").register(registry);
    this.delivered = Counter.builder(DELIVERED).tags(tags).description("operations delivered").register(registry);
    this.retried = Counter.builder(RETRIED).tags(tags).description("operations in retried requests").register(registry);
    this.rateLimitWaits = Counter.builder(RATE_LIMIT_WAITS).tags(tags).register(registry);
    this.rateLimitPauses = Counter.builder(RATE_LIMIT_PAUSES).tags(tags).register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Registers the gauges that read live state. */
  public <T> void gauges(T state, ToDoubleFunction<T> backlog, ToDoubleFunction<T> backlogBytes,
      ToDoubleFunction<T> backlogAgeSeconds, ToDoubleFunction<T> deadLetters, ToDoubleFunction<T> breakerState) {
    Gauge.builder(BACKLOG, state, backlog).tags(tags).register(registry);
    Gauge.builder(BACKLOG_BYTES, state, backlogBytes).tags(tags).baseUnit("bytes").register(registry);
    Gauge.builder(BACKLOG_AGE, state, backlogAgeSeconds).tags(tags).register(registry);
    Gauge.builder(DEAD_LETTERS, state, deadLetters).tags(tags).register(registry);
    Gauge.builder(BREAKER_STATE, state, breakerState).tags(tags).register(registry);
  }

  public void accepted() {
    accepted.increment();
  }

  public void skipped() {
    skipped.increment();
  }

  public void rejected(String reason) {
    counter(rejected, REJECTED, "reason", reason).increment();
  }

  public void delivered(int n) {
    delivered.increment(n);
  }

  public void retried(int n) {
    retried.increment(n);
  }

  public void deadLettered(String reason, int n) {
    counter(deadLettered, DEAD_LETTERED, "reason", reason).increment(n);
  }

  public void request(String outcome, Duration latency) {
    requests.computeIfAbsent(outcome, o -> Timer.builder(REQUESTS).tags(tags).tag("outcome", o)
        .publishPercentileHistogram(false).register(registry)).record(latency);
  }

  public void breakerTransition(String to) {
    counter(transitions, BREAKER_TRANSITIONS, "to", to).increment();
  }

  public void rateLimitWait() {
    rateLimitWaits.increment();
  }

  public void rateLimitPause() {
    rateLimitPauses.increment();
  }

  private Counter counter(Map<String, Counter> cache, String name, String tag, String value) {
    return cache.computeIfAbsent(value, v -> Counter.builder(name).tags(tags).tag(tag, v).register(registry));
  }
}
