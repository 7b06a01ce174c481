package io.ciorelay.server;

import io.ciorelay.simulator.CioSimulator;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cio simulator}: runs the fake Customer.io until interrupted (Ctrl-C or SIGTERM; a shutdown
 * hook closes it). Credentials come from the options, else from {@code CIO_SITE_ID} and
 * {@code CIO_API_KEY}, else the simulator's defaults. The API key is never printed.
 * Not thread-safe; one instance per invocation.
 */
@Command(
    name = "simulator",
    mixinStandardHelpOptions = true,
    description = "Run a fake Customer.io Track API (v1 and v2) with fault injection on this machine.")
public final class SimulatorCommand implements Callable<Integer> {
  static final String ENV_SITE_ID = "CIO_SITE_ID";
  static final String ENV_API_KEY = "CIO_API_KEY";

  @Option(names = "--port", defaultValue = "8080", description = "Port to listen on (0 picks a free one). Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--host", defaultValue = CioSimulator.DEFAULT_HOST, description = "Address to bind. Default: ${DEFAULT-VALUE}.")
  String host;

  @Option(names = "--site-id", description = "Site id to accept (default: $" + ENV_SITE_ID + ", else a built-in one).")
  String siteId;

  @Option(names = "--api-key", description = "API key to accept (default: $" + ENV_API_KEY + ", else a built-in one).")
  String apiKey;

  @Option(names = "--rate-limit", defaultValue = "" + CioSimulator.DEFAULT_RATE_LIMIT,
      description = "Requests per second before 429 (0 = unlimited). Default: ${DEFAULT-VALUE}.")
  int rateLimit;

  @Option(names = "--retry-after", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Send Retry-After on 429 responses. Default: ${DEFAULT-VALUE}.")
  boolean retryAfter;

  @Option(names = "--max-records", defaultValue = "" + CioSimulator.DEFAULT_LONG_RUNNING_MAX_RECORDS,
      description = "Accepted operations kept for the control API's queries; older ones are counted and "
          + "forgotten, so memory stays flat (0 = keep everything). Default: ${DEFAULT-VALUE}.")
  int maxRecords;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  private final Map<String, String> env;
  private final CountDownLatch stop = new CountDownLatch(1);
  private volatile CioSimulator running;

  public SimulatorCommand() {
    this(System.getenv());
  }

  SimulatorCommand(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    String site = firstNonBlank(siteId, env.get(ENV_SITE_ID));
    String key = firstNonBlank(apiKey, env.get(ENV_API_KEY));
    boolean defaults = site == null || key == null;
    CioSimulator.Builder builder;
    try {
      builder = CioSimulator.builder().host(host).port(port).rateLimit(rateLimit).retryAfter(retryAfter)
          .maxRecords(maxRecords)
          .siteId(site == null ? CioSimulator.DEFAULT_SITE_ID : site)
          .apiKey(key == null ? CioSimulator.DEFAULT_API_KEY : key);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    CioSimulator sim = builder.build();
    try {
      sim.start();
    } catch (RuntimeException e) {
      sim.close();
      spec.commandLine().getErr().println("cio simulator: cannot listen on " + host + ":" + port + ": " + e.getMessage());
      return 1;
    }
    running = sim;
    Thread hook = new Thread(this::stop, "cio-simulator-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);

    out.println("Customer.io simulator listening on " + sim.baseUrl());
    out.println("  site id:    " + sim.siteId());
    out.println("  api key:    " + redact(sim.apiKey())
        + (key == null ? " (built-in default: " + CioSimulator.DEFAULT_API_KEY + ")" : ""));
    if (defaults) {
      out.println("  (no credentials given by --site-id/--api-key or " + ENV_SITE_ID + "/" + ENV_API_KEY
          + "; using the built-in test defaults)");
    }
    out.println("  rate limit: " + (rateLimit == 0 ? "unlimited" : rateLimit + " requests/s")
        + ", Retry-After " + (retryAfter ? "on" : "off"));
    out.println("Track API:    " + sim.trackUrl() + "  and  " + sim.baseUrl() + "/api/v2");
    out.println("Control:      " + sim.baseUrl() + "/__control/{stats,records,faults,reset}");
    out.println("customerio-node (v5+):");
    out.println("  new TrackClient(siteId, apiKey, { url: '" + sim.trackUrl() + "' })");
    out.println("Press Ctrl-C to stop.");
    out.flush();
    try {
      stop.await();
    } finally {
      sim.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or has run
      }
    }
    out.println("Customer.io simulator stopped.");
    out.flush();
    return 0;
  }

  /** The running simulator, or null before it started. */
  CioSimulator simulator() {
    return running;
  }

  /** Closes the simulator and lets {@link #call()} return; safe to call from any thread, more than once. */
  void stop() {
    CioSimulator sim = running;
    if (sim != null) {
      sim.close();
    }
    stop.countDown();
  }

  /** Shows only that a key is set and its length, never any of its characters. */
  static String redact(String secret) {
    return "****** (" + secret.length() + " chars)";
  }

  private static String firstNonBlank(String a, String b) {
    if (a != null && !a.isBlank()) {
      return a;
    }
    return b != null && !b.isBlank() ? b : null;
  }
}
