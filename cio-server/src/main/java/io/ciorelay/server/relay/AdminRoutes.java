package io.ciorelay.server.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ciorelay.delivery.CustomerIo;
import io.ciorelay.delivery.Workspaces;
import io.ciorelay.delivery.DeadLetters;
import io.ciorelay.delivery.outbox.DeadLetter;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The admin API under {@code /admin}, behind its own bearer token: dead letters (list, replay,
 * purge) and pause/resume of delivery. Without a configured token every admin route answers 403;
 * a missing or wrong token gets 401. Thread-safe.
 */
final class AdminRoutes {
  static final int DEFAULT_LIST_LIMIT = 100;
  static final int MAX_LIST_LIMIT = 1000;
  private static final ApiError.Shape PLAIN = ApiError.Shape.PLAIN;

  private final Workspaces workspaces;
  private final JsonBodies bodies;
  private final AuthCheck token;

  AdminRoutes(Workspaces workspaces, JsonBodies bodies, String adminToken) {
    this.workspaces = workspaces;
    this.bodies = bodies;
    this.token = adminToken == null ? null : AuthCheck.bearer(adminToken);
  }

  void register(Javalin app) {
    // "*" with a prefix test, not "/admin/*": Javalin matches every other pattern with a regular
    // expression on every request, and this runs for every request the relay takes.
    app.before(ctx -> {
      if (ctx.path().startsWith("/admin/")) {
        authorize(ctx);
      }
    });
    app.get("/admin/dead-letters", this::list);
    app.post("/admin/dead-letters/replay", ctx -> change(ctx, "replayed", true));
    app.post("/admin/dead-letters/purge", ctx -> change(ctx, "purged", false));
    app.post("/admin/pause", ctx -> {
      selected(ctx).forEach(CustomerIo::pause);
      ctx.contentType("application/json").result("{\"paused\":true}");
    });
    app.post("/admin/resume", ctx -> {
      selected(ctx).forEach(CustomerIo::resume);
      ctx.contentType("application/json").result("{\"paused\":false}");
    });
  }

  /** {@code ?workspace=name}, or every workspace (pause and resume). */
  private List<CustomerIo> selected(Context ctx) {
    String name = ctx.queryParam("workspace");
    if (name == null) {
      return workspaces.names().stream().map(workspaces::get).toList();
    }
    return List.of(one(ctx));
  }

  /** {@code ?workspace=name}; optional when only one workspace is configured. */
  private CustomerIo one(Context ctx) {
    String name = ctx.queryParam("workspace");
    if (name == null) {
      if (workspaces.names().size() == 1) {
        return workspaces.get(workspaces.names().get(0));
      }
      throw ApiError.of(400, PLAIN, "invalid", "workspace", "this relay serves several workspaces "
          + workspaces.names() + ": choose one with ?workspace=name");
    }
    if (!workspaces.contains(name)) {
      throw ApiError.of(404, PLAIN, "not_found", "workspace", "unknown workspace '" + name
          + "' (configured: " + workspaces.names() + ")");
    }
    return workspaces.get(name);
  }

  private void authorize(Context ctx) {
    if (token == null) {
      throw ApiError.of(403, PLAIN, "forbidden", "", "the admin API is disabled: set CIO_ADMIN_TOKEN to enable it");
    }
    if (!token.bearerMatches(ctx.header("Authorization"))) {
      throw ApiError.of(401, PLAIN, "unauthorized", "", "a valid admin bearer token is required");
    }
  }

  private void list(Context ctx) {
    long after = param(ctx, "after", 0, 0, Long.MAX_VALUE);
    int limit = (int) param(ctx, "limit", DEFAULT_LIST_LIMIT, 1, MAX_LIST_LIMIT);
    DeadLetters dl = one(ctx).deadLetters();
    List<DeadLetter> page = dl.list(after, limit);
    ObjectNode out = JsonBodies.MAPPER.createObjectNode();
    out.put("count", dl.count());
    ArrayNode items = out.putArray("dead_letters");
    for (DeadLetter d : page) {
      ObjectNode n = items.addObject();
      n.put("id", d.id());
      n.put("event_id", d.eventId());
      n.put("person_key", d.personKey());
      n.put("kind", d.kind().name());
      n.put("reason", d.reason());
      n.put("last_status", d.lastStatus());
      n.put("attempts", d.attempts());
      n.put("accepted_at", Instant.ofEpochMilli(d.acceptedAtMillis()).toString());
      n.put("dead_at", Instant.ofEpochMilli(d.deadAtMillis()).toString());
      try {
        n.set("payload", JsonBodies.MAPPER.readTree(d.payload()));
      } catch (java.io.IOException e) {
        n.put("payload", new String(d.payload(), java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    if (page.size() == limit) {
      out.put("next_after", page.get(page.size() - 1).id());
    } else {
      out.putNull("next_after");
    }
    ctx.contentType("application/json").result(JsonBodies.write(out));
  }

  private void change(Context ctx, String verb, boolean replay) {
    JsonNode body = bodies.readJson(ctx, PLAIN);
    DeadLetters dl = one(ctx).deadLetters();
    int n;
    if (body.path("all").asBoolean(false)) {
      n = replay ? dl.replayAll() : dl.purgeAll();
    } else {
      JsonNode ids = body.get("ids");
      if (ids == null || !ids.isArray() || ids.isEmpty()) {
        throw ApiError.of(400, PLAIN, "invalid", "ids", "body must be {\"ids\":[1,2,...]} or {\"all\":true}");
      }
      List<Long> list = new ArrayList<>();
      for (JsonNode id : ids) {
        if (!id.canConvertToLong() || !id.isIntegralNumber()) {
          throw ApiError.of(400, PLAIN, "invalid", "ids", "ids must be whole numbers but one was " + id);
        }
        list.add(id.longValue());
      }
      n = replay ? dl.replay(list) : dl.purge(list);
    }
    ctx.contentType("application/json").result("{\"" + verb + "\":" + n + "}");
  }

  private static long param(Context ctx, String name, long dflt, long min, long max) {
    String s = ctx.queryParam(name);
    if (s == null || s.isBlank()) {
      return dflt;
    }
    try {
      long v = Long.parseLong(s.trim());
      if (v < min || v > max) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw ApiError.of(400, PLAIN, "invalid", name, name + " must be a whole number in " + min + ".." + max
          + " but was '" + s + "'");
    }
  }
}
