package io.ciorelay.server.importer;

import io.ciorelay.client.Credentials;
import io.ciorelay.client.IdentifierType;
import io.ciorelay.client.TrackClient;
import io.ciorelay.client.TrackClientConfig;
import io.ciorelay.delivery.ratelimit.LocalRateLimiter;
import io.ciorelay.delivery.retry.Backoff;
import io.ciorelay.delivery.retry.RetryConfig;
import io.ciorelay.server.relay.ConfigException;
import io.ciorelay.server.relay.RelayConfig;
import io.ciorelay.server.relay.RelayConfigLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cio import FILE}: bulk-sends identifies or events from NDJSON or CSV through the v2 batch
 * API under the workspace rate limit, with a progress display, a rejects file, a checkpoint to
 * resume from after Ctrl-C or a crash, and a summary. See {@code cio-server/README.md}. Credentials
 * come from {@code CIO_SITE_ID} and {@code CIO_API_KEY} (never printed); {@code --target} and
 * {@code --rate-limit} mean what they mean for the relay. Exit codes: 0 when every row was sent or
 * rejected (or the file was already imported), 1 when the import stopped early (interrupted, or
 * Customer.io could not be reached or refused the credentials), 2 for bad input or options. Not
 * thread-safe; one instance per invocation.
 */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {"Bulk-send identifies or events from an NDJSON or CSV file to Customer.io (v2 batch API), "
        + "resumably.", "",
        "Identify rows: the identifier (--id-column, default id) and attributes. "
        + "Event rows: person (--id-column), name, timestamp (unix seconds or ISO-8601), data (a JSON object), id.",
        "Bad rows go to the rejects file with their line and reason; the import goes on. "
        + "Re-running after an interruption resumes from the checkpoint."})
public final class ImportCommand implements Callable<Integer> {
  public static final int DEFAULT_BATCH_SIZE = 1000;
  public static final int DEFAULT_IN_FLIGHT = 4;
  public static final int DEFAULT_MAX_RETRIES = 10;

  @Parameters(index = "0", paramLabel = "FILE", description = "The .ndjson/.jsonl or .csv file to import.")
  Path file;

  @Option(names = "--type", paramLabel = "identify|event", description = "What each row is. Default: identify.")
  String type = "identify";

  @Option(names = "--format", paramLabel = "ndjson|csv|segment", description = "Input format. Default: from the extension "
      + "(.ndjson, .jsonl, .csv). segment: one Segment-spec call per line (identify, track, page, screen, group, alias).")
  String format;

  @Option(names = "--id-column", paramLabel = "NAME", description = "The column (CSV) or field (NDJSON) holding the "
      + "person's identifier. Default: id for identify, person for events.")
  String idColumn;

  @Option(names = "--id-type", paramLabel = "id|email|cio_id", description = "What kind of identifier the id column "
      + "holds. Default: email for a column named email, cio_id for cio_id, otherwise id.")
  String idType;

  @Option(names = "--target", paramLabel = "URL", description = "Customer.io base URL to send to. Default: the region's, "
      + "https://track.customer.io.")
  String target;

  @Option(names = "--rate-limit", paramLabel = "R", description = "Customer.io requests per second allowed "
      + "(used at 80%%, as by the relay). Default: 100.")
  String rateLimit;

  @Option(names = "--batch-size", paramLabel = "N", description = "Most operations per request (requests also stay "
      + "under 500,000 bytes). Default: " + DEFAULT_BATCH_SIZE + ".")
  int batchSize = DEFAULT_BATCH_SIZE;

  @Option(names = "--in-flight", paramLabel = "N", description = "Most requests outstanding at once; also the most "
      + "batches re-sent after a crash. Default: " + DEFAULT_IN_FLIGHT + ".")
  int inFlight = DEFAULT_IN_FLIGHT;

  @Option(names = "--max-retries", paramLabel = "N", description = "Retries of one request (429, 5xx, timeouts, "
      + "connection errors) before the import stops. Default: " + DEFAULT_MAX_RETRIES + ".")
  int maxRetries = DEFAULT_MAX_RETRIES;

  @Option(names = "--checkpoint", paramLabel = "FILE", description = "Checkpoint file. Default: FILE.checkpoint.")
  Path checkpoint;

  @Option(names = "--rejects", paramLabel = "FILE", description = "Rejects file (NDJSON: line, reason, row). "
      + "Default: FILE.rejects.ndjson.")
  Path rejects;

  @Option(names = "--restart", description = "Ignore an existing checkpoint and import from the first row.")
  boolean restart;

  @Option(names = "--dry-run", description = "Validate every row and write the rejects file; send nothing.")
  boolean dryRun;

  @Option(names = "--no-progress", description = "No progress bar: a plain progress line every few seconds.")
  boolean noProgress;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  private final Map<String, String> env;

  public ImportCommand() {
    this(System.getenv());
  }

  ImportCommand(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Importer.Settings settings;
    RelayConfig config = null;
    try {
      settings = settings();
      config = connection();
    } catch (ImportException | ConfigException | IllegalArgumentException e) {
      err.println("cio import: " + e.getMessage());
      err.flush();
      return 2;
    }
    Importer importer = new Importer(settings, err);
    CountDownLatch done = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      importer.stop();
      try {
        done.await(Importer.STOP_GRACE.toSeconds() + 5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "cio-import-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    TrackClient client = null;
    try {
      LocalRateLimiter limiter = null;
      if (!settings.dryRun()) {
        TrackClientConfig.Builder cb = TrackClientConfig.builder()
            .credentials(Credentials.of(config.siteId(), config.apiKey()))
            .region(config.region());
        if (config.hasTarget()) {
          cb.baseUrl(config.target());
        }
        client = TrackClient.create(cb.build());
        limiter = new LocalRateLimiter(config.rateLimit(), Clock.systemUTC());
        err.println("cio import: sending " + settings.file() + " (" + rows(settings) + ") to " + config.target() + " at up to "
            + String.format(Locale.ROOT, "%.1f", config.rateLimit().effectiveRate()) + " requests/s");
      } else {
        err.println("cio import: dry run of " + settings.file() + " (" + rows(settings) + "): validating only, nothing is sent");
      }
      err.flush();
      boolean bar = !noProgress && System.console() != null;
      Backoff backoff = new Backoff(RetryConfig.defaults(), () -> ThreadLocalRandom.current().nextDouble());
      Importer.Summary summary = importer.run(client, limiter, backoff, a -> bar
          ? Progress.bar("import", a[0], a[1], importer::sent, importer::rejected)
          : Progress.lines(err, a[0], a[1], Duration.ofSeconds(5), importer::sent, importer::rejected));
      print(out, settings, summary);
      return summary.complete() ? 0 : 1;
    } catch (ImportException e) {
      err.println("cio import: " + e.getMessage());
      return 2;
    } catch (IOException e) {
      err.println("cio import: " + e.getMessage());
      return 1;
    } finally {
      if (client != null) {
        client.close();
      }
      err.flush();
      out.flush();
      done.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running
      }
    }
  }

  private Importer.Settings settings() {
    ImportType t = switch (type.toLowerCase(Locale.ROOT)) {
      case "identify" -> ImportType.IDENTIFY;
      case "event", "events" -> ImportType.EVENT;
      default -> throw new ImportException("--type must be identify or event but was '" + type + "'");
    };
    ImportFormat f;
    if (format == null) {
      f = ImportFormat.detect(file);
    } else {
      f = switch (format.toLowerCase(Locale.ROOT)) {
        case "ndjson", "jsonl" -> ImportFormat.NDJSON;
        case "csv" -> ImportFormat.CSV;
        case "segment" -> ImportFormat.SEGMENT;
        default -> throw new ImportException("--format must be ndjson, csv or segment but was '" + format + "'");
      };
    }
    String column = idColumn != null ? idColumn : t == ImportType.EVENT ? "person" : "id";
    if (column.isBlank()) {
      throw new ImportException("--id-column must not be blank");
    }
    IdentifierType it;
    if (idType == null) {
      it = RowParser.idTypeOf(column);
    } else {
      it = switch (idType.toLowerCase(Locale.ROOT)) {
        case "id" -> IdentifierType.ID;
        case "email" -> IdentifierType.EMAIL;
        case "cio_id" -> IdentifierType.CIO_ID;
        default -> throw new ImportException("--id-type must be id, email or cio_id but was '" + idType + "'");
      };
    }
    range("--batch-size", batchSize, 1, 10_000);
    range("--in-flight", inFlight, 1, 64);
    range("--max-retries", maxRetries, 0, 1000);
    Path cp = checkpoint != null ? checkpoint : sibling(file, ".checkpoint");
    Path rj = rejects != null ? rejects : sibling(file, ".rejects.ndjson");
    return new Importer.Settings(file, f, t, column, it, cp, rj, batchSize, inFlight, maxRetries, dryRun, restart);
  }

  /** Credentials, target and rate limit, read as the relay reads them; null for a dry run without credentials. */
  private RelayConfig connection() {
    // Given as the relay's own flags, so an error names the key, this flag, the value and the rule.
    Map<String, String> flags = new LinkedHashMap<>();
    if (target != null) {
      flags.put("--target", target);
    }
    if (rateLimit != null) {
      flags.put("--rate-limit", rateLimit);
    }
    RelayConfigLoader.Result loaded = RelayConfigLoader.load(null, env, flags);
    if (!loaded.hasCredentials()) {
      if (dryRun) {
        return null;
      }
      throw new ImportException("no credentials: set " + RelayConfigLoader.ENV_SITE_ID + " and "
          + RelayConfigLoader.ENV_API_KEY + " (the workspace's Track API site id and key) to import"
          + (loaded.hasTarget() ? " to " + target : "") + ", or use --dry-run to validate only");
    }
    return loaded.builder().build();
  }

  private static void range(String name, int v, int min, int max) {
    if (v < min || v > max) {
      throw new ImportException(name + " must be in " + min + ".." + max + " but was " + v);
    }
  }

  private static Path sibling(Path file, String suffix) {
    return file.resolveSibling(file.getFileName() + suffix);
  }

  private static String rows(Importer.Settings s) {
    return s.format() == ImportFormat.SEGMENT ? "Segment calls, one per line"
        : name(s.type()) + " rows, " + name(s.format());
  }

  private static String name(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  private void print(PrintWriter out, Importer.Settings st, Importer.Summary sm) {
    double secs = sm.elapsed().toNanos() / 1e9;
    String status = switch (sm.outcome()) {
      case "complete" -> st.dryRun() ? "dry run complete (nothing sent)" : "complete";
      case "already-imported" -> "already imported (nothing to do; --restart imports again)";
      case "interrupted" -> "INTERRUPTED before line " + sm.stoppedAtLine() + "; run the same command again to resume";
      default -> "FAILED: " + sm.failure() + "; run the same command again to resume from line " + sm.stoppedAtLine();
    };
    out.println("cio import: " + status);
    out.println("  file:      " + st.file());
    out.println("  " + (st.dryRun() ? "valid:     " : "sent:      ") + sm.sent());
    out.println("  rejected:  " + sm.rejected() + (sm.rejected() > 0 || st.dryRun() ? " (see " + st.rejects() + ")" : ""));
    out.println("  retried:   " + sm.retried() + " requests");
    out.println("  skipped:   " + sm.skipped() + " rows already done by an earlier run"
        + (sm.skipped() > 0 ? " (resumed at line " + sm.resumedAtLine() + ")" : ""));
    if (sm.skipped() > 0 && !st.dryRun()) {
      out.println("  total:     " + sm.totalSent() + " sent, " + sm.totalRejected() + " rejected over all runs");
    }
    out.println(String.format(Locale.ROOT, "  elapsed:   %.1f s", secs));
    out.println(String.format(Locale.ROOT, "  rate:      %.0f rows/s", secs > 0 ? (sm.sent() + sm.rejected()) / secs : 0));
  }
}
