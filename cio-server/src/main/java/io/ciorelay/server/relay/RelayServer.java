package io.ciorelay.server.relay;

import io.ciorelay.delivery.CustomerIo;
import io.ciorelay.delivery.CustomerIoConfig;
import io.ciorelay.delivery.ShutdownReport;
import io.ciorelay.delivery.Workspaces;
import io.ciorelay.delivery.routing.Routing;
import io.ciorelay.redis.RedisOutbox;
import io.ciorelay.redis.RedisRateLimiter;
import io.ciorelay.redis.RedisStoreConfig;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay service: an HTTP server that speaks the Customer.io Track API (v1 and v2) to any
 * client, stores every accepted operation durably through {@link CustomerIo}, and delivers it in
 * the background; plus health, Prometheus metrics and an admin API.
 *
 * <p>Routes are registered by separate classes (Track v1, Track v2, health and metrics, admin);
 * further route registrars (such as a webhook receiver) can be added with
 * {@link Builder#routes(Consumer)}. Track routes require the workspace's own Basic credentials.
 *
 * <p>Lifecycle: {@link #start()} opens the outbox and listens; {@link #stop()} refuses new work
 * with 503, delivers until {@link RelayConfig#shutdownTimeout()}, leaves the rest on disk, stops
 * listening and returns the {@link ShutdownReport}. Thread-safe.
 */
public final class RelayServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RelayServer.class);

  static {
    // A body cut off by BodyReader (too slow, too late, over budget) leaves Jetty with a pending
    // read when the answer completes; Jetty then closes the connection, as intended, but logs a
    // WARN with the whole connection state each time — one per hostile client. Counted in
    // relay.http.body.timeouts instead. (slf4j-simple reads this when Jetty creates its logger.)
    String quiet = "org.slf4j.simpleLogger.log.org.eclipse.jetty.server.HttpConnection";
    if (System.getProperty(quiet) == null) {
      System.setProperty(quiet, "error");
    }
  }

  private final RelayConfig config;
  private final List<Consumer<Javalin>> registrars;
  private final List<AutoCloseable> closeables;
  private final Consumer<CustomerIoConfig.Builder> customizer;
  private final java.util.function.Supplier<io.ciorelay.server.webhook.WebhookReceiver> webhooks;
  private final Map<String, RedisStoreConfig> redisStores = new java.util.LinkedHashMap<>();
  private io.ciorelay.server.dashboard.Dashboard dashboard;
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private volatile boolean accepting;
  // Writes the answers of requests whose operations have committed, so no request thread waits
  // for a commit and the outbox writer never writes to a socket.
  private final java.util.concurrent.ExecutorService responder = java.util.concurrent.Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "relay-respond");
    t.setDaemon(true);
    return t;
  });
  // Body deadlines, answer deadlines and the header sweep: short checks only, never I/O waits.
  private final java.util.concurrent.ScheduledThreadPoolExecutor deadlines = deadlineScheduler();
  private Workspaces workspaces;
  private volatile org.eclipse.jetty.server.ServerConnector mainListener;
  private volatile org.eclipse.jetty.server.ServerConnector webhookListener;
  private volatile org.eclipse.jetty.server.ServerConnector managementListener;
  private final List<AutoCloseable> storeResources = new ArrayList<>();
  private io.ciorelay.server.ops.ProcessMetrics processMetrics;
  private Javalin app;
  private ShutdownReport report;

  private RelayServer(Builder b) {
    this.config = b.config;
    this.registrars = List.copyOf(b.registrars);
    this.closeables = List.copyOf(b.closeables);
    this.customizer = b.customizer;
    this.webhooks = b.webhooks;
  }

  public static Builder builder(RelayConfig config) {
    return new Builder(config);
  }

  /**
   * Opens the outbox, starts delivery and listens on the configured host and port.
   *
   * @throws RuntimeException if the outbox cannot be opened or the port cannot be bound (nothing is left running)
   */
  public synchronized RelayServer start() {
    if (app != null) {
      throw new IllegalStateException("already started");
    }
    boolean byCredentials = config.routing() == null;
    try {
      List<CustomerIoConfig> configs = new ArrayList<>();
      for (RelayWorkspace ws : config.workspaces()) {
        CustomerIoConfig.Builder cb = config.toCustomerIoConfig(ws).meterRegistry(registry);
        if (config.store() != null) {
          useRedis(cb, ws);
        }
        customizer.accept(cb);
        configs.add(cb.build());
      }
      workspaces = Workspaces.create(configs,
          byCredentials ? Routing.fixed(config.workspaces().get(0).name()) : config.routing());
    } catch (RuntimeException e) {
      closeAll(storeResources);
      throw e;
    }
    try {
      HttpLimits limits = config.limits();
      JsonBodies bodies = new JsonBodies(config.maxBodyBytes(), config.maxJsonDepth(), limits.maxJsonTokens(),
          limits.maxBatchOperations());
      HttpListeners listeners = new HttpListeners(limits, config.tls(), deadlines, registry);
      BodyReader bodyReader = new BodyReader(limits, config.maxBodyBytes(), deadlines, registry);
      Acceptance acceptance = new Acceptance(config.durableTimeout(), RelayConfig.DEFAULT_RETRY_AFTER_SECONDS,
          () -> accepting, responder, new AsyncAnswers(limits.responseTimeout(), deadlines, registry), deadlines);
      java.util.concurrent.Semaphore webhookPermits = new java.util.concurrent.Semaphore(limits.webhookMaxConcurrent());
      HttpMetrics httpMetrics = new HttpMetrics(registry);
      List<Map.Entry<AuthCheck, String>> trackAuth = new ArrayList<>();
      for (RelayWorkspace ws : config.workspaces()) {
        trackAuth.add(Map.entry(AuthCheck.basic(ws.siteId(), ws.apiKey()), ws.name()));
      }
      app = Javalin.create(cfg -> {
        cfg.showJavalinBanner = false;
        cfg.http.maxRequestSize = config.maxBodyBytes();
        cfg.requestLogger.http(httpMetrics::record);
        cfg.useVirtualThreads = false;
        cfg.http.asyncTimeout = 0;
        cfg.jetty.threadPool = HttpListeners.pool("relay-http", limits.httpThreads());
        cfg.jetty.modifyHttpConfiguration(listeners::configure);
        cfg.jetty.addConnector((server, http) -> mainListener = listeners.connector(server, http, config.host(),
            config.port(), limits.maxConnections(), null));
        if (config.webhookPort() != null) {
          // Its own threads and connection cap: webhook traffic cannot take the Track API's.
          cfg.jetty.addConnector((server, http) -> webhookListener = listeners.connector(server, http, config.host(),
              config.webhookPort(), limits.webhookMaxConnections(), HttpListeners.pool("relay-webhook", limits.webhookThreads())));
        }
        if (config.managementPort() != null) {
          cfg.jetty.addConnector((server, http) -> managementListener = listeners.connector(server, http, config.host(),
              config.managementPort(), limits.maxConnections(), null));
        }
      });
      app.before(this::guardListener);
      // Before and after handlers are "*" with a prefix test: Javalin matches any other pattern
      // with a regular expression, on every request.
      app.before(ctx -> {
        if (!ctx.path().startsWith("/api/")) {
          return;
        }
        String header = ctx.header("Authorization");
        String matched = null;
        for (Map.Entry<AuthCheck, String> e : trackAuth) {
          if (e.getKey().basicMatches(header)) {
            matched = e.getValue();
          }
        }
        ctx.attribute(Ingest.AUTHENTICATED_WORKSPACE, matched);
        ApiError.Shape shape = ctx.path().startsWith("/api/v2") ? ApiError.Shape.V2 : ApiError.Shape.V1;
        if (matched == null) {
          throw ApiError.of(401, shape,
              "unauthorized", "Authorization", "Unauthorized request: the site id and API key do not match this relay's workspace");
        }
        RawPaths.requireValid(ctx.req().getRequestURI(), shape);
      });
      app.before(bodyReader::handle);
      app.before(ctx -> {
        if (!ctx.path().startsWith(WEBHOOK_PREFIX)) {
          return;
        }
        if (!webhookPermits.tryAcquire()) {
          throw ApiError.unavailable(ApiError.Shape.PLAIN, "the relay is handling its limit of " + limits.webhookMaxConcurrent()
              + " webhook requests at once (relay.webhook-max-concurrent); retry", 1);
        }
        ctx.attribute(WEBHOOK_PERMIT, Boolean.TRUE);
      });
      app.after(ctx -> {
        if (ctx.attribute(WEBHOOK_PERMIT) != null) {
          ctx.attribute(WEBHOOK_PERMIT, null);
          webhookPermits.release();
        }
      });
      app.exception(ApiError.class, (e, ctx) -> e.render(ctx));
      app.exception(Exception.class, (e, ctx) -> {
        log.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
        ApiError.of(500, ApiError.Shape.PLAIN, "internal", "", "internal error: " + e.getClass().getSimpleName()).render(ctx);
      });
      Ingest ingest = new Ingest(workspaces, byCredentials);
      // v2 first: a batch then matches on the first or second route tried, not after all of v1's.
      new TrackV2Routes(ingest, bodies, acceptance).register(app);
      new TrackV1Routes(ingest, bodies, acceptance, config).register(app);
      new PipelinesRoutes(ingest, bodies, acceptance, config.pipelinesWriteKeys(),
          io.ciorelay.server.pipelines.MessageIdGuard.defaults(), registry).register(app);
      new HealthRoutes(workspaces, registry, () -> accepting).register(app);
      new AdminRoutes(workspaces, bodies, config.adminToken()).register(app);
      dashboard = new io.ciorelay.server.dashboard.Dashboard(workspaces, registry, config, redisStores, webhooks,
          java.time.Clock.systemUTC());
      dashboard.register(app);
      registrars.forEach(r -> r.accept(app));
      accepting = true;
      app.start();
    } catch (RuntimeException e) {
      accepting = false;
      if (app != null) {
        app.stop();
      }
      deadlines.shutdownNow();
      if (dashboard != null) {
        dashboard.close();
      }
      workspaces.close(Duration.ZERO);
      closeAll(storeResources);
      throw e;
    }
    processMetrics = io.ciorelay.server.ops.ProcessMetrics.bindTo(registry);
    log.info("relay listening on {}:{}, delivering to {}", config.host(), port(), config.workspaces().size() == 1
        ? config.workspaces().get(0).baseUrl() : config.workspaces());
    return this;
  }

  /**
   * A shared Redis store for this workspace: its outbox (leased shards under
   * {@code <prefix>:<workspace>:…}) and the fleet-wide rate limiter with the shared pause.
   */
  private void useRedis(CustomerIoConfig.Builder cb, RelayWorkspace ws) {
    RedisStoreConfig.Builder rb = RedisStoreConfig.builder()
        .uri(config.store().toString())
        .prefix(config.storePrefix())
        .workspace(ws.name())
        .identity(ws.siteId() + "@" + ws.baseUrl())
        .maxRequestTime(config.requestTimeout())
        .meterRegistry(registry);
    if (config.storeShards() != null) {
      rb.shards(config.storeShards());
    }
    if (config.storeLeaseTtl() != null) {
      rb.leaseTtl(config.storeLeaseTtl());
    }
    config.applyRedis(rb);
    RedisStoreConfig store = rb.build();
    redisStores.put(ws.name(), store);
    RedisRateLimiter limiter = RedisRateLimiter.create(store, config.rateLimit(ws));
    storeResources.add(limiter);
    cb.outboxFactory(RedisOutbox.factory(store)).rateLimiter(limiter);
  }

  /** The port listened on (the actual one when configured as 0). */
  public int port() {
    return mainListener.getLocalPort();
  }

  /** The port serving {@code /webhooks/customerio}: its own listener's, or the main port. */
  public int webhookPort() {
    return webhookListener != null ? webhookListener.getLocalPort() : port();
  }

  /** The port serving {@code /metrics} and {@code /health/customerio}: the management listener's, or the main port. */
  public int managementPort() {
    return managementListener != null ? managementListener.getLocalPort() : port();
  }

  /** {@code http://127.0.0.1:port} (or the configured host when it is not a wildcard; {@code https} with TLS). */
  public String baseUrl() {
    return urlFor(port());
  }

  /** The base URL of the webhook listener (the main one unless {@code relay.webhook-port} is set). */
  public String webhookBaseUrl() {
    return urlFor(webhookPort());
  }

  /** The base URL of the management listener (the main one unless {@code relay.management-port} is set). */
  public String managementBaseUrl() {
    return urlFor(managementPort());
  }

  private String urlFor(int p) {
    String h = config.host().equals("0.0.0.0") || config.host().equals("::") ? "127.0.0.1" : config.host();
    return (config.tls() != null ? "https://" : "http://") + h + ":" + p;
  }

  private static final String WEBHOOK_PREFIX = "/webhooks/";
  private static final String WEBHOOK_PERMIT = "cio.webhook.permit";

  /**
   * Keeps each listener to its routes: with a webhook port, webhooks are served only there (and
   * that port serves only them and {@code /health/live}); with a management port, {@code /metrics}
   * and {@code /health/customerio} are served only there (it serves only those and the probes).
   */
  private void guardListener(io.javalin.http.Context ctx) {
    int local = ctx.req().getLocalPort();
    String path = ctx.path();
    boolean webhook = path.startsWith("/webhooks/");
    boolean management = path.equals("/metrics") || path.equals("/health/customerio");
    boolean probe = path.equals("/health/live") || path.equals("/health/ready");
    org.eclipse.jetty.server.ServerConnector w = webhookListener;
    org.eclipse.jetty.server.ServerConnector m = managementListener;
    boolean onWebhook = w != null && local == w.getLocalPort();
    boolean onManagement = m != null && local == m.getLocalPort();
    boolean served = onWebhook ? webhook || path.equals("/health/live")
        : onManagement ? management || probe
        : !(webhook && w != null) && !(management && m != null);
    if (!served) {
      throw ApiError.of(404, ApiError.Shape.PLAIN, "not_found", "path", path + " is not served on this port");
    }
  }

  private static java.util.concurrent.ScheduledThreadPoolExecutor deadlineScheduler() {
    java.util.concurrent.ScheduledThreadPoolExecutor s = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "relay-deadlines");
      t.setDaemon(true);
      return t;
    });
    s.setRemoveOnCancelPolicy(true);
    return s;
  }

  public RelayConfig config() {
    return config;
  }

  /** The delivery library instance of the first (or only) workspace. */
  public CustomerIo customerIo() {
    return workspaces.get(config.workspaces().get(0).name());
  }

  /** Every workspace this relay delivers to. */
  public Workspaces workspaces() {
    return workspaces;
  }

  public PrometheusMeterRegistry meterRegistry() {
    return registry;
  }

  /** Whether new work is accepted (false once shutdown began). */
  public boolean isAccepting() {
    return accepting;
  }

  /**
   * Graceful shutdown: new work gets 503, delivery continues until the configured deadline, the
   * rest stays on disk, then the server stops listening. Idempotent.
   */
  public synchronized ShutdownReport stop() {
    if (report != null) {
      return report;
    }
    accepting = false;
    log.info("relay shutting down: refusing new work, delivering for up to {} s", config.shutdownTimeout().toSeconds());
    Map<String, ShutdownReport> reports = workspaces.close(config.shutdownTimeout());
    report = reports.size() == 1 ? reports.values().iterator().next() : sum(reports.values());
    if (reports.size() > 1) {
      reports.forEach((ws, r) -> log.info("workspace {} shutdown report: {}", ws, r));
    }
    log.info("relay shutdown report: {}", report);
    app.stop();
    dashboard.close();
    responder.shutdown();
    deadlines.shutdownNow();
    closeAll(storeResources);
    closeAll(closeables);
    processMetrics.close();
    return report;
  }

  private static void closeAll(List<AutoCloseable> resources) {
    for (AutoCloseable c : resources) {
      try {
        c.close();
      } catch (Exception e) {
        log.warn("closing {} failed", c.getClass().getSimpleName(), e);
      }
    }
  }

  @Override
  public void close() {
    stop();
  }

  private static ShutdownReport sum(java.util.Collection<ShutdownReport> reports) {
    long accepted = 0;
    long delivered = 0;
    long dead = 0;
    long remaining = 0;
    int abandoned = 0;
    Duration took = Duration.ZERO;
    for (ShutdownReport r : reports) {
      accepted += r.accepted();
      delivered += r.delivered();
      dead += r.deadLettered();
      remaining += r.remaining();
      abandoned += r.inFlightAbandoned();
      took = r.took().compareTo(took) > 0 ? r.took() : took;
    }
    return new ShutdownReport(accepted, delivered, dead, remaining, abandoned, took);
  }

  /** Builder for {@link RelayServer}; not thread-safe. */
  public static final class Builder {
    private final RelayConfig config;
    private final List<Consumer<Javalin>> registrars = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private Consumer<CustomerIoConfig.Builder> customizer = b -> { };
    private java.util.function.Supplier<io.ciorelay.server.webhook.WebhookReceiver> webhooks = () -> null;

    private Builder(RelayConfig config) {
      this.config = Objects.requireNonNull(config, "config");
    }

    /** Adds a route registrar, called with the Javalin app before it starts (for example a webhook receiver). */
    public Builder routes(Consumer<Javalin> registrar) {
      registrars.add(Objects.requireNonNull(registrar, "registrar"));
      return this;
    }

    /** Closes this after the server stops (for resources of added routes, such as a webhook receiver). */
    public Builder closeOnStop(AutoCloseable closeable) {
      closeables.add(Objects.requireNonNull(closeable, "closeable"));
      return this;
    }

    /** Adjusts the library configuration after the relay's settings are applied (tests, embedding). */
    public Builder customerIo(Consumer<CustomerIoConfig.Builder> customizer) {
      this.customizer = Objects.requireNonNull(customizer, "customizer");
      return this;
    }

    /** The webhook receiver mounted with {@link #routes}, for the dashboard (the supplier may answer null). */
    public Builder webhooks(java.util.function.Supplier<io.ciorelay.server.webhook.WebhookReceiver> webhooks) {
      this.webhooks = Objects.requireNonNull(webhooks, "webhooks");
      return this;
    }

    public RelayServer build() {
      return new RelayServer(this);
    }
  }
}
