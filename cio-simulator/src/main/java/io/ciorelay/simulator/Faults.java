package io.ciorelay.simulator;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * The run-time behaviour of a {@link CioSimulator}: injected faults (outages, random 5xx, latency,
 * stalls, scripted responses) and the rate limit. Scriptable from tests and over the control
 * endpoint; {@link #clear()} (and {@link CioSimulator#reset()}) restore the built configuration.
 *
 * <p>Faults apply to API requests only, in this order: a scripted response if one is queued, then an
 * outage, then a random 5xx, then a stall, then latency; afterwards come authentication, the rate
 * limit and validation. A request answered by a fault records nothing as accepted.
 *
 * <p>Outage modes ({@link OutageMode}) cover the ways a real endpoint fails: 503, connection
 * reset, a hang before the headers, a body that stalls after the headers, a lost acknowledgement
 * (stored, then the connection dropped), a wrong endpoint (404 HTML page, 302 elsewhere), refused
 * credentials (401) and 429 with or without {@code Retry-After}. Requests held by a hang or a
 * stalled body are released when the window ends, is changed, or the simulator closes.
 *
 * <p>Thread-safe: the settings are an immutable snapshot swapped atomically; the script is a
 * concurrent queue; held requests wait on a monitor that every change notifies.
 */
public final class Faults {
  /** The statuses a random failure picks from when no fixed status is given. */
  static final int[] RANDOM_5XX = {500, 502, 503, 504};

  record State(long outageUntilNanos, OutageMode outageMode, double errorRate, int errorStatus,
      long latencyNanos, long stallNanos, int rateLimit, boolean retryAfter) {
    boolean outageActive(long now) {
      return outageMode != null && now < outageUntilNanos;
    }
  }

  private final LongSupplier ticker;
  private final State initial;
  private final AtomicReference<State> state;
  private final ConcurrentLinkedQueue<ScriptedResponse> script = new ConcurrentLinkedQueue<>();

  Faults(LongSupplier ticker, int rateLimit, boolean retryAfter) {
    this.ticker = ticker;
    this.initial = new State(Long.MIN_VALUE, null, 0, 0, 0, 0, rateLimit, retryAfter);
    this.state = new AtomicReference<>(initial);
  }

  State state() {
    return state.get();
  }

  ScriptedResponse pollScripted() {
    return script.poll();
  }

  private Faults update(UnaryOperator<State> f) {
    state.updateAndGet(f);
    signalChange();
    return this;
  }

  private final Object changed = new Object();

  /** Wakes requests held by a hang or a stalled body so they look at the faults again. */
  void signalChange() {
    synchronized (changed) {
      changed.notifyAll();
    }
  }

  /**
   * Waits until the faults change, or at most {@code maxNanos} (callers re-check their condition;
   * the bound also lets a fake ticker move a window's end without a change).
   */
  void awaitChange(long maxNanos) throws InterruptedException {
    long millis = Math.max(1, Math.min(maxNanos / 1_000_000, 100));
    synchronized (changed) {
      changed.wait(millis);
    }
  }

  /** Nanoseconds of the ticker until the current outage window ends (0 when none is open). */
  long outageRemainingNanos() {
    State s = state.get();
    long now = ticker.getAsLong();
    return s.outageActive(now) ? s.outageUntilNanos - now : 0;
  }

  /** Answers 503 to every API request for this long from now. */
  public Faults outage(Duration duration) {
    return outage(duration, OutageMode.SERVICE_UNAVAILABLE);
  }

  /**
   * Fails every API request in the given way for this long from now.
   *
   * @throws IllegalArgumentException if duration is negative
   */
  public Faults outage(Duration duration, OutageMode mode) {
    Objects.requireNonNull(mode, "mode");
    long nanos = nonNegativeNanos("outage duration", duration);
    long until = saturatedAdd(ticker.getAsLong(), nanos);
    return update(s -> new State(until, mode, s.errorRate, s.errorStatus, s.latencyNanos, s.stallNanos,
        s.rateLimit, s.retryAfter));
  }

  /** Fails every API request in the given way until {@link #endOutage()} or {@link #clear()}. */
  public Faults outage(OutageMode mode) {
    Objects.requireNonNull(mode, "mode");
    return update(s -> new State(Long.MAX_VALUE, mode, s.errorRate, s.errorStatus, s.latencyNanos,
        s.stallNanos, s.rateLimit, s.retryAfter));
  }

  /** Ends any outage now. */
  public Faults endOutage() {
    return update(s -> new State(Long.MIN_VALUE, null, s.errorRate, s.errorStatus, s.latencyNanos,
        s.stallNanos, s.rateLimit, s.retryAfter));
  }

  /** True while an outage window is open. */
  public boolean outageActive() {
    return state.get().outageActive(ticker.getAsLong());
  }

  /** Fails this fraction of API requests with a random one of 500, 502, 503, 504. */
  public Faults errorRate(double probability) {
    return errorRate(probability, 0);
  }

  /**
   * Fails this fraction of API requests with the given status (0 picks a random one of 500, 502,
   * 503, 504 per request).
   *
   * @throws IllegalArgumentException if probability is not in 0..1 or status not 0 or 500..599
   */
  public Faults errorRate(double probability, int status) {
    if (!(probability >= 0 && probability <= 1)) {
      throw new IllegalArgumentException("errorRate must be in 0..1 but was " + probability);
    }
    if (status != 0 && (status < 500 || status > 599)) {
      throw new IllegalArgumentException("errorStatus must be 0 or in 500..599 but was " + status);
    }
    return update(s -> new State(s.outageUntilNanos, s.outageMode, probability, status, s.latencyNanos,
        s.stallNanos, s.rateLimit, s.retryAfter));
  }

  /** Delays every API request by this much before processing it normally (zero turns it off). */
  public Faults latency(Duration latency) {
    long nanos = nonNegativeNanos("latency", latency);
    return update(s -> new State(s.outageUntilNanos, s.outageMode, s.errorRate, s.errorStatus, nanos,
        s.stallNanos, s.rateLimit, s.retryAfter));
  }

  /**
   * Holds every API request for this long and then drops its connection without answering or
   * recording anything — a hung server, for testing client timeouts (zero turns it off). A stalled
   * request is released early when the simulator closes.
   */
  public Faults stall(Duration stall) {
    long nanos = nonNegativeNanos("stall", stall);
    return update(s -> new State(s.outageUntilNanos, s.outageMode, s.errorRate, s.errorStatus,
        s.latencyNanos, nanos, s.rateLimit, s.retryAfter));
  }

  private volatile long holdNanos;

  /**
   * How long a request held by a {@link OutageMode#HANG_BEFORE_HEADERS hang} or a
   * {@link OutageMode#STALL_AFTER_HEADERS stalled body} stays held at least, counted from its
   * arrival, even after its window ends: a half-open connection the client has to give up on.
   * Zero (the default) releases held requests when the window ends. Requests arriving after the
   * window are served normally either way. Reset by {@link #clear()}.
   *
   * @throws IllegalArgumentException if negative
   */
  public Faults holdHeldRequests(Duration hold) {
    holdNanos = nonNegativeNanos("hold", hold);
    signalChange();
    return this;
  }

  /** The minimum hold of a hung or stalled request (zero: until its window ends). */
  public Duration heldRequestHold() {
    return Duration.ofNanos(holdNanos);
  }

  long holdNanos() {
    return holdNanos;
  }

  /** Queues responses: the next API requests get them, in order, one each (like MockWebServer). */
  public Faults enqueue(ScriptedResponse... responses) {
    for (ScriptedResponse r : responses) {
      script.add(Objects.requireNonNull(r, "response"));
    }
    return this;
  }

  /** Queues responses, in order. */
  public Faults enqueue(List<ScriptedResponse> responses) {
    return enqueue(responses.toArray(new ScriptedResponse[0]));
  }

  /** Scripted responses not yet used. */
  public int pendingScripted() {
    return script.size();
  }

  /**
   * Changes the per-workspace rate limit (requests per second; 0 means unlimited).
   *
   * @throws IllegalArgumentException if requestsPerSecond is not in 0..100000
   */
  public Faults rateLimit(int requestsPerSecond) {
    CioSimulator.checkRateLimit(requestsPerSecond);
    return update(s -> new State(s.outageUntilNanos, s.outageMode, s.errorRate, s.errorStatus,
        s.latencyNanos, s.stallNanos, requestsPerSecond, s.retryAfter));
  }

  /** Turns the {@code Retry-After} header on 429 responses on or off. */
  public Faults retryAfter(boolean enabled) {
    return update(s -> new State(s.outageUntilNanos, s.outageMode, s.errorRate, s.errorStatus,
        s.latencyNanos, s.stallNanos, s.rateLimit, enabled));
  }

  /** The rate limit in force (requests per second; 0 means unlimited). */
  public int rateLimit() {
    return state.get().rateLimit;
  }

  /** Whether 429 responses carry {@code Retry-After}. */
  public boolean retryAfter() {
    return state.get().retryAfter;
  }

  /** How the simulator refuses a poisoned operation (see {@link #poison(String, PoisonMode)}). */
  public enum PoisonMode {
    /** The operation alone is refused: 207 with its {@code batch_index} in a batch, 400 elsewhere. */
    OPERATION,
    /** The whole v2 request that carries it is refused with 400, as Customer.io does for a malformed request. */
    REQUEST
  }

  private volatile String poisonAttribute;
  private volatile PoisonMode poisonMode = PoisonMode.OPERATION;

  /**
   * Refuses every operation whose attributes (or event data) carry a top-level key named
   * {@code attribute}, as if Customer.io found it invalid; other operations are handled normally.
   * For testing dead letters and the isolation of a bad operation. {@code null} turns it off.
   */
  public Faults poison(String attribute, PoisonMode mode) {
    this.poisonMode = Objects.requireNonNull(mode, "mode");
    this.poisonAttribute = attribute;
    return this;
  }

  /** The poison attribute in force, or null. */
  public String poisonAttribute() {
    return poisonAttribute;
  }

  public PoisonMode poisonMode() {
    return poisonMode;
  }

  /** Whether these attribute bytes (a JSON object) carry the poison key at top level. */
  boolean poisoned(byte[] attributesJson) {
    String key = poisonAttribute;
    if (key == null || attributesJson == null || attributesJson.length == 0) {
      return false;
    }
    try {
      com.fasterxml.jackson.databind.JsonNode n = Responses.MAPPER.readTree(attributesJson);
      return n != null && n.isObject() && n.has(key);
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** Removes every fault and scripted response and restores the built rate limit and Retry-After. */
  public void clear() {
    script.clear();
    state.set(initial);
    holdNanos = 0;
    signalChange();
    poisonAttribute = null;
    poisonMode = PoisonMode.OPERATION;
  }

  private static long nonNegativeNanos(String what, Duration d) {
    Objects.requireNonNull(d, what);
    if (d.isNegative()) {
      throw new IllegalArgumentException(what + " must not be negative but was " + d);
    }
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }
}
