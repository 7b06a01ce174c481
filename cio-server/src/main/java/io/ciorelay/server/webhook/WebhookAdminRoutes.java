package io.ciorelay.server.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The webhook dead letters over HTTP, beside the relay's own under {@code /admin}: list
 * ({@code GET /admin/webhooks/dead-letters}), replay and purge ({@code POST .../replay},
 * {@code .../purge} with {@code {"ids":[seq,...]}} or {@code {"all":true}}). Bad parameters get a
 * 400 {@code {"error":"..."}} naming them. Authentication is the mounting app's (see
 * {@link WebhookReceiver#registerAdmin}). Thread-safe.
 */
final class WebhookAdminRoutes {
  static final String PATH = "/admin/webhooks/dead-letters";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY_BYTES = 1024 * 1024;

  private final WebhookReceiver receiver;

  WebhookAdminRoutes(WebhookReceiver receiver) {
    this.receiver = receiver;
  }

  void register(Javalin app) {
    app.get(PATH, this::list);
    app.post(PATH + "/replay", ctx -> change(ctx, "replayed", true));
    app.post(PATH + "/purge", ctx -> change(ctx, "purged", false));
  }

  private void list(Context ctx) {
    Long after = param(ctx, "after", 0, Long.MAX_VALUE, 0);
    Long limit = param(ctx, "limit", 1, 1000, 100);
    if (after == null || limit == null) {
      return;
    }
    List<WebhookDeadLetter> page = receiver.deadLetters(after, limit.intValue());
    ObjectNode out = JSON.createObjectNode();
    out.put("count", receiver.deadLetterCount());
    ArrayNode items = out.putArray("dead_letters");
    for (WebhookDeadLetter d : page) {
      WebhookEvent e = d.event();
      ObjectNode n = items.addObject();
      n.put("id", e.seq());
      n.put("event_id", e.eventId());
      n.put("person_key", e.personKey());
      n.put("reason", d.reason());
      n.put("attempts", e.attempts());
      n.put("received_at", e.receivedAt().toString());
      n.put("dead_at", d.deadAt().toString());
      try {
        n.set("body", JSON.readTree(e.body()));
      } catch (IOException ex) {
        n.put("body", new String(e.body(), java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    if (page.size() == limit) {
      out.put("next_after", page.get(page.size() - 1).event().seq());
    } else {
      out.putNull("next_after");
    }
    ctx.contentType("application/json").result(out.toString());
  }

  private void change(Context ctx, String verb, boolean replay) throws IOException {
    byte[] raw = ctx.req().getInputStream().readNBytes(MAX_BODY_BYTES + 1);
    JsonNode body;
    try {
      body = raw.length == 0 || raw.length > MAX_BODY_BYTES ? null : JSON.readTree(raw);
    } catch (IOException e) {
      body = null;
    }
    List<Long> ids = null;
    if (body == null || !body.path("all").asBoolean(false)) {
      JsonNode list = body == null ? null : body.get("ids");
      if (list == null || !list.isArray() || list.isEmpty()) {
        refuse(ctx, "body must be {\"ids\":[1,2,...]} or {\"all\":true} (at most " + MAX_BODY_BYTES + " bytes)");
        return;
      }
      ids = new ArrayList<>();
      for (JsonNode id : list) {
        if (!id.isIntegralNumber() || !id.canConvertToLong()) {
          refuse(ctx, "ids must be whole numbers but one was " + abbreviate(id.toString()));
          return;
        }
        ids.add(id.longValue());
      }
    }
    int n = replay ? receiver.replayDeadLetters(ids) : receiver.purgeDeadLetters(ids);
    ctx.contentType("application/json").result("{\"" + verb + "\":" + n + "}");
  }

  /** The parameter, its default when absent, or null after answering 400. */
  private static Long param(Context ctx, String name, long min, long max, long dflt) {
    String s = ctx.queryParam(name);
    Long v = s == null || s.isBlank() ? Long.valueOf(dflt) : parseLong(s.trim());
    if (v != null && v >= min && v <= max) {
      return v;
    }
    refuse(ctx, name + " must be a whole number in " + min + ".." + max + " but was '" + abbreviate(s) + "'");
    return null;
  }

  private static Long parseLong(String s) {
    try {
      return Long.valueOf(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static void refuse(Context ctx, String message) {
    ObjectNode n = JSON.createObjectNode();
    n.put("error", message);
    ctx.status(400).contentType("application/json").result(n.toString());
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
