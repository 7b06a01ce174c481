package io.ciorelay.server.webhook;

import io.ciorelay.client.WebhookVerifier;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives Customer.io reporting webhooks at {@value #PATH}, stores them durably and forwards them
 * to the configured consumer, so a slow or failing consumer never makes Customer.io hold back its
 * webhooks (Customer.io blocks later webhooks behind a failing one, for up to 7 days).
 *
 * <p>Per request: the body is read up to {@link WebhookConfig#maxBodyBytes()} (413
 * {@code body_too_large} beyond it; 400 {@code unreadable_body} if the connection fails while
 * reading); {@code X-CIO-Timestamp}/{@code X-CIO-Signature} are checked
 * with {@link WebhookVerifier} (401 {@code missing_header}, {@code malformed_timestamp},
 * {@code stale_timestamp} — older or newer than the tolerance — or {@code bad_signature}); the
 * JSON is parsed (400 {@code malformed_json} or {@code missing_event_id}); the event is committed
 * to the store, in a group commit shared with concurrent requests, and only then answered 200
 * {@code {}}. A repeated {@code event_id} — also one stored before a restart — is answered 200 and
 * counted as a duplicate, not stored again. If the store cannot commit within 10 s the answer is
 * 503 {@code store_unavailable} (Customer.io retries); after {@link #close()} it is 503
 * {@code closed}. Error bodies are {@code {"error":"<reason>"}}.
 *
 * <p>Forwarding (only with {@link WebhookConfig#forwardUrl()}): see {@link WebhookConfig} and the
 * package documentation; at least once, in receipt order per person. Without a forward URL events
 * are stored and can be listed with {@link #pending}.
 *
 * <p><b>Mounting:</b>
 * <pre>{@code
 * WebhookReceiver webhooks = WebhookReceiver.start(config, meterRegistry);
 * webhooks.register(app);          // before app.start(...)
 * ...
 * app.stop();                      // on shutdown: stop taking requests first,
 * webhooks.close();                // then commit, stop forwarding, remove meters
 * }</pre>
 * The handler reads the raw request stream itself (the signature covers the exact bytes), so no
 * before-handler may consume the body of {@value #PATH}. Use one receiver per meter registry.
 *
 * <p><b>Metrics</b> (Micrometer; Prometheus adds {@code _total} to counters):
 * {@code cio.webhook.received}, {@code cio.webhook.rejected} (tag {@code reason}),
 * {@code cio.webhook.duplicates}, {@code cio.webhook.stored}, {@code cio.webhook.forwarded},
 * {@code cio.webhook.forward.failures} (counters); {@code cio.webhook.backlog} and
 * {@code cio.webhook.dead.letters} (gauges, events) and {@code cio.webhook.oldest.pending.age}
 * (gauge, seconds).
 *
 * <p><b>Dead letters:</b> an event the consumer refused for {@link WebhookConfig#maxAttempts()}
 * attempts, or one that cannot be sent, is kept as a {@link WebhookDeadLetter}; list, replay and
 * purge them with {@link #deadLetters}, {@link #replayDeadLetters}, {@link #purgeDeadLetters}, or
 * over HTTP with {@link #registerAdmin}. They are removed from the registry by
 * {@link #close()}.
 *
 * <p><b>Concurrency:</b> Thread-safe. Requests run on the web server's threads and wait (without
 * a lock) for the store's writer thread {@code cio-webhook-store-writer} to commit; forwarding runs
 * on one thread per lane, {@code cio-webhook-forwarder-<lane>}, with a two-thread HTTP client pool
 * {@code cio-webhook-http-<n>}. Counters are Micrometer counters; the rejection counters live in a
 * {@link ConcurrentHashMap}. Locks: the store's {@code readerLock} only (see the store).
 */
public final class WebhookReceiver implements AutoCloseable {
  /** The path {@link #register} mounts. */
  public static final String PATH = "/webhooks/customerio";

  private static final Logger log = LoggerFactory.getLogger(WebhookReceiver.class);
  private static final long STORE_WAIT_SECONDS = 10;

  private final WebhookConfig config;
  private final MeterRegistry registry;
  private final WebhookVerifier verifier;
  private final WebhookStore store;
  private final WebhookForwarder forwarder;
  private final Counter received;
  private final Counter duplicates;
  private final Counter stored;
  private final Counter forwarded;
  private final Counter forwardFailures;
  private final ConcurrentHashMap<String, Counter> rejected = new ConcurrentHashMap<>();
  private final List<Meter> meters = new ArrayList<>();
  private volatile boolean closed;

  private WebhookReceiver(WebhookConfig config, MeterRegistry registry, WebhookStore store) {
    this.config = config;
    this.store = store;
    this.registry = registry;
    this.verifier = new WebhookVerifier(config.signingKey(), config.tolerance(), config.clock());
    this.received = counter("cio.webhook.received", "Webhook requests that reached the endpoint");
    this.duplicates = counter("cio.webhook.duplicates", "Webhooks whose event_id was already stored");
    this.stored = counter("cio.webhook.stored", "Webhooks committed to the store");
    this.forwarded = counter("cio.webhook.forwarded", "Webhooks the consumer accepted");
    this.forwardFailures = counter("cio.webhook.forward.failures", "Failed forward attempts");
    this.forwarder = config.forwarding() ? new WebhookForwarder(config, store, forwarded, forwardFailures) : null;
    meters.add(Gauge.builder("cio.webhook.backlog", store, WebhookStore::backlog)
        .description("Webhooks stored but not yet delivered").baseUnit("events").register(registry));
    meters.add(Gauge.builder("cio.webhook.oldest.pending.age", this, r -> r.oldestPendingAge().toMillis() / 1000.0)
        .description("Age of the oldest undelivered webhook").baseUnit("seconds").register(registry));
    meters.add(Gauge.builder("cio.webhook.dead.letters", store, WebhookStore::deadLetterCount)
        .description("Webhooks the forwarder gave up on (list, replay, purge under /admin/webhooks/dead-letters)")
        .baseUnit("events").register(registry));
    if (forwarder != null) {
      store.onInsert(forwarder::wake);
      store.onRequeue(forwarder::rewindAll);
      forwarder.start();
    }
  }

  /**
   * Opens the store (resuming any pending events) and, with a forward URL, starts forwarding.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalStateException naming the path if the store cannot be opened
   */
  public static WebhookReceiver start(WebhookConfig config, MeterRegistry registry) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(registry, "registry");
    WebhookStore store = WebhookStore.open(config.storePath(), config.lanes(), config.clock(),
        config.retention().toMillis(), !config.forwarding());
    try {
      return new WebhookReceiver(config, registry, store);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /** Mounts {@code POST} {@value #PATH} on the app (before or after it starts). */
  public void register(Javalin app) {
    app.post(PATH, this::handle);
  }

  /** The configuration this receiver runs with. */
  public WebhookConfig config() {
    return config;
  }

  /** A snapshot of the counters and the store's backlog. */
  public WebhookStats stats() {
    Map<String, Long> byReason = new TreeMap<>();
    rejected.forEach((reason, c) -> byReason.put(reason, (long) c.count()));
    return new WebhookStats((long) received.count(), byReason, (long) duplicates.count(), (long) stored.count(),
        (long) forwarded.count(), (long) forwardFailures.count(), store.backlog(), oldestPendingAge());
  }

  /**
   * Up to {@code limit} undelivered events with a sequence number above {@code afterSeq}, in
   * receipt order; page with the last one's {@link WebhookEvent#seq()}.
   *
   * @throws IllegalArgumentException if limit is not in 1..1000
   * @throws IllegalStateException if the store cannot be read (for example after close)
   */
  public List<WebhookEvent> pending(long afterSeq, int limit) {
    if (limit < 1 || limit > 1000) {
      throw new IllegalArgumentException("limit must be in 1..1000 but was " + limit);
    }
    try {
      return store.pending(afterSeq, limit);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read webhook store " + config.storePath() + ": " + e.getMessage(), e);
    }
  }

  /** Dead letters now in the store. */
  public long deadLetterCount() {
    return store.deadLetterCount();
  }

  /**
   * Up to {@code limit} dead letters with an id ({@link WebhookEvent#seq()}) above {@code afterSeq}, oldest first.
   *
   * @throws IllegalArgumentException if limit is not in 1..1000
   * @throws IllegalStateException if the store cannot be read (for example after close)
   */
  public List<WebhookDeadLetter> deadLetters(long afterSeq, int limit) {
    if (limit < 1 || limit > 1000) {
      throw new IllegalArgumentException("limit must be in 1..1000 but was " + limit);
    }
    try {
      return store.deadLetters(afterSeq, limit);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read webhook store " + config.storePath() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Makes these dead letters (every one when {@code ids} is null) pending again, attempts reset;
   * they are forwarded after the events already waiting in their lanes. Returns how many moved.
   *
   * @throws IllegalStateException if the store cannot commit within 10 s or is closed
   */
  public int replayDeadLetters(List<Long> ids) {
    return await(store.requeue(ids));
  }

  /** Deletes these dead letters (every one when {@code ids} is null) for good. Returns how many were deleted. */
  public int purgeDeadLetters(List<Long> ids) {
    return await(store.purge(ids));
  }

  private int await(java.util.concurrent.CompletableFuture<Integer> f) {
    try {
      return f.get(STORE_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("webhook store " + config.storePath() + ": " + e.getCause().getMessage(), e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("webhook store " + config.storePath() + " did not commit within "
          + STORE_WAIT_SECONDS + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * Mounts the dead-letter admin routes: {@code GET /admin/webhooks/dead-letters?after=&limit=},
   * {@code POST /admin/webhooks/dead-letters/replay} and {@code .../purge} with
   * {@code {"ids":[..]}} or {@code {"all":true}}. They check no credentials themselves: mount them
   * only on an app whose {@code /admin/*} requests are authenticated, as the relay's are (its
   * admin token).
   */
  public void registerAdmin(Javalin app) {
    new WebhookAdminRoutes(this).register(app);
  }

  /** Group commits of the store since start (for benchmarks and tests). */
  long storeCommits() {
    return store.commits();
  }

  private Duration oldestPendingAge() {
    if (store.backlog() == 0) {
      return Duration.ZERO;
    }
    try {
      long at = store.oldestPendingReceivedAt();
      return at < 0 ? Duration.ZERO : Duration.ofMillis(Math.max(0, config.clock().millis() - at));
    } catch (SQLException e) {
      return Duration.ZERO;
    }
  }

  private void handle(Context ctx) {
    received.increment();
    if (closed) {
      reject(ctx, 503, "closed");
      return;
    }
    byte[] body;
    try {
      body = readBody(ctx);
    } catch (IOException e) {
      reject(ctx, 400, "unreadable_body");
      return;
    }
    if (body == null) {
      reject(ctx, 413, "body_too_large");
      return;
    }
    WebhookVerifier.Verification v = verifier.verify(ctx.header("X-CIO-Timestamp"), ctx.header("X-CIO-Signature"),
        body);
    if (!v.valid()) {
      reject(ctx, 401, v.reason().name().toLowerCase(Locale.ROOT));
      return;
    }
    WebhookPayload.Parsed parsed = WebhookPayload.parse(body);
    if (!parsed.ok()) {
      reject(ctx, 400, parsed.rejection());
      return;
    }
    boolean isNew;
    try {
      isNew = store.insert(parsed.eventId(), parsed.personKey(), ctx.header("X-CIO-Timestamp").trim(),
          ctx.header("X-CIO-Signature").trim(), body).get(STORE_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.warn("webhook {} could not be stored", parsed.eventId(), e);
      reject(ctx, 503, "store_unavailable");
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      reject(ctx, 503, "store_unavailable");
      return;
    }
    (isNew ? stored : duplicates).increment();
    ctx.status(200).contentType("application/json").result("{}");
  }

  /** The body, or null if it is larger than the cap. */
  private byte[] readBody(Context ctx) throws IOException {
    int max = config.maxBodyBytes();
    long declared = ctx.req().getContentLengthLong();
    if (declared > max) {
      return null;
    }
    try (InputStream in = ctx.req().getInputStream()) {
      byte[] body = in.readNBytes(max + 1);
      return body.length > max ? null : body;
    }
  }

  private void reject(Context ctx, int status, String reason) {
    rejected.computeIfAbsent(reason, r -> {
      Counter c = Counter.builder("cio.webhook.rejected").tag("reason", r)
          .description("Webhook requests rejected, by reason").register(registry);
      synchronized (meters) {
        meters.add(c);
      }
      return c;
    }).increment();
    ctx.status(status).contentType("application/json").result("{\"error\":\"" + reason + "\"}");
  }

  private Counter counter(String name, String description) {
    Counter c = Counter.builder(name).description(description).register(registry);
    meters.add(c);
    return c;
  }

  /**
   * Stops accepting (later requests get 503), stops forwarding (waiting up to the forward timeout
   * plus one second for sends in flight), commits what the store has queued and closes it, and
   * removes this receiver's meters. Pending events stay in the store for the next start. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (forwarder != null) {
      forwarder.close(config.forwardTimeout().plusSeconds(1));
    }
    store.close();
    synchronized (meters) {
      for (Meter m : meters) {
        registry.remove(m);
      }
      meters.clear();
    }
  }

  @Override
  public String toString() {
    return "WebhookReceiver{path=" + PATH + ", store=" + config.storePath() + ", forwardUrl=" + config.forwardUrl()
        + "}";
  }
}
