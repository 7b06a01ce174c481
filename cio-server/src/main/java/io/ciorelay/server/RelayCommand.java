package io.ciorelay.server;

import io.ciorelay.delivery.ShutdownReport;
import io.ciorelay.server.relay.ConfigException;
import io.ciorelay.server.relay.RelayConfig;
import io.ciorelay.server.relay.RelayConfigLoader;
import io.ciorelay.server.relay.RelayServer;
import io.ciorelay.server.webhook.WebhookConfig;
import io.ciorelay.server.webhook.WebhookReceiver;
import io.ciorelay.simulator.CioSimulator;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cio relay}: runs the relay service until SIGTERM or Ctrl-C, then shuts down gracefully
 * (new work refused, delivery until the shutdown deadline, the rest kept on disk, counts printed).
 * Settings come from {@code --config FILE}, then the environment, then flags (flags win).
 * Credentials come from {@code CIO_SITE_ID} and {@code CIO_API_KEY}; with neither and no
 * {@code --target}, a built-in simulator is started and delivered to instead of Customer.io.
 * Not thread-safe; one instance per invocation.
 */
@Command(
    name = "relay",
    mixinStandardHelpOptions = true,
    description = "Run the relay: a Track API endpoint that stores every call durably and delivers it to Customer.io.")
public final class RelayCommand implements Callable<Integer> {
  /** Operations the built-in simulator keeps for its control API's queries (older ones are counted). */
  static final int BUILT_IN_MAX_RECORDS = 10_000;
  /** Event ids the built-in simulator remembers to count repeats. */
  static final int BUILT_IN_MAX_EVENT_IDS = 200_000;


  @Option(names = "--port", description = "Port to listen on (0 picks a free one). Default: 8080 (relay.port).")
  Integer port;

  @Option(names = "--host", description = "Address to bind. Default: 0.0.0.0 (relay.host).")
  String host;

  @Option(names = "--data", description = "Directory for the outbox. Default: ./cio-data (relay.data).")
  Path data;

  @Option(names = "--store", description = "Where the outbox lives: sqlite (default, a file under --data) or "
      + "redis://[:password@]host:port/db to share one store across a fleet of relays, or "
      + "redis-cluster://[:password@]host:port,host:port,… for a Redis Cluster (relay.store).")
  String store;

  @Option(names = "--target", description = "Customer.io base URL to deliver to. Default: the region's, https://track.customer.io (relay.target).")
  String target;

  @Option(names = "--rate-limit", description = "Customer.io requests per second allowed (relay.rate-limit). Default: 100.")
  String rateLimit;

  @Option(names = "--webhook-forward-url", description = "Where received Customer.io reporting webhooks are "
      + "forwarded (env CIO_WEBHOOK_FORWARD_URL). The receiver at /webhooks/customerio is on when "
      + "CIO_WEBHOOK_SIGNING_KEY is set; without a forward URL events are stored, not forwarded.")
  String webhookForwardUrl;

  @Option(names = "--config", description = "Properties file with relay.* settings.")
  Path configFile;

  @Option(names = "--log-format", description = "Console log lines: text (default) or json, one object a line "
      + "(env CIO_LOG_FORMAT).")
  String logFormat;

  @Option(names = "--log-level", description = "Level of the relay's own log lines: trace, debug, info (default), "
      + "warn, error, off (relay.log.level, env CIO_LOG_LEVEL).")
  String logLevel;

  @Option(names = "--log-level-of", paramLabel = "LOGGER=LEVEL", description = "Level of any logger, e.g. "
      + "--log-level-of org.eclipse.jetty=info (libraries log at warn by default; 'root' is every logger; "
      + "relay.log.level.<logger>).")
  Map<String, String> logLevels = new LinkedHashMap<>();

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any relay.* setting, e.g. --set relay.shutdown-timeout=30s. "
      + "Every key also has its own flag, e.g. --shutdown-timeout 30s (the key table in cio-server/README.md lists them).")
  Map<String, String> settings = new LinkedHashMap<>();

  /** Every other key's flag, e.g. {@code --linger 2m} or {@code --linger=2m} (the key table lists them). */
  @CommandLine.Unmatched
  java.util.List<String> keyFlags = new java.util.ArrayList<>();

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  private final Map<String, String> env;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile RelayServer server;
  private volatile CioSimulator simulator;

  public RelayCommand() {
    this(System.getenv());
  }

  RelayCommand(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Map<String, String> flags = new LinkedHashMap<>(settings);
    put(flags, "--port", port == null ? null : port.toString());
    put(flags, "--host", host);
    put(flags, "--data", data == null ? null : data.toString());
    put(flags, "--target", target);
    put(flags, "--store", store);
    put(flags, "--rate-limit", rateLimit);
    put(flags, "--webhook-forward-url", webhookForwardUrl);
    put(flags, "--log-format", logFormat);
    put(flags, "--log-level", logLevel);
    logLevels.forEach((logger, level) -> flags.put("--log-level-of " + logger, level));
    RelayConfig config;
    try {
      keyFlags(flags);
      RelayConfigLoader.Result loaded = RelayConfigLoader.load(configFile, env, flags);
      RelayConfigLoader.LogSettings logs = loaded.logs();
      io.ciorelay.server.ops.Logging.configure(logs.format(), logs.level(), logs.levels());
      RelayConfig.Builder b = loaded.builder();
      if (!loaded.hasCredentials()) {
        if (loaded.hasTarget()) {
          err.println("cio relay: --target is set but credentials are not: set " + RelayConfigLoader.ENV_SITE_ID
              + " and " + RelayConfigLoader.ENV_API_KEY);
          return 2;
        }
        // Runs as long as the relay: a bounded window of records and event ids keeps its memory
        // flat (about 50 MB of heap at most; BENCHMARKS.md, "Memory over a long run").
        simulator = CioSimulator.builder().port(0).rateLimit(0)
            .maxRecords(BUILT_IN_MAX_RECORDS).maxEventIds(BUILT_IN_MAX_EVENT_IDS).build().start();
        b.credentials(simulator.siteId(), simulator.apiKey()).target(URI.create(simulator.baseUrl()));
      }
      config = b.build();
    } catch (ConfigException | IllegalArgumentException e) {
      err.println("cio relay: " + e.getMessage());
      closeSimulator();
      return 2;
    }
    java.util.concurrent.atomic.AtomicReference<WebhookReceiver> webhooks = new java.util.concurrent.atomic.AtomicReference<>();
    RelayServer.Builder rb = RelayServer.builder(config);
    if (config.webhookSigningKey() != null) {
      // The dead-letter routes sit under /admin/*, behind the relay's admin token check.
      rb.routes(app -> {
        webhooks.get().register(app);
        webhooks.get().registerAdmin(app);
      }).closeOnStop(() -> webhooks.get().close()).webhooks(webhooks::get);
    }
    RelayServer s = rb.build();
    try {
      if (config.webhookSigningKey() != null) {
        WebhookConfig.Builder wb = config.webhookConfig()
            .signingKey(config.webhookSigningKey().getBytes(java.nio.charset.StandardCharsets.UTF_8))
            .storePath(config.dataDir().resolve("webhooks.db"));
        webhooks.set(WebhookReceiver.start(wb.build(), s.meterRegistry()));
      }
      s.start();
    } catch (RuntimeException e) {
      err.println("cio relay: cannot start: " + e.getMessage());
      closeSimulator();
      return 1;
    }
    server = s;
    Thread hook = new Thread(this::stop, "cio-relay-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    printBanner(out, s);
    try {
      stopped.await();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or has run
      }
    }
    return 0;
  }

  private void printBanner(PrintWriter out, RelayServer s) {
    RelayConfig c = s.config();
    String url = s.baseUrl();
    if (simulator != null) {
      out.println("****************************************************************************");
      out.println("*  NO CREDENTIALS: delivering to the BUILT-IN SIMULATOR, NOT to Customer.io *");
      out.println("*  Nothing reaches a real workspace. Set CIO_SITE_ID and CIO_API_KEY to    *");
      out.println("*  deliver to Customer.io.                                                 *");
      out.println("****************************************************************************");
      out.println("Simulator:    " + simulator.baseUrl() + "  (records at " + simulator.baseUrl() + "/__control/records)");
      out.println("  clients authenticate with site id '" + simulator.siteId() + "' and api key '"
          + CioSimulator.DEFAULT_API_KEY + "' (built-in test credentials)");
    }
    out.println("cio relay listening on " + url + " (bound to " + c.host() + ":" + s.port() + ")");
    if (c.workspaces().size() == 1) {
      out.println("  delivering to: " + c.deliversTo(c.workspaces().get(0)));
    } else {
      for (io.ciorelay.server.relay.RelayWorkspace w : c.workspaces()) {
        out.println("  workspace " + w.name() + ": site id " + w.siteId() + ", delivering to " + c.deliversTo(w));
      }
      out.println("  routing:       " + (c.routing() == null ? "by the credentials each client sends" : c.routing()));
    }
    out.println("  store:         " + (c.store() == null ? "sqlite, " + c.dataDir().toAbsolutePath()
        : RelayConfig.redact(c.store()) + " (prefix " + c.storePrefix() + ")"));
    out.println("  admin API:     " + (c.adminToken() == null ? "disabled (set CIO_ADMIN_TOKEN)" : url + "/admin"));
    out.println("  dashboard:     " + (c.adminToken() == null && c.dashboardViewerToken() == null
        ? "disabled (set CIO_ADMIN_TOKEN)" : url + "/dashboard"));
    out.println("  webhooks:      " + (c.webhookSigningKey() == null ? "disabled (set CIO_WEBHOOK_SIGNING_KEY)"
        : s.webhookBaseUrl() + "/webhooks/customerio"));
    out.println("  pipelines:     " + (c.pipelinesWriteKeys().isEmpty()
        ? "disabled (set CIO_PIPELINES_WRITE_KEY)" : url + "/v1/batch (Segment-spec clients: host " + url + ")"));
    out.println("Health:       " + url + "/health/live  " + url + "/health/ready  " + s.managementBaseUrl() + "/health/customerio");
    out.println("Metrics:      " + s.managementBaseUrl() + "/metrics");
    out.println("customerio-node (v5+):");
    out.println("  new TrackClient(siteId, apiKey, { url: '" + url + "/api/v1' })");
    out.flush();
  }

  /** Graceful stop: safe from any thread, more than once. */
  void stop() {
    RelayServer s = server;
    if (s != null) {
      ShutdownReport r = s.stop();
      PrintWriter out = spec.commandLine().getOut();
      out.println("cio relay stopped: " + r);
      out.flush();
    }
    closeSimulator();
    stopped.countDown();
  }

  RelayServer server() {
    return server;
  }

  private void closeSimulator() {
    CioSimulator sim = simulator;
    if (sim != null) {
      sim.close();
    }
  }

  /** {@code --linger 2m} and {@code --linger=2m} of {@link #keyFlags} into {@code flags}, by flag name. */
  private void keyFlags(Map<String, String> flags) {
    for (int i = 0; i < keyFlags.size(); i++) {
      String a = keyFlags.get(i);
      if (!a.startsWith("--")) {
        throw new ConfigException("unexpected argument '" + a + "'");
      }
      int eq = a.indexOf('=');
      if (eq > 0) {
        flags.put(a.substring(0, eq), a.substring(eq + 1));
      } else if (i + 1 < keyFlags.size() && !keyFlags.get(i + 1).startsWith("--")) {
        flags.put(a, keyFlags.get(++i));
      } else {
        throw new ConfigException(a + " needs a value, e.g. " + a + "=VALUE");
      }
    }
  }

  private static void put(Map<String, String> m, String k, String v) {
    if (v != null) {
      m.put(k, v);
    }
  }
}
