package io.ciorelay.server.loadtest;

import io.ciorelay.client.Identifiers;
import io.ciorelay.client.Operation;
import io.ciorelay.client.TrackClient;
import io.ciorelay.delivery.outcome.Action;
import io.ciorelay.delivery.outcome.OutcomePolicy;
import io.ciorelay.delivery.outcome.Request;
import java.net.URI;
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
 * pacing is a start time per request, simple enough not to need a token bucket. Answers are read
 * by the delivery engine's {@link OutcomePolicy}: 429, 408, 5xx and requests that got no answer are
 * retried with exponential backoff (or the {@code Retry-After} asked for, capped at 5 minutes), the
 * same operations each time; a 429 also holds back the next request. Operations refused in a 207
 * are reported per person; a whole batch refused with Customer.io's error body is split until the
 * refused person is alone; refused credentials or an answer that says the endpoint is wrong (3xx,
 * 404, an HTML page…) stop the run. Not thread-safe; one run per instance.
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
  private final URI batchUrl;
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
    this.batchUrl = URI.create(client.config().baseUrl() + "/api/v2/batch");
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
   * @throws CleanupAbortedException if Customer.io refuses the credentials (401/403) or the
   *     endpoint is wrong (3xx, 404, 405, 501, an answer that is not Customer.io's)
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
      Request request = Request.batch(batchUrl, ids.size());
      Action action;
      try {
        action = OutcomePolicy.decide(request, client.batchAsync(encoded).join(), clock.instant());
      } catch (CompletionException e) {
        action = OutcomePolicy.decide(request, e);
      }
      if (action instanceof Action.Acknowledge) {
        return Map.of();
      } else if (action instanceof Action.Partial partial) {
        Map<String, String> failed = new LinkedHashMap<>();
        for (Action.Refusal r : partial.refused()) {
          failed.put(ids.get(r.index()), "refused (" + r.reason() + ")");
        }
        return failed;
      } else if (action instanceof Action.Split) {
        // The whole batch refused: halves, until the refused person is alone.
        int mid = ids.size() / 2;
        Map<String, String> failed = new LinkedHashMap<>(send(ids.subList(0, mid), operation));
        failed.putAll(send(ids.subList(mid, ids.size()), operation));
        return failed;
      } else if (action instanceof Action.DeadLetter refused) {
        return allFailed(ids, "refused (" + refused.reason() + ")");
      } else if (action instanceof Action.PauseCredentials c) {
        throw new CleanupAbortedException(c.reason() + ": check CIO_SITE_ID and CIO_API_KEY for this workspace");
      } else if (action instanceof Action.PauseEndpoint e) {
        throw new CleanupAbortedException(e.reason() + ": check --target and the region");
      } else if (action instanceof Action.PauseRateLimit rl) {
        lastProblem = rl.reason();
        backoff(attempt, rl.retryAfter().orElse(null));
      } else if (action instanceof Action.RetryAfter r) {
        lastProblem = r.reason();
        backoff(attempt, r.delayHint().orElse(null));
      }
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
}
