package io.ciorelay.server.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ciorelay.delivery.DeadLetters;
import io.ciorelay.delivery.outbox.DeadLetter;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The dashboard's dead-letter API: {@code GET /dashboard/api/dead-letters} (a filtered page),
 * {@code …/count} (how many match, and the id an action up to it covers), {@code …/{id}} (one, with
 * its payload), and {@code POST …/replay} and {@code …/purge} for {@code {"ids":[…]}} or
 * {@code {"filter":{…},"up_to":id}} (everything that matches, up to the counted id). Thread-safe.
 */
final class DeadLetterRoutes {
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 200;
  static final int MAX_IDS = 10_000;
  static final int MAX_BODY = 1_000_000;

  private final Dashboard dashboard;

  DeadLetterRoutes(Dashboard dashboard) {
    this.dashboard = dashboard;
  }

  void register(Javalin app) {
    String base = Dashboard.BASE + "/api/dead-letters";
    app.get(base, this::list);
    app.get(base + "/count", ctx -> {
      DeadLetterScan.Count c = DeadLetterScan.count(store(ctx, ctx.queryParam("workspace")),
          DeadLetterFilter.parse(ctx::queryParam));
      Dashboard.json(ctx, Dashboard.JSON.createObjectNode().put("matching", c.matching()).put("up_to", c.upTo()));
    });
    app.get(base + "/{id}", this::one);
    app.post(base + "/replay", ctx -> change(ctx, true));
    app.post(base + "/purge", ctx -> change(ctx, false));
  }

  private DeadLetters store(Context ctx, String workspace) {
    return dashboard.workspaces().get(dashboard.workspace(ctx, workspace)).deadLetters();
  }

  private void list(Context ctx) {
    DeadLetterFilter filter = DeadLetterFilter.parse(ctx::queryParam);
    long after = longParam(ctx, "after", 0, 0, Long.MAX_VALUE);
    int limit = (int) longParam(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    DeadLetters dl = store(ctx, ctx.queryParam("workspace"));
    DeadLetterScan.Page page = DeadLetterScan.page(dl, filter, after, limit);
    ObjectNode out = Dashboard.JSON.createObjectNode();
    out.put("total", dl.count());
    out.put("scanned", page.scanned());
    out.put("next_after", page.nextAfter() < 0 ? null : page.nextAfter());
    ArrayNode items = out.putArray("dead_letters");
    for (DeadLetter d : page.matches()) {
      items.add(summary(d));
    }
    Dashboard.json(ctx, out);
  }

  private void one(Context ctx) {
    long id;
    try {
      id = Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      throw DashboardException.badRequest("id", "id must be a whole number but was '" + ctx.pathParam("id") + "'");
    }
    if (id < 1) {
      throw DashboardException.badRequest("id", "id must be at least 1 but was " + id);
    }
    List<DeadLetter> l = store(ctx, ctx.queryParam("workspace")).list(id - 1, 1);
    if (l.isEmpty() || l.get(0).id() != id) {
      throw new DashboardException(404, "not_found", "id", "dead letter " + id + " is not in the store (replayed or purged?)");
    }
    DeadLetter d = l.get(0);
    ObjectNode n = summary(d);
    n.put("original_seq", d.originalSeq());
    n.put("kind", d.kind().name());
    n.put("accepted_at", Instant.ofEpochMilli(d.acceptedAtMillis()).toString());
    n.set("payload", DeadLetterFilter.describe(d).payload());
    Dashboard.json(ctx, n);
  }

  private static ObjectNode summary(DeadLetter d) {
    DeadLetterFilter.Described desc = DeadLetterFilter.describe(d);
    ObjectNode n = Dashboard.JSON.createObjectNode();
    n.put("id", d.id());
    n.put("event_id", d.eventId());
    n.put("person_key", d.personKey());
    n.put("type", desc.type());
    n.put("name", desc.name());
    n.put("reason", d.reason());
    n.put("last_status", d.lastStatus());
    n.put("attempts", d.attempts());
    n.put("dead_at", Instant.ofEpochMilli(d.deadAtMillis()).toString());
    return n;
  }

  private void change(Context ctx, boolean replay) {
    JsonNode body = body(ctx);
    DeadLetters dl = store(ctx, body.path("workspace").asText(null));
    String verb = replay ? "replayed" : "purged";
    ObjectNode out = Dashboard.JSON.createObjectNode();
    JsonNode ids = body.get("ids");
    JsonNode filter = body.get("filter");
    if ((ids == null) == (filter == null)) {
      throw DashboardException.badRequest("ids", "body must be {\"ids\":[1,2,...]} or {\"filter\":{...},\"up_to\":N}");
    }
    if (ids != null) {
      if (!ids.isArray() || ids.isEmpty() || ids.size() > MAX_IDS) {
        throw DashboardException.badRequest("ids", "ids must be a list of 1.." + MAX_IDS + " dead-letter ids");
      }
      List<Long> list = new ArrayList<>();
      for (JsonNode id : ids) {
        if (!id.isIntegralNumber() || !id.canConvertToLong() || id.longValue() < 1) {
          throw DashboardException.badRequest("ids", "ids must be whole numbers of at least 1 but one was " + id);
        }
        list.add(id.longValue());
      }
      int n = replay ? dl.replay(list) : dl.purge(list);
      out.put("matched", list.size()).put(verb, n);
    } else {
      if (!filter.isObject()) {
        throw DashboardException.badRequest("filter", "filter must be an object of person, type, reason, status, from, to, q");
      }
      JsonNode upTo = body.get("up_to");
      if (upTo == null || !upTo.isIntegralNumber() || upTo.longValue() < 0) {
        throw DashboardException.badRequest("up_to", "up_to must be the up_to of …/count (the highest id counted)");
      }
      DeadLetterFilter f = DeadLetterFilter.parse(k -> filter.hasNonNull(k) ? filter.get(k).asText() : null);
      DeadLetterScan.Applied a = DeadLetterScan.apply(dl, f, upTo.longValue(), replay);
      out.put("matched", a.matched()).put(verb, a.changed());
    }
    Dashboard.json(ctx, out);
  }

  /** The JSON object body (an empty object when there is none). @throws DashboardException 400/413 */
  static JsonNode body(Context ctx) {
    byte[] raw = ctx.bodyAsBytes();
    if (raw.length == 0) {
      return Dashboard.JSON.createObjectNode();
    }
    if (raw.length > MAX_BODY) {
      throw new DashboardException(413, "too_large", "", "the body must be at most " + MAX_BODY + " bytes");
    }
    try {
      JsonNode n = Dashboard.JSON.readTree(raw);
      if (n == null || !n.isObject()) {
        throw DashboardException.badRequest("", "the body must be a JSON object");
      }
      return n;
    } catch (IOException e) {
      throw DashboardException.badRequest("", "the body is not valid JSON");
    }
  }

  static long longParam(Context ctx, String name, long dflt, long min, long max) {
    String s = ctx.queryParam(name);
    if (s == null || s.isBlank()) {
      return dflt;
    }
    try {
      long v = Long.parseLong(s.trim());
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw DashboardException.badRequest(name, name + " must be a whole number in " + min + ".." + max + " but was '" + s + "'");
  }
}
