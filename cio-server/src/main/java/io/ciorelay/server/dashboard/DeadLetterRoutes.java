package io.ciorelay.server.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The dashboard's dead-letter API of one {@link DeadLetterKind}, under a base path such as
 * {@code /dashboard/api/dead-letters}: {@code GET base} (a filtered page), {@code base/count} (how
 * many match, the id an action up to it covers, and when it was counted), {@code base/{id}} (one,
 * with its payload), and {@code POST base/replay} and {@code base/purge} for {@code {"ids":[…]}}
 * or {@code {"filter":{…},"up_to":id,"as_of":millis}} (everything that matches, up to the counted
 * id). Thread-safe.
 *
 * @param <T> the store's dead letter
 */
final class DeadLetterRoutes<T> {
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 200;
  static final int MAX_IDS = 10_000;
  static final int MAX_BODY = 1_000_000;

  private final String base;
  private final DeadLetterKind<T> kind;
  private final Clock clock;

  DeadLetterRoutes(String base, DeadLetterKind<T> kind, Clock clock) {
    this.base = base;
    this.kind = kind;
    this.clock = clock;
  }

  void register(Javalin app) {
    app.get(base, this::list);
    app.get(base + "/count", ctx -> {
      long asOf = clock.millis();
      DeadLetterScan.Count c = DeadLetterScan.count(kind.source(ctx, ctx.queryParam("workspace")),
          kind.matcher(DeadLetterFilter.parse(ctx::queryParam), asOf));
      Dashboard.json(ctx, Dashboard.JSON.createObjectNode().put("matching", c.matching()).put("up_to", c.upTo())
          .put("as_of", asOf));
    });
    app.get(base + "/{id}", this::one);
    app.post(base + "/replay", ctx -> change(ctx, true));
    app.post(base + "/purge", ctx -> change(ctx, false));
  }

  private void list(Context ctx) {
    DeadLetterFilter filter = DeadLetterFilter.parse(ctx::queryParam);
    long after = longParam(ctx, "after", 0, 0, Long.MAX_VALUE);
    int limit = (int) longParam(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    DeadLetterScan.Source<T> src = kind.source(ctx, ctx.queryParam("workspace"));
    DeadLetterScan.Page<T> page = DeadLetterScan.page(src, kind.matcher(filter, Long.MAX_VALUE), after, limit);
    ObjectNode out = Dashboard.JSON.createObjectNode();
    out.put("total", src.total());
    out.put("scanned", page.scanned());
    out.put("next_after", page.nextAfter() < 0 ? null : page.nextAfter());
    ArrayNode items = out.putArray("dead_letters");
    for (T d : page.matches()) {
      items.add(kind.summary(d));
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
    DeadLetterScan.Source<T> src = kind.source(ctx, ctx.queryParam("workspace"));
    List<T> l = src.list(id - 1, 1);
    if (l.isEmpty() || src.id(l.get(0)) != id) {
      throw new DashboardException(404, "not_found", "id", "dead letter " + id + " is not in the store (replayed or purged?)");
    }
    Dashboard.json(ctx, kind.detail(l.get(0)));
  }

  private void change(Context ctx, boolean replay) {
    JsonNode body = body(ctx);
    DeadLetterScan.Source<T> src = kind.source(ctx, body.path("workspace").asText(null));
    String verb = replay ? "replayed" : "purged";
    ObjectNode out = Dashboard.JSON.createObjectNode();
    JsonNode ids = body.get("ids");
    JsonNode filter = body.get("filter");
    if ((ids == null) == (filter == null)) {
      throw DashboardException.badRequest("ids", "body must be {\"ids\":[1,2,...]} or {\"filter\":{...},\"up_to\":N}");
    }
    if (ids != null) {
      List<Long> list = ids(ids);
      int n = replay ? src.replay(list) : src.purge(list);
      out.put("matched", list.size()).put(verb, n);
    } else {
      if (!filter.isObject()) {
        throw DashboardException.badRequest("filter", "filter must be an object of person, type, reason, status, from, to, q");
      }
      JsonNode upTo = body.get("up_to");
      if (upTo == null || !upTo.isIntegralNumber() || upTo.longValue() < 0) {
        throw DashboardException.badRequest("up_to", "up_to must be the up_to of …/count (the highest id counted)");
      }
      JsonNode asOf = body.get("as_of");
      if (asOf != null && (!asOf.isIntegralNumber() || asOf.longValue() < 0)) {
        throw DashboardException.badRequest("as_of", "as_of must be the as_of of …/count (epoch milliseconds)");
      }
      DeadLetterFilter f = DeadLetterFilter.parse(k -> filter.hasNonNull(k) ? filter.get(k).asText() : null);
      DeadLetterScan.Applied a = DeadLetterScan.apply(src, kind.matcher(f, asOf == null ? clock.millis() : asOf.longValue()),
          upTo.longValue(), replay);
      out.put("matched", a.matched()).put(verb, a.changed());
    }
    Dashboard.json(ctx, out);
  }

  private static List<Long> ids(JsonNode ids) {
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
    return list;
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
