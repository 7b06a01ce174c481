package io.ciorelay.simulator;

import static io.ciorelay.simulator.RecordedOperation.Action;

import io.javalin.Javalin;
import io.javalin.http.Handler;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Objects;
import java.util.Random;
import java.util.function.LongSupplier;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A fake Customer.io Track API over real HTTP, for tests and local runs: the same paths, Basic
 * authentication, success bodies, validation errors and size limits as Customer.io, plus a
 * per-workspace rate limit, scriptable {@link Faults}, and a {@link Records record} of everything
 * it accepted.
 *
 * <pre>{@code
 * try (CioSimulator sim = CioSimulator.builder().siteId("site").apiKey("key").build().start()) {
 *   // point a client at sim.baseUrl() + "/api/v1" (or "/api/v2")
 *   sim.faults().outage(Duration.ofSeconds(2));
 *   assertEquals(1, sim.records().forPerson("42").size());
 * }
 * }</pre>
 *
 * <p>Endpoints: v1 identify, delete, suppress, unsuppress, person events, anonymous events,
 * devices, merge, region, segments add/remove, form submit (204), metrics, push events,
 * {@code /unsubscribe/{delivery_id}}; v2 entity and batch with every person action plus object and
 * delivery operations. Metrics, push events and unsubscribe need no authentication, as at
 * Customer.io. The control endpoint is described in {@code ControlApi} and the README.
 *
 * <p>Limits (UTF-8 bytes): person id 150, attribute name 150, attribute value 1000, 300 attributes,
 * event name 100 (trimmed, non-blank), event data 100,000. Request sizes use KB = 1000 bytes, the
 * strict reading: v2 entity requests must be under 32,000 bytes, batch requests under 500,000,
 * each batch operation at most 32,000; an over-size request gets 400 (an over-size batch
 * operation a 207 entry). Bodies over {@link #MAX_BODY_BYTES} are refused by the HTTP layer with 413.
 *
 * <p>Defaults: site id {@value #DEFAULT_SITE_ID}, API key {@value #DEFAULT_API_KEY}, host
 * {@value #DEFAULT_HOST}, a random free port, {@value #DEFAULT_RATE_LIMIT} requests per second,
 * {@code Retry-After} on 429s.
 *
 * <p>Thread-safe: requests are served concurrently on a pool of up to {@value #MAX_THREADS}
 * threads; the Java API may be used from any thread while requests are in flight.
 */
public final class CioSimulator implements AutoCloseable {
  public static final String DEFAULT_SITE_ID = "sim-site-id";
  public static final String DEFAULT_API_KEY = "sim-api-key";
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_RATE_LIMIT = 100;
  public static final boolean DEFAULT_RETRY_AFTER = true;
  /** Largest body the HTTP layer reads; anything larger is answered 413 before validation. */
  public static final int MAX_BODY_BYTES = 10_000_000;
  /**
   * The record window of a simulator inside a long-lived process (the relay's built-in one,
   * {@code cio simulator}): the newest 100,000 operations are kept for queries.
   */
  public static final int DEFAULT_LONG_RUNNING_MAX_RECORDS = 100_000;
  /** With a bounded window, at least this many of the newest event ids are remembered for de-duplication. */
  public static final int DEFAULT_MAX_EVENT_IDS = 1_000_000;
  static final int MAX_THREADS = 400;
  static final int MAX_RATE_LIMIT = 100_000;

  private final Builder config;
  private final Faults faults;
  private final Records records;
  private final StatsRecorder stats;
  private final ApiPipeline pipeline;
  private final Pipelines pipelines;
  private final Javalin app;
  private volatile boolean started;

  private CioSimulator(Builder b) {
    this.config = b;
    this.records = new Records(b.maxRecords, b.maxRecords == 0 ? 0
        : Math.max(b.maxRecords, b.maxEventIds > 0 ? b.maxEventIds : DEFAULT_MAX_EVENT_IDS));
    SlidingWindow limiter = new SlidingWindow();
    this.faults = new Faults(b.ticker, b.rateLimit, b.retryAfter);
    this.stats = new StatsRecorder(limiter);
    this.pipeline = new ApiPipeline(faults, records, stats, limiter, b.ticker, b.clock, b.random, b.siteId,
        b.apiKey);
    this.pipelines = new Pipelines(b.writeKey, b.ticker, faults);
    this.app = Javalin.create(cfg -> {
      cfg.showJavalinBanner = false;
      cfg.startupWatcherEnabled = false;
      cfg.http.maxRequestSize = MAX_BODY_BYTES;
      cfg.http.disableCompression();
      QueuedThreadPool pool = new QueuedThreadPool(MAX_THREADS, 8, 60_000);
      pool.setName("cio-simulator");
      cfg.jetty.threadPool = pool;
    });
    registerRoutes();
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  private void registerRoutes() {
    TrackV1 v1 = new TrackV1(this::baseUrl, config.siteId);
    TrackV2 v2 = new TrackV2(faults, records, config.clock);
    app.get("/api/v1/accounts/region", v1(true, v1::region));
    app.put("/api/v1/customers/{id}", v1(true, v1::identify));
    app.delete("/api/v1/customers/{id}", v1(true, (ctx, body) -> v1.noBody(Action.DELETE, ctx)));
    app.post("/api/v1/customers/{id}/suppress", v1(true, (ctx, body) -> v1.noBody(Action.SUPPRESS, ctx)));
    app.post("/api/v1/customers/{id}/unsuppress", v1(true, (ctx, body) -> v1.noBody(Action.UNSUPPRESS, ctx)));
    app.post("/api/v1/customers/{id}/events", v1(true, v1::personEvent));
    app.put("/api/v1/customers/{id}/devices", v1(true, v1::addDevice));
    app.delete("/api/v1/customers/{id}/devices/{device_id}", v1(true, v1::deleteDevice));
    app.post("/api/v1/events", v1(true, v1::anonymousEvent));
    app.post("/api/v1/merge_customers", v1(true, v1::merge));
    app.post("/api/v1/segments/{segment_id}/add_customers",
        v1(true, (ctx, body) -> v1.segment(Action.SEGMENT_ADD, ctx, body)));
    app.post("/api/v1/segments/{segment_id}/remove_customers",
        v1(true, (ctx, body) -> v1.segment(Action.SEGMENT_REMOVE, ctx, body)));
    app.post("/api/v1/forms/{form_id}/submit", v1(true, v1::formSubmit));
    app.post("/api/v1/metrics", v1(false, v1::metric));
    app.post("/api/v1/push/events", v1(false, v1::pushEvent));
    app.post("/unsubscribe/{delivery_id}", v1(false, v1::unsubscribe));
    app.post("/api/v2/entity", ctx -> pipeline.handle(ctx, true, true, v2::entity));
    app.post("/api/v2/batch", ctx -> pipeline.handle(ctx, true, true, v2::batch));
    pipelines.register(app, pipeline);
    new ControlApi(faults, records, this::reset, this::stats).register(app);
  }

  private Handler v1(boolean authenticated, Endpoint endpoint) {
    return ctx -> pipeline.handle(ctx, false, authenticated, endpoint);
  }

  /**
   * Starts serving.
   *
   * @return this
   * @throws IllegalStateException if already started, or the port cannot be bound
   */
  public synchronized CioSimulator start() {
    if (started) {
      throw new IllegalStateException("simulator already started");
    }
    app.start(config.host, config.port);
    started = true;
    return this;
  }

  /** Whether {@link #start()} has run and {@link #close()} has not. */
  public boolean isRunning() {
    return started;
  }

  /** The port served on (the bound port when built with port 0). */
  public int port() {
    requireStarted();
    return app.port();
  }

  /** {@code http://host:port}, without {@code /api/v1}; a wildcard host is given as 127.0.0.1. */
  public String baseUrl() {
    String host = "0.0.0.0".equals(config.host) || "::".equals(config.host) ? "127.0.0.1" : config.host;
    if (host.indexOf(':') >= 0) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + port();
  }

  /** {@code baseUrl() + "/api/v1"}, the {@code url} to give customerio-node's TrackClient. */
  public String trackUrl() {
    return baseUrl() + "/api/v1";
  }

  public String siteId() {
    return config.siteId;
  }

  /** The fake API key the simulator accepts (a test credential, not a secret). */
  public String apiKey() {
    return config.apiKey;
  }

  /** The {@code Authorization} header value the simulator accepts. */
  public String authorizationHeader() {
    return "Basic " + Base64.getEncoder()
        .encodeToString((config.siteId + ":" + config.apiKey).getBytes(StandardCharsets.UTF_8));
  }

  /** The fault and rate-limit controls. */
  public Faults faults() {
    return faults;
  }

  /** The record of accepted operations. */
  public Records records() {
    return records;
  }

  /** The Data Pipelines API's write key and record of accepted calls. */
  public Pipelines pipelines() {
    return pipelines;
  }

  /** A snapshot of the request statistics. */
  public SimulatorStats stats() {
    return stats.snapshot(records.duplicateCount());
  }

  /** Clears the record, the statistics and every fault, and restores the built rate limit. */
  public void reset() {
    faults.clear();
    records.clear();
    pipelines.clear();
    stats.clear();
  }

  /** Stops serving; stalled and delayed requests are released. Idempotent. */
  @Override
  public synchronized void close() {
    pipeline.release();
    if (started) {
      app.stop();
      started = false;
    }
  }

  private void requireStarted() {
    if (!started) {
      throw new IllegalStateException("simulator not started");
    }
  }

  static int checkRateLimit(int rateLimit) {
    if (rateLimit < 0 || rateLimit > MAX_RATE_LIMIT) {
      throw new IllegalArgumentException("rateLimit must be in 0.." + MAX_RATE_LIMIT + " but was " + rateLimit);
    }
    return rateLimit;
  }

  /** Configuration for a {@link CioSimulator}; setters check their value at once. Not thread-safe. */
  public static final class Builder {
    private String siteId = DEFAULT_SITE_ID;
    private String apiKey = DEFAULT_API_KEY;
    private String host = DEFAULT_HOST;
    private int port;
    private int rateLimit = DEFAULT_RATE_LIMIT;
    private boolean retryAfter = DEFAULT_RETRY_AFTER;
    private LongSupplier ticker = System::nanoTime;
    private Clock clock = Clock.systemUTC();
    private Random random = new Random();
    private int maxRecords;
    private int maxEventIds;
    private String writeKey = Pipelines.DEFAULT_WRITE_KEY;

    private Builder() {}

    /** The Data Pipelines write key accepted (default {@value Pipelines#DEFAULT_WRITE_KEY}). */
    public Builder pipelinesWriteKey(String writeKey) {
      this.writeKey = nonBlank("pipelinesWriteKey", writeKey);
      return this;
    }

    /**
     * Keeps only the newest {@code maxRecords} accepted operations for queries (older ones are
     * counted and forgotten), and bounds the remembered event ids to the newest
     * max({@code maxRecords}, {@value #DEFAULT_MAX_EVENT_IDS}); 0 (the default) keeps everything.
     * Use {@link #DEFAULT_LONG_RUNNING_MAX_RECORDS} for a simulator that runs for days.
     */
    public Builder maxRecords(int maxRecords) {
      if (maxRecords < 0) {
        throw new IllegalArgumentException("maxRecords must be >= 0 (0 keeps everything) but was " + maxRecords);
      }
      this.maxRecords = maxRecords;
      return this;
    }

    /**
     * With a {@link #maxRecords} window, how many of the newest event ids are remembered for
     * de-duplication (at least {@code maxRecords}); 0 (the default) means
     * {@value #DEFAULT_MAX_EVENT_IDS}. A repeat of an older event is counted as new.
     */
    public Builder maxEventIds(int maxEventIds) {
      if (maxEventIds < 0) {
        throw new IllegalArgumentException("maxEventIds must be >= 0 (0 means the default) but was " + maxEventIds);
      }
      this.maxEventIds = maxEventIds;
      return this;
    }

    /** The workspace site id accepted in Basic auth. */
    public Builder siteId(String siteId) {
      this.siteId = nonBlank("siteId", siteId);
      if (siteId.indexOf(':') >= 0) {
        throw new IllegalArgumentException("siteId must not contain ':' but was " + siteId);
      }
      return this;
    }

    /** The API key accepted in Basic auth. */
    public Builder apiKey(String apiKey) {
      this.apiKey = nonBlank("apiKey", apiKey);
      return this;
    }

    /** The address to bind; default loopback. */
    public Builder host(String host) {
      this.host = nonBlank("host", host);
      return this;
    }

    /** The port to bind; 0 (the default) picks a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be in 0..65535 but was " + port);
      }
      this.port = port;
      return this;
    }

    /** Requests per second per workspace before 429; 0 means unlimited. Default 100. */
    public Builder rateLimit(int requestsPerSecond) {
      this.rateLimit = checkRateLimit(requestsPerSecond);
      return this;
    }

    /** Whether 429 responses carry {@code Retry-After} (seconds). Default true. */
    public Builder retryAfter(boolean retryAfter) {
      this.retryAfter = retryAfter;
      return this;
    }

    /** Monotonic nanosecond time source for windows (rate limit, outages, peaks). */
    public Builder ticker(LongSupplier ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /** Wall clock for arrival times. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Random source for the random 5xx fault; pass a seeded one for repeatable runs. */
    public Builder random(Random random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** A new, not yet started simulator. */
    public CioSimulator build() {
      return new CioSimulator(this.copy());
    }

    private Builder copy() {
      Builder b = new Builder();
      b.siteId = siteId;
      b.apiKey = apiKey;
      b.host = host;
      b.port = port;
      b.rateLimit = rateLimit;
      b.retryAfter = retryAfter;
      b.ticker = ticker;
      b.clock = clock;
      b.random = random;
      b.maxRecords = maxRecords;
      b.maxEventIds = maxEventIds;
      b.writeKey = writeKey;
      return b;
    }

    private static String nonBlank(String field, String value) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(field + " must not be blank but was '" + value + "'");
      }
      return value;
    }
  }
}
