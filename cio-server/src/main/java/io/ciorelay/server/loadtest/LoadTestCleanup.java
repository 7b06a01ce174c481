package io.ciorelay.server.loadtest;

import io.ciorelay.client.ApiResponse;
import io.ciorelay.client.BatchError;
import io.ciorelay.client.BatchResult;
import io.ciorelay.client.CioTransportException;
import io.ciorelay.client.Identifiers;
import io.ciorelay.client.Operation;
import io.ciorelay.client.RetryAfter;
import io.ciorelay.client.Retryability;
import io.ciorelay.client.TrackClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Removes load-test persons from a workspace: for each chunk of persons, one Track API v2 batch of
 * {@code suppress} operations (so that events still on their way, e.g. in a relay's backlog, cannot
 * re-create them), then one batch of {@code delete} operations for those whose suppress was accepted.
 *
 * <p>One request in flight at a time, started at most {@code requestsPerSecond} apart — sequential
 * pacing is a start time per request, simple enough not to need a token bucket. 429, 408, 5xx
 * (Retryability) and requests that got no answer are retried with exponential backoff (or the
 * {@code Retry-After} asked for, capped at 5 minutes), the same operations each time; a 429 also
 * holds back the next request. Operations refused in a 207 are reported per person; another 4xx
 * fails the chunk; 401/403 stop the run. Not thread-safe; one run per instance.
 */
public final class LoadTestCleanup {
  static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);

  /** One person that could not be cleaned, the step that failed and why. */
  public record Failure(String personId, String step, String reason) {}

  /** What a run did. */
  public record Summary(int persons, int cleaned, List<Failure> failures, long requests, long retries,
      Duration elapsed) {}

  /** Waits; replaced in tests. */
  @FunctionalInterface
  interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  /** The credentials were refused: nothing more can succeed. */
  public static final class CleanupAbortedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CleanupAbortedException(String message) {
      super(message);
    }
  }

  private final TrackClient client;
  private final long intervalNanos;
  private final int batchSize;
  private final int maxAttempts;
  private final Duration baseDelay;
  private final Duration maxDelay;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Consumer<String> progress;
  private long nextStartNanos;
  private long requests;
  private long retries;

  LoadTestCleanup(TrackClient client, double requestsPerSecond, int batchSize, int maxAttempts, Duration baseDelay,
      Duration maxDelay, Clock clock, Sleeper sleeper, Consumer<String> progress) {
    if (!(requestsPerSecond >= 0.1 && requestsPerSecond <= 1000)) {
      throw new IllegalArgumentException("requestsPerSecond must be in 0.1..1000 but was " + requestsPerSecond);
    }
    if (batchSize < 1 || batchSize > 1000) {
      throw new IllegalArgumentException("batchSize must be in 1..1000 but was " + batchSize);
    }
    if (maxAttempts < 1 || maxAttempts > 100) {
      throw new IllegalArgumentException("maxAttempts must be in 1..100 but was " + maxAttempts);
    }
    this.client = client;
    this.intervalNanos = (long) (1_000_000_000L / requestsPerSecond);
    this.batchSize = batchSize;
    this.maxAttempts = maxAttempts;
    this.baseDelay = baseDelay;
    this.maxDelay = maxDelay;
    this.clock = clock;
    this.sleeper = sleeper;
    this.progress = progress;
    this.nextStartNanos = System.nanoTime();
  }

  /** A cleanup with production settings: 1 s base backoff doubling to 30 s, the system clock. */
  public static LoadTestCleanup create(TrackClient client, double requestsPerSecond, int batchSize, int maxAttempts,
      Consumer<String> progress) {
    return new LoadTestCleanup(client, requestsPerSecond, batchSize, maxAttempts, Duration.ofSeconds(1),
        Duration.ofSeconds(30), Clock.systemUTC(), d -> Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000),
        progress);
  }

  /**
   * Suppresses and then deletes every person.
   *
   * @throws CleanupAbortedException if Customer.io refuses the credentials (401/403)
   * @throws InterruptedException if interrupted while pacing or backing off
   */
  public Summary run(List<String> personIds) throws InterruptedException {
    long start = System.nanoTime();
    List<Failure> failures = new ArrayList<>();
    int cleaned = 0;
    int reportEvery = Math.max(batchSize, personIds.size() / 10);
    int nextReport = reportEvery;
    for (int from = 0; from < personIds.size(); from += batchSize) {
      List<String> chunk = personIds.subList(from, Math.min(personIds.size(), from + batchSize));
      Map<String, String> suppressFailed = send(chunk, Operation::suppress);
      List<String> suppressed = new ArrayList<>();
      for (String id : chunk) {
        String reason = suppressFailed.get(id);
        if (reason == null) {
          suppressed.add(id);
        } else {
          failures.add(new Failure(id, "suppress", reason));
        }
      }
      if (!suppressed.isEmpty()) {
        Map<String, String> deleteFailed = send(suppressed, Operation::delete);
        for (String id : suppressed) {
          String reason = deleteFailed.get(id);
          if (reason == null) {
            cleaned++;
          } else {
            failures.add(new Failure(id, "delete", reason));
          }
        }
      }
      int done = Math.min(personIds.size(), from + batchSize);
      if (done >= nextReport && done < personIds.size()) {
        progress.accept(done + " of " + personIds.size() + " persons processed (" + cleaned + " cleaned, "
            + failures.size() + " failed)");
        nextReport += reportEvery;
      }
    }
    return new Summary(personIds.size(), cleaned, List.copyOf(failures), requests, retries,
        Duration.ofNanos(System.nanoTime() - start));
  }

  /** Sends one batch of the operation for these persons, retrying; returns the persons it failed for, with reasons. */
  private Map<String, String> send(List<String> ids, Function<Identifiers, Operation> operation)
      throws InterruptedException {
    List<byte[]> encoded = new ArrayList<>(ids.size());
    for (String id : ids) {
      encoded.add(operation.apply(Identifiers.id(id)).toJson());
    }
    String lastProblem = null;
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) {
        retries++;
      }
      pace();
      requests++;
      ApiResponse r;
      try {
        r = client.batchAsync(encoded).join();
      } catch (CompletionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        lastProblem = "no answer (" + (cause instanceof CioTransportException ? cause.getMessage()
            : cause.getClass().getSimpleName() + ": " + cause.getMessage()) + ")";
        if (!Retryability.isRetryable(cause)) {
          return allFailed(ids, lastProblem);
        }
        backoff(attempt, null);
        continue;
      }
      int status = r.status();
      if (status >= 200 && status <= 299) {
        Map<String, String> failed = new LinkedHashMap<>();
        for (BatchError err : BatchResult.parse(r).errors()) {
          int i = err.batchIndex();
          String id = i >= 0 && i < ids.size() ? ids.get(i) : null;
          if (id != null) {
            failed.put(id, "refused (" + err.reason() + (err.field() == null ? "" : " " + err.field()) + ": "
                + err.message() + ")");
          }
        }
        return failed;
      }
      if (status == 401 || status == 403) {
        throw new CleanupAbortedException("Customer.io refused the credentials (HTTP " + status
            + "): check CIO_SITE_ID and CIO_API_KEY for this workspace");
      }
      lastProblem = "HTTP " + status + excerpt(r.bodyText());
      if (!Retryability.isRetryableStatus(status)) {
        return allFailed(ids, lastProblem);
      }
      Duration retryAfter = r.header("Retry-After").flatMap(v -> RetryAfter.parse(v, clock)).orElse(null);
      backoff(attempt, retryAfter);
    }
    return allFailed(ids, lastProblem + " after " + maxAttempts + " attempts");
  }

  private void backoff(int attempt, Duration retryAfter) throws InterruptedException {
    if (attempt >= maxAttempts) {
      return;
    }
    Duration wait;
    if (retryAfter != null) {
      wait = retryAfter.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : retryAfter;
    } else {
      long ms = baseDelay.toMillis() << Math.min(20, attempt - 1);
      wait = Duration.ofMillis(Math.min(ms, maxDelay.toMillis()));
    }
    // The next request, whichever it is, starts no earlier than the end of this wait.
    nextStartNanos = Math.max(nextStartNanos, System.nanoTime() + wait.toNanos());
  }

  private void pace() throws InterruptedException {
    long now = System.nanoTime();
    if (nextStartNanos > now) {
      sleeper.sleep(Duration.ofNanos(nextStartNanos - now));
      now = System.nanoTime();
    }
    nextStartNanos = Math.max(now, nextStartNanos) + intervalNanos;
  }

  private static Map<String, String> allFailed(List<String> ids, String reason) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String id : ids) {
      m.put(id, reason);
    }
    return m;
  }

  private static String excerpt(String body) {
    String b = body == null ? "" : body.strip().replaceAll("\\s+", " ");
    if (b.isEmpty()) {
      return "";
    }
    return ": " + (b.length() > 200 ? b.substring(0, 200) + "..." : b);
  }
}
