package io.ciorelay.server.loadtest;

import io.ciorelay.client.Credentials;
import io.ciorelay.client.TrackClient;
import io.ciorelay.client.TrackClientConfig;
import io.ciorelay.server.relay.ConfigException;
import io.ciorelay.server.relay.RelayConfigLoader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cio cleanup-load-test}: suppresses and then deletes the test persons a load test created,
 * read from the persons files it wrote (see {@link PersonsFiles}), through the Track API v2 batch
 * endpoint of the target, paced and retried (see {@link LoadTestCleanup}). Credentials come from
 * {@code CIO_SITE_ID} and {@code CIO_API_KEY} (or {@code CIO_API_KEY_FILE}), as for the relay; the
 * key is never printed. A Customer.io host needs {@code --allow-production}. Exit 0 when every
 * person was cleaned, 1 when some were not, 2 for bad input. Not thread-safe; one instance per
 * invocation.
 */
@Command(
    name = "cleanup-load-test",
    mixinStandardHelpOptions = true,
    description = "Suppress, then delete, the test persons a load test created (ids from its persons files).")
public final class CleanupLoadTestCommand implements Callable<Integer> {
  private static final int SHOWN_FAILURES = 10;

  @Option(names = "--persons", required = true, paramLabel = "FILE|DIR",
      description = "A persons file written by the load test (load-tests/target/load-test-persons-<runId>.txt), or a "
          + "directory: every load-test-persons-*.txt in it. Repeatable.")
  List<Path> persons = new ArrayList<>();

  @Option(names = "--target", required = true, paramLabel = "URL",
      description = "Where the load test sent its persons: a relay, the simulator or Customer.io "
          + "(https://track.customer.io, https://track-eu.customer.io; these need --allow-production).")
  String target;

  @Option(names = "--rate-limit", defaultValue = "10", paramLabel = "N",
      description = "Requests per second at most (0.1..100; default ${DEFAULT-VALUE}); each request carries up to "
          + "--batch-size operations.")
  double rateLimit;

  @Option(names = "--batch-size", defaultValue = "100", paramLabel = "N",
      description = "Persons per request (1..1000; default ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--max-attempts", defaultValue = "6", paramLabel = "N",
      description = "Attempts per request on 429, 5xx or no answer (1..100; default ${DEFAULT-VALUE}).")
  int maxAttempts;

  @Option(names = "--allow-production",
      description = "Allow a Customer.io host as --target (every workspace lives there; be sure the credentials "
          + "are the load-test workspace's).")
  boolean allowProduction;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  private final Map<String, String> env;

  public CleanupLoadTestCommand() {
    this(System.getenv());
  }

  CleanupLoadTestCommand(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    URI url;
    String siteId;
    String apiKey;
    List<String> ids;
    try {
      url = targetUrl();
      if (io.ciorelay.client.Region.isCustomerIoHost(url) && !allowProduction) {
        return fail(err, "refusing to clean up on " + url.getHost() + ": it is a Customer.io host. Pass "
            + "--allow-production to confirm the credentials are the load-test workspace's.");
      }
      check(rateLimit >= 0.1 && rateLimit <= 100, "--rate-limit must be in 0.1..100 but was " + fmt(rateLimit));
      check(batchSize >= 1 && batchSize <= 1000, "--batch-size must be in 1..1000 but was " + batchSize);
      check(maxAttempts >= 1 && maxAttempts <= 100, "--max-attempts must be in 1..100 but was " + maxAttempts);
      siteId = env.get(RelayConfigLoader.ENV_SITE_ID);
      apiKey = RelayConfigLoader.secret(env, RelayConfigLoader.ENV_API_KEY);
      if (siteId == null || siteId.isBlank() || apiKey == null) {
        return fail(err, "credentials are missing: set " + RelayConfigLoader.ENV_SITE_ID + " and "
            + RelayConfigLoader.ENV_API_KEY + " (or " + RelayConfigLoader.ENV_API_KEY + "_FILE) for the workspace "
            + "the load test wrote to");
      }
      ids = PersonsFiles.read(persons);
    } catch (PersonsFileException | ConfigException | IllegalArgumentException e) {
      return fail(err, e.getMessage());
    }
    out.printf(Locale.ROOT, "cleaning up %d load-test persons on %s (site id %s): suppress, then delete; "
        + "%d per request, at most %s requests/s%n", ids.size(), url, siteId.trim(), batchSize, fmt(rateLimit));
    out.flush();
    TrackClientConfig config = TrackClientConfig.builder()
        .credentials(Credentials.of(siteId.trim(), apiKey))
        .baseUrl(url)
        .build();
    LoadTestCleanup.Summary s;
    try (TrackClient client = TrackClient.create(config)) {
      LoadTestCleanup cleanup = LoadTestCleanup.create(client, rateLimit, batchSize, maxAttempts, line -> {
        out.println("  " + line);
        out.flush();
      });
      s = cleanup.run(ids);
    } catch (LoadTestCleanup.CleanupAbortedException e) {
      err.println("cio cleanup-load-test: stopped: " + e.getMessage());
      err.flush();
      return 1;
    }
    out.printf(Locale.ROOT, "cleaned %d of %d persons (suppressed and deleted); failed %d; %d requests, %d retries, "
        + "%.1f s%n", s.cleaned(), s.persons(), s.failures().size(), s.requests(), s.retries(),
        s.elapsed().toMillis() / 1000.0);
    for (int i = 0; i < Math.min(SHOWN_FAILURES, s.failures().size()); i++) {
      LoadTestCleanup.Failure f = s.failures().get(i);
      out.println("  failed: " + f.personId() + " at " + f.step() + ": " + f.reason());
    }
    if (s.failures().size() > SHOWN_FAILURES) {
      out.println("  ... and " + (s.failures().size() - SHOWN_FAILURES) + " more; run the command again to retry them");
    }
    out.flush();
    return s.failures().isEmpty() ? 0 : 1;
  }

  private URI targetUrl() {
    URI u;
    try {
      u = URI.create(target.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--target must be an http(s) URL but was '" + target + "'");
    }
    if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https")) || u.getHost() == null) {
      throw new IllegalArgumentException("--target must be an http(s) URL but was '" + target + "'");
    }
    String s = u.toString();
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    for (String suffix : new String[] {"/api/v1", "/api/v2"}) {
      if (s.endsWith(suffix)) {
        s = s.substring(0, s.length() - suffix.length());
      }
    }
    return URI.create(s);
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  private static int fail(PrintWriter err, String message) {
    err.println("cio cleanup-load-test: " + message);
    err.flush();
    return 2;
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
