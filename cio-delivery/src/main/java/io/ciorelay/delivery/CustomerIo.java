package io.ciorelay.delivery;

import io.ciorelay.client.Device;
import io.ciorelay.client.Event;
import io.ciorelay.client.Identifiers;
import io.ciorelay.client.Operation;
import io.ciorelay.delivery.health.Health;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

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
 * <p>A facade: each call delegates to one part of the engine ({@code Engine} assembles them from
 * the config): acceptance (closing, validation, stamping, the identify guard), the append and its
 * receipt, the drain (flush and close), the lane scheduler, the dead-letter store, and direct mode.
 *
 * <p>Thread-safe. Threads: the outbox writer, one dispatcher ({@code cio-dispatch-<workspace>}),
 * a bounded HTTP pool ({@code cio-http-<workspace>-N}) and one maintenance thread
 * ({@code cio-maint-<workspace>}); see CONCURRENCY.md.
 */
public final class CustomerIo implements AutoCloseable {
  private final Engine engine;
  private final DeadLetters deadLetters;

  private CustomerIo(CustomerIoConfig config) {
    this.engine = new Engine(config);
    this.deadLetters = new StoreDeadLetters(engine.outbox, engine.lanes::wake);
    engine.start();
  }

  /** Opens the outbox and starts delivery. */
  public static CustomerIo create(CustomerIoConfig config) {
    return new CustomerIo(Objects.requireNonNull(config, "config"));
  }

  public static CustomerIoConfig.Builder builder() {
    return CustomerIoConfig.builder();
  }

  public CustomerIoConfig config() {
    return engine.config;
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
    return engine.appender.append(engine.acceptance.anonymous(anonymousId, name, orEmpty(data)));
  }

  /**
   * Records an anonymous event given in full (type, data, and optionally its own ULID {@code id}
   * and {@code timestamp}, which are kept; missing ones are assigned).
   */
  public Receipt trackAnonymous(String anonymousId, Event event) {
    return engine.appender.append(engine.acceptance.anonymous(anonymousId, event));
  }

  // ---------------------------------------------------------------- lifecycle and views

  /**
   * Completes when every operation accepted before this call is delivered or dead-lettered.
   * Part-full batches go out at once while a flush is outstanding. Never completes exceptionally.
   */
  public CompletableFuture<Void> flush() {
    return engine.drain.flush();
  }

  /** The current health of delivery. */
  public Health health() {
    return engine.health();
  }

  /** The dead-letter store. */
  public DeadLetters deadLetters() {
    return deadLetters;
  }

  /** The synchronous view: delivers inline, falls back to the outbox. */
  public DirectClient direct() {
    return engine.direct;
  }

  /** Stops sending (accepting continues; the backlog grows on disk). Health turns DOWN. */
  public void pause() {
    engine.lanes.pause();
  }

  public void resume() {
    engine.lanes.resume();
  }

  /** The Micrometer registry holding this instance's meters. */
  public MeterRegistry meterRegistry() {
    return engine.metrics.registry();
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
  public ShutdownReport close(Duration timeout) {
    engine.acceptance.stopAccepting();
    return engine.drain.close(timeout, engine.appender::accepted, engine::release);
  }

  // ---------------------------------------------------------------- internals

  private Receipt submit(Supplier<Operation> build) {
    return engine.appender.append(engine.acceptance.operation(build));
  }

  private static Map<String, ?> orEmpty(Map<String, ?> m) {
    return m == null ? Map.of() : m;
  }
}
