package io.ciorelay.server.webhook;

import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards stored events to the consumer URL: the raw body with the original
 * {@code X-CIO-Timestamp} and {@code X-CIO-Signature}, plus {@code X-Webhook-Event-Id} and the
 * configured headers. A 2xx marks the event delivered; an answer that says the forward URL or its
 * credentials are wrong (3xx, 401, 403, 404, ...; see {@link WebhookOutcome}) or a 429 pauses the
 * lane without spending the event's attempts; anything else (status, timeout, network error) is
 * retried after {@link Backoff} with jitter, and the lane waits: events of one lane (so
 * of one person) go out in receipt order, one at a time, while other lanes keep going. After
 * {@link WebhookConfig#maxAttempts()} failed attempts the event becomes a dead letter with the last
 * failure as its reason, and the lane moves on; an event that cannot be sent at all (the JDK refuses
 * its {@code event_id} as a header value) is dead-lettered at once. No failure of one event ends a
 * lane thread. At least once: a delivery whose mark was not yet committed is sent again after a
 * restart; a replayed dead letter goes out after the lane's current events, not in its old place.
 *
 * <p><b>Concurrency:</b> Thread-safe. One daemon thread per lane,
 * {@code cio-webhook-forwarder-<lane>}, reads its lane through the store and sends synchronously
 * with a shared JDK {@link HttpClient} whose executor is a fixed pool of two daemon threads
 * {@code cio-webhook-http}. A lane thread idles on its {@link Semaphore}, released by the store's
 * writer after a commit that added to that lane (and polled every second as a safety net); retry
 * delays wait on the {@code stopped} latch, so {@link #close} ends them at once. No lock is held.
 */
final class WebhookForwarder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebhookForwarder.class);
  private static final int BATCH = 64;
  private static final long IDLE_POLL_MILLIS = 1_000;

  private final WebhookConfig config;
  private final WebhookStore store;
  private final Counter forwarded;
  private final Counter failures;
  private final HttpClient http;
  private final ExecutorService httpExecutor;
  private final Semaphore[] wake;
  private final java.util.concurrent.atomic.AtomicBoolean[] rewind;
  private final Thread[] threads;
  private final CountDownLatch stopped = new CountDownLatch(1);

  WebhookForwarder(WebhookConfig config, WebhookStore store, Counter forwarded, Counter failures) {
    this.config = config;
    this.store = store;
    this.forwarded = forwarded;
    this.failures = failures;
    AtomicInteger n = new AtomicInteger();
    this.httpExecutor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "cio-webhook-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(config.forwardTimeout())
        .followRedirects(HttpClient.Redirect.NEVER)
        .executor(httpExecutor)
        .build();
    int lanes = store.lanes();
    this.wake = new Semaphore[lanes];
    this.rewind = new java.util.concurrent.atomic.AtomicBoolean[lanes];
    this.threads = new Thread[lanes];
    for (int lane = 0; lane < lanes; lane++) {
      wake[lane] = new Semaphore(0);
      rewind[lane] = new java.util.concurrent.atomic.AtomicBoolean();
      int l = lane;
      threads[lane] = new Thread(() -> runLane(l), "cio-webhook-forwarder-" + lane);
      threads[lane].setDaemon(true);
    }
  }

  void start() {
    for (Thread t : threads) {
      t.start();
    }
  }

  /** Tells a lane it has new events; cheap, called on the store's writer thread. */
  void wake(int lane) {
    wake[lane].release();
  }

  /** Tells every lane to read from its start again: dead letters became pending (called on the store's writer). */
  void rewindAll() {
    for (int lane = 0; lane < wake.length; lane++) {
      rewind[lane].set(true);
      wake[lane].release();
    }
  }

  private boolean running() {
    return stopped.getCount() > 0;
  }

  private void runLane(int lane) {
    long cursor = 0;
    while (running()) {
      List<WebhookEvent> batch;
      try {
        wake[lane].drainPermits();
        if (rewind[lane].getAndSet(false)) {
          cursor = 0;
        }
        batch = store.pendingInLane(lane, cursor, BATCH);
      } catch (Exception e) {
        if (running()) {
          log.warn("webhook forwarder lane {} could not read the store", lane, e);
          await(config.backoffCap().toMillis());
        }
        continue;
      }
      if (batch.isEmpty()) {
        try {
          wake[lane].tryAcquire(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          if (!running()) {
            return;
          }
        }
        continue;
      }
      for (WebhookEvent event : batch) {
        boolean done;
        try {
          done = deliver(event);
        } catch (RuntimeException e) {
          // A defect, not the consumer: give the event up with the reason rather than lose the lane.
          log.error("webhook forwarder lane {}: forwarding {} failed unexpectedly; dead-lettering it", lane,
              printable(event.eventId()), e);
          store.deadLetter(event.seq(), "forwarder error: " + e, event.attempts() + 1);
          done = true;
        }
        if (!done) {
          return;
        }
        cursor = event.seq();
      }
    }
  }

  /**
   * Sends one event until it is accepted or given up (a dead letter); false if the forwarder
   * stopped first. What each answer means is {@link WebhookOutcome}'s decision.
   */
  private boolean deliver(WebhookEvent event) {
    int attempt = event.attempts();
    int pauses = 0;
    while (running()) {
      HttpRequest request;
      try {
        request = request(event);
      } catch (IllegalArgumentException e) {
        failures.increment();
        store.deadLetter(event.seq(), "cannot be sent: " + e.getMessage(), attempt + 1);
        log.warn("webhook {} cannot be sent ({}); dead-lettered", printable(event.eventId()), e.getMessage());
        return true;
      }
      WebhookOutcome.Decision d = send(request, attempt + 1);
      if (d.kind() == WebhookOutcome.Kind.DELIVERED) {
        store.delivered(event.seq());
        forwarded.increment();
        return true;
      }
      if (!running()) {
        return false;
      }
      failures.increment();
      if (d.kind() == WebhookOutcome.Kind.PAUSE) {
        // Not this event's fault: it keeps its place and its attempts, and nothing is dead-lettered.
        pauses++;
        if (pauses == 1) {
          log.warn("forwarding webhooks paused on lane of {}: {}; events kept, retrying", printable(event.eventId()),
              d.reason());
        }
        await(delay(pauses));
        continue;
      }
      attempt++;
      if (d.kind() == WebhookOutcome.Kind.DEAD_LETTER) {
        store.deadLetter(event.seq(), d.reason(), attempt);
        log.warn("webhook {} dead-lettered after {} attempts: {}", printable(event.eventId()), attempt, d.reason());
        return true;
      }
      store.failed(event.seq(), d.reason());
      long delay = delay(attempt);
      log.debug("forwarding webhook {} failed ({}), attempt {}; retrying in {} ms", event.eventId(), d.reason(),
          attempt, delay);
      await(delay);
    }
    return false;
  }

  private long delay(int failures) {
    return Backoff.delayMillis(failures, config.backoffBase().toMillis(), config.backoffCap().toMillis(),
        config.backoffJitter(), ThreadLocalRandom.current().nextDouble());
  }

  /** The forward request. @throws IllegalArgumentException if a header value is one the JDK refuses */
  private HttpRequest request(WebhookEvent event) {
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(config.forwardUrl().toString()))
        .timeout(config.forwardTimeout())
        .header("Content-Type", "application/json")
        .header("X-CIO-Timestamp", event.timestampHeader())
        .header("X-Webhook-Event-Id", event.eventId())
        .POST(HttpRequest.BodyPublishers.ofByteArray(event.body()));
    if (!event.signatureHeader().isEmpty()) {
      req.header("X-CIO-Signature", event.signatureHeader());
    }
    for (Map.Entry<String, String> h : config.forwardHeaders().entrySet()) {
      req.header(h.getKey(), h.getValue());
    }
    return req.build();
  }

  /** An event id for a log line: control characters escaped, at most 100 characters. */
  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && b.length() < 100; i++) {
      char c = s.charAt(i);
      b.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return b.toString();
  }

  /** Sends attempt number {@code attempt} once and decides what its answer means. */
  private WebhookOutcome.Decision send(HttpRequest request, int attempt) {
    try {
      HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
      return WebhookOutcome.ofStatus(response.statusCode(), attempt, config.maxAttempts());
    } catch (IOException e) {
      return WebhookOutcome.ofFailure(e.getClass().getSimpleName() + ": " + e.getMessage(), attempt,
          config.maxAttempts());
    } catch (InterruptedException e) {
      return WebhookOutcome.ofFailure("interrupted", attempt, config.maxAttempts());
    }
  }

  private void await(long millis) {
    try {
      stopped.await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      // close() interrupts only after stopping; the loop then sees !running().
    }
  }

  /** Stops the lane threads (interrupting sends in flight) and waits up to {@code wait} for them. */
  void close(Duration wait) {
    stopped.countDown();
    for (Thread t : threads) {
      t.interrupt();
    }
    long deadline = System.nanoTime() + wait.toNanos();
    for (Thread t : threads) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      try {
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    httpExecutor.shutdownNow();
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }
}
