package io.ciorelay.server.dashboard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ciorelay.delivery.CustomerIo;
import io.ciorelay.delivery.Workspaces;
import io.ciorelay.delivery.health.Health;
import io.ciorelay.delivery.metrics.DeliveryMetrics;
import io.ciorelay.redis.RedisFleetView;
import io.ciorelay.redis.RedisStoreConfig;
import io.ciorelay.server.relay.HealthRoutes;
import io.ciorelay.server.relay.RelayConfig;
import io.ciorelay.server.webhook.WebhookEvent;
import io.ciorelay.server.webhook.WebhookReceiver;
import io.ciorelay.server.webhook.WebhookStats;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The JSON of the overview (per workspace: health and its reasons, breaker, backlog, dead letters,
 * 429 pauses, pause record, store and fleet), of the rate history and of the webhook receiver.
 * Fleet snapshots are read from Redis at most once per {@value #FLEET_CACHE_MILLIS} ms per
 * workspace, however many dashboards are open. Thread-safe.
 */
final class Overview implements AutoCloseable {
  static final long FLEET_CACHE_MILLIS = 2_000;

  private final Workspaces workspaces;
  private final RateSampler counters;
  private final RelayConfig config;
  private final Supplier<WebhookReceiver> webhooks;
  private final PauseLog pauses;
  private final Map<String, RateHistory> rates;
  private final Clock clock;
  private final Map<String, RedisFleetView> fleets = new ConcurrentHashMap<>();
  private final Map<String, Cached> fleetCache = new ConcurrentHashMap<>();

  private record Cached(long at, ObjectNode json) {}

  Overview(Workspaces workspaces, MeterRegistry registry, RelayConfig config, Map<String, RedisStoreConfig> redisStores,
      Supplier<WebhookReceiver> webhooks, PauseLog pauses, Map<String, RateHistory> rates, Clock clock) {
    this.workspaces = workspaces;
    this.counters = new RateSampler(registry);
    this.config = config;
    this.webhooks = webhooks;
    this.pauses = pauses;
    this.rates = rates;
    this.clock = clock;
    redisStores.forEach((ws, store) -> fleets.put(ws, RedisFleetView.of(store)));
  }

  ObjectNode all() {
    ObjectNode out = Dashboard.JSON.createObjectNode();
    out.put("now", clock.instant().toString());
    out.put("store", config.store() == null ? "sqlite" : "redis");
    out.put("webhooks", webhooks.get() != null);
    ArrayNode list = out.putArray("workspaces");
    for (String ws : workspaces.names()) {
      list.add(workspace(ws));
    }
    return out;
  }

  private ObjectNode workspace(String ws) {
    CustomerIo cio = workspaces.get(ws);
    Health h = cio.health();
    ObjectNode n = Dashboard.JSON.createObjectNode();
    n.put("name", ws);
    n.setAll(HealthRoutes.toJson(h));
    n.put("rate_limit_pauses", counters.sum(DeliveryMetrics.RATE_LIMIT_PAUSES, ws));
    boolean paused = h.reasons().stream().anyMatch(r -> r.contains("paused by an operator"));
    ObjectNode p = n.putObject("pause");
    p.put("paused", paused);
    PauseLog.Change c = pauses.last(ws);
    if (c != null) {
      p.put("last_change", c.paused() ? "paused" : "resumed").put("by", c.by()).put("at", c.at().toString());
    }
    ObjectNode store = n.putObject("store");
    store.put("kind", config.store() == null ? "sqlite" : "redis");
    store.put("where", cio.config().outboxFactory().describe(cio.config().outbox()));
    RedisFleetView view = fleets.get(ws);
    if (view != null) {
      store.set("fleet", fleet(ws, view));
    }
    return n;
  }

  private ObjectNode fleet(String ws, RedisFleetView view) {
    long now = clock.millis();
    Cached c = fleetCache.get(ws);
    if (c != null && now - c.at() < FLEET_CACHE_MILLIS) {
      return c.json();
    }
    ObjectNode n = Dashboard.JSON.createObjectNode();
    n.put("this_relay", view.relayId());
    try {
      RedisFleetView.Snapshot s = view.snapshot();
      n.put("shards", s.shards());
      ArrayNode relays = n.putArray("relays");
      for (RedisFleetView.Relay r : s.relays()) {
        ObjectNode rn = relays.addObject();
        rn.put("id", r.id()).put("this", r.id().equals(view.relayId())).put("last_seen", r.lastSeen().toString());
        ArrayNode shards = rn.putArray("shards");
        r.shards().forEach(shards::add);
      }
      ArrayNode free = n.putArray("free_shards");
      s.freeShards().forEach(free::add);
    } catch (RuntimeException e) {
      n.put("error", e.getMessage());
    }
    fleetCache.put(ws, new Cached(now, n));
    return n;
  }

  /** Per workspace, the per-second counts after {@code since} (epoch second). */
  ObjectNode rates(long since) {
    ObjectNode out = Dashboard.JSON.createObjectNode();
    out.put("window_seconds", RateHistory.SECONDS);
    ArrayNode series = out.putArray("series");
    RateSampler.SERIES.forEach(series::add);
    ObjectNode each = out.putObject("workspaces");
    rates.forEach((ws, h) -> {
      RateHistory.Window w = h.since(since);
      ObjectNode n = each.putObject(ws);
      ArrayNode secs = n.putArray("seconds");
      for (long s : w.seconds()) {
        secs.add(s);
      }
      for (int i = 0; i < RateSampler.SERIES.size(); i++) {
        ArrayNode vals = n.putArray(RateSampler.SERIES.get(i));
        for (long v : w.values()[i]) {
          vals.add(v);
        }
      }
    });
    return out;
  }

  /**
   * The receiver's counters, its dead-letter count and a page of its forwarding backlog, or
   * {@code enabled:false} (the dead letters themselves: {@code /dashboard/api/webhooks/dead-letters}).
   */
  ObjectNode webhooks(long after, int limit) {
    ObjectNode out = Dashboard.JSON.createObjectNode();
    WebhookReceiver r = webhooks.get();
    out.put("enabled", r != null);
    if (r == null) {
      return out;
    }
    out.put("forwarding", r.config().forwarding());
    out.put("forward_to", r.config().forwarding() ? hostOnly(r.config().forwardUrl()) : null);
    WebhookStats s = r.stats();
    ObjectNode st = out.putObject("stats");
    st.put("received", s.received()).put("stored", s.stored()).put("duplicates", s.duplicates())
        .put("rejected", s.rejectedTotal()).put("forwarded", s.forwarded()).put("forward_failures", s.forwardFailures())
        .put("backlog", s.backlog()).put("oldest_pending_age_seconds", s.oldestPendingAge().toMillis() / 1000.0);
    st.set("rejected_by_reason", Dashboard.JSON.valueToTree(s.rejected()));
    try {
      out.put("dead_letter_count", r.deadLetterCount());
    } catch (RuntimeException e) {
      out.put("error", e.getMessage());
      return out;
    }
    ArrayNode pending = out.putArray("pending");
    List<WebhookEvent> page;
    try {
      page = r.pending(after, limit);
    } catch (RuntimeException e) {
      out.put("error", e.getMessage());
      return out;
    }
    for (WebhookEvent e : page) {
      ObjectNode n = pending.addObject();
      n.put("seq", e.seq()).put("event_id", e.eventId()).put("person_key", e.personKey())
          .put("received_at", e.receivedAt().toString()).put("attempts", e.attempts())
          .put("body", new String(e.body(), StandardCharsets.UTF_8));
    }
    out.put("next_after", page.size() == limit ? page.get(page.size() - 1).seq() : null);
    return out;
  }

  /** {@code scheme://host:port/path} without user info or query (they may hold secrets). */
  private static String hostOnly(java.net.URI u) {
    return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort()) + (u.getPath() == null ? "" : u.getPath());
  }

  @Override
  public void close() {
    fleets.values().forEach(RedisFleetView::close);
  }
}
